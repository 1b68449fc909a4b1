#!/usr/bin/env bash
# Installs the built .deb as a user would (apt install ./shipshape_*.deb),
# checks what it put where, starts the app from its menu entry on a private
# display, and removes it again: the user's data stays. The package is
# purged on exit, even when a check fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "package test: run as root (it installs the package)" >&2; exit 2; }
shopt -s nullglob
debs=("$root"/target/package/shipshape_*.deb)
((${#debs[@]} == 1)) || { echo "package test: no package; run 'make package' first" >&2; exit 2; }
deb="${debs[0]}"
if dpkg-query -W -f='${Status}' shipshape 2>/dev/null | grep -q "ok installed"; then
  echo "package test: shipshape is already installed here; remove it first (apt remove shipshape)" >&2
  exit 2
fi

work="$(mktemp -d)"
pids=()
groups=()
cleanup() {
  local status=$?
  for group in "${groups[@]}"; do kill -- "-$group" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}" "${groups[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq shipshape >/dev/null 2>&1 || true
  rm -rf "$work"
  if ((status == 0)); then echo "package test: all checks passed"; else echo "package test: FAILED" >&2; fi
}
trap cleanup EXIT
fail() { echo "package test: $*" >&2; exit 1; }

echo "package test: apt install $(basename "$deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log" >&2; fail "apt could not install the package"; }

version="$(shipshape --version)"
[[ $version == "shipshape $(dpkg-query -W -f='${Version}' shipshape)" ]] || fail "shipshape --version says: $version"
for bin in /usr/bin/shipshape /usr/bin/shipshape-app; do
  [[ "$(stat -c '%U:%G %a' "$bin")" == "root:root 755" ]] || fail "$bin is not root's alone: $(stat -c '%U:%G %a' "$bin")"
done
desktop=/usr/share/applications/org.shipshape.console.desktop
desktop-file-validate "$desktop" || fail "the menu entry is not valid"
grep -q '<annotate key="org.freedesktop.policykit.exec.path">/usr/bin/shipshape</annotate>' \
  /usr/share/polkit-1/actions/org.shipshape.console.policy || fail "the polkit action does not name /usr/bin/shipshape"
[[ -f /usr/share/icons/hicolor/scalable/apps/org.shipshape.console.svg ]] || fail "the icon is missing"

# The installed build takes no test settings: nothing can point it elsewhere.
if out="$(PKEXEC_UID=65534 shipshape helper --test-setting "SHIPSHAPE_STATE_DIR=$work/state" preview ssh.x11_forwarding 2>&1)"; then
  fail "the installed helper took a test setting: $out"
fi
grep -q "not a test setting this build takes" <<<"$out" || fail "the installed helper did not refuse the test setting: $out"
[[ ! -e $work/state ]] || fail "the installed helper wrote to the test setting's folder"

echo "package test: the app starts from its menu entry"
exec_line="$(sed -n 's/^Exec=//p' "$desktop")"
display=":$((500 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
mkdir -p "$work/home"
# The user's data before removal: written by the installed command.
HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" \
  shipshape audit export --format csv "$work/first.csv" >/dev/null || fail "the installed command could not write the user's log"
data="$work/home/.local/share/shipshape/shipshape.db"
[[ -f $data ]] || fail "no user data at $data"
# In a process group of its own, so the session bus and the accessibility
# bus it starts stop with it.
DISPLAY="$display" HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" \
  setsid dbus-run-session -- sh -c "exec $exec_line" >"$work/app.log" 2>&1 &
app=$!
groups+=("$app")
shown=""
for _ in $(seq 1 300); do
  if DISPLAY="$display" xwininfo -root -tree 2>/dev/null | grep -q '"Shipshape"'; then shown=1; break; fi
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
[[ -n $shown ]] || { cat "$work/app.log" >&2; fail "the app's window did not open"; }
kill -- "-$app"

echo "package test: apt remove keeps the user's data"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq shipshape >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log" >&2; fail "apt could not remove the package"; }
[[ ! -e /usr/bin/shipshape ]] || fail "/usr/bin/shipshape is still there after removal"
[[ -f $data ]] || fail "removing the package removed the user's data"
