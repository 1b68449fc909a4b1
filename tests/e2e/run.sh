#!/usr/bin/env bash
# Runs the end-to-end tests against the built app: a private X display, a
# private D-Bus session, tauri-driver on loopback, a throwaway HOME and data
# folder. Everything started here is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
app="${SHIPSHAPE_APP:-$root/target/debug/shipshape-app}"
cli="${SHIPSHAPE_CLI:-$root/target/debug/shipshape}"
for bin in "$app" "$cli"; do
  [[ -x "$bin" ]] || { echo "e2e: $bin is missing; run 'make build' first" >&2; exit 2; }
done
command -v tauri-driver >/dev/null || { echo "e2e: tauri-driver is missing; run 'make deps'" >&2; exit 2; }

work="$(mktemp -d /tmp/shipshape-e2e.XXXXXX)"
artifacts="${E2E_ARTIFACTS:-$root/tests/e2e/artifacts}"
rm -rf "$artifacts"
mkdir -p "$artifacts" "$work/home"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
native_port="$(free_port)"
display=":$((90 + RANDOM % 400))"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$work/apt/apt.conf" ]] && bash "$root/tests/e2e/apt-archive.sh" remove
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$artifacts/xvfb.log" 2>&1 &
pids+=($!)

export DISPLAY="$display"
export HOME="$work/home"
export XDG_DATA_HOME="$work/home/.local/share"
export SHIPSHAPE_APP="$app" SHIPSHAPE_CLI="$cli"
export SHIPSHAPE_DATA_DIR="$work/data"
export E2E_ARTIFACTS="$artifacts"
export WEBDRIVER_URL="http://127.0.0.1:$port"
export AXE_PATH="$root/ui/node_modules/axe-core/axe.min.js"
# Test-only: a copied secret leaves the clipboard after 3 s instead of 30 s.
export SHIPSHAPE_CLIPBOARD_CLEAR_SECONDS=3
# Test-only: the app samples this computer every second instead of every 5 s
# (`make bench` keeps the shipped 5 s, so launch figures are the user's).
export SHIPSHAPE_SAMPLE_SECONDS="${SHIPSHAPE_SAMPLE_SECONDS:-1}"
# Test-only: the app's security scan reads this fixture folder, not "/";
# security.test.mjs fills it before it starts the app.
export SHIPSHAPE_SCAN_ROOT="${SHIPSHAPE_SCAN_ROOT:-$work/scan-root}"
# Root's records for changes to the scan root: a private folder, not /var/lib.
export SHIPSHAPE_STATE_DIR="${SHIPSHAPE_STATE_DIR:-$work/root-state}"

# Test-only: apt reads only the local signed archive maintenance.test.mjs
# makes there (its package is purged on exit).
export SHIPSHAPE_APT_CONFIG="$work/apt/apt.conf"
# Programs from tarballs and AppImages go here instead of /opt.
export SHIPSHAPE_OPT_DIR="$work/opt"
# Their menu entries go here instead of /usr/local/share/applications.
export SHIPSHAPE_MENU_DIR="$work/applications"

# Test-only: email notices also trust the certificate of the mail server
# notices.test.mjs starts on loopback (made there, with the server).
export SHIPSHAPE_SMTP_CA="$work/smtp/cert.pem"

# Test-only: root's backup keys are sealed under a host key here, never the
# machine's own (/var/lib/systemd/credential.secret).
export SHIPSHAPE_CREDENTIAL_SECRET="$work/host.secret"

# A private session bus: single-instance hand-over goes through it, and a
# running Shipshape on the desktop must not be reached. On it, a private
# gnome-keyring (in the throwaway HOME), unlocked: the real Secret Service.
exec_in_session() {
  printf %s e2e-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  tauri-driver --port "$port" --native-port "$native_port" >"$E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  trap 'kill $driver 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -sf "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break
    sleep 0.1
  done
  set +e
  node ${E2E_SCRIPT:---test --test-concurrency=1 --test-timeout=60000 "$root/tests/e2e/"*.test.mjs} | tee "$E2E_ARTIFACTS/output.tap"
  local status=${PIPESTATUS[0]}
  [[ $status -eq 0 ]] || node "$root/tests/e2e/failures.mjs" "$E2E_ARTIFACTS/output.tap"
  return "$status"
}
export -f exec_in_session
export port native_port root
dbus-run-session -- bash -c exec_in_session
