#!/usr/bin/env bash
# Installs what building and testing Shipshape needs, only what is missing:
# Debian/Ubuntu packages, the UI's npm packages (from the lockfile) and
# tauri-driver. Quick when everything is present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  build-essential pkg-config curl file libssl-dev
  libwebkit2gtk-4.1-dev        # the app's web view (pulls GTK 3, libsoup 3)
  webkit2gtk-driver            # WebKitWebDriver, for end-to-end tests
  xvfb xauth x11-utils         # a display for the window in tests (xwininfo)
  dbus                         # dbus-run-session: a private session bus in tests
  gnome-keyring libsecret-tools # a real Secret Service (and secret-tool) in tests
  xclip                        # reads the clipboard in end-to-end tests
  bsdutils                     # `script`: a terminal for the CLI's prompt tests
  python3                      # small helpers in the end-to-end tests
  b3sum gnupg minisign         # peers the verify tests check against
  lynis                        # the security scan's peer in `make bench`
  pkexec polkitd               # the real way in to root, tested headless
  lintian desktop-file-utils   # check the .deb that `make package` builds
  debootstrap zstd xz-utils    # clean Debian and Ubuntu roots for the package test; tarballs to install
  apt-utils dpkg-repack        # a local signed archive for the update tests; undo copies
  python3-aiosmtpd openssl     # a real SMTP server with its own certificate, for email notices
  python3-cryptography         # writes a repository as a newer restic would, for a backup test
  python3-dbus python3-gi      # a stand-in for NetworkManager on a private bus, for the metered test
  dunst                        # a real notification daemon, for desktop notices
  restic                       # keeps the backups (and checks them in the tests)
  rclone                       # a restic REST server (rclone serve restic) the backup tests start on loopback
  exfatprogs exfat-fuse        # an exFAT disk, mounted for a person, for a backup test
  openssh-client               # ssh, ssh-keyscan, ssh-keygen: backups to another computer
  openssh-server               # a real sshd the backup tests start on loopback (never the system's)
  sudo                         # the fleet test: the console's account reaches only the helper through a sudo rule
  rpm                          # rpm and rpmbuild: an rpm database made in a test, read by the inventory
  ansible-core                 # the fleet benchmark's side-by-side: ansible -m setup over the same computers
  nodejs npm                   # builds the UI
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js from elsewhere (nvm, NodeSource) is fine: skip Debian's.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # The tests start their own sshd; installing the package must not leave
  # this computer with an SSH server on port 22, now or at the next boot.
  # Debian's own switch for that, honoured by its init script and by
  # ssh.service and ssh.socket: /etc/ssh/sshd_not_to_be_run, made only
  # when the server was not installed before (a policy-rc.d would stop
  # every service installed alongside, and leave ssh to start at boot).
  for p in "${missing[@]}"; do
    if [[ $p == openssh-server ]]; then
      $sudo mkdir -p /etc/ssh
      $sudo touch /etc/ssh/sshd_not_to_be_run
      echo "deps: the system's SSH server stays off (remove /etc/ssh/sshd_not_to_be_run to use it)"
    fi
  done
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
node_minor="$(node -p 'process.versions.node.split(".")[1]')"
if ((node_major < 20 || (node_major == 20 && node_minor < 19))); then
  echo "deps: Node.js $(node --version) is too old; the UI build needs 20.19 or newer." >&2
  echo "      Install a newer Node.js (for example from nodejs.org or NodeSource) and run make again." >&2
  exit 2
fi

if ! command -v cargo >/dev/null; then
  echo "deps: Rust is missing. Install it with rustup (https://rustup.rs), then run make again." >&2
  exit 2
fi

# npm ci only when the lockfile changed since the last install.
stamp="$root/ui/node_modules/.shipshape-lock"
if [[ ! -f $stamp ]] || ! cmp -s "$root/ui/package-lock.json" "$stamp"; then
  echo "deps: npm ci"
  (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$root/ui/package-lock.json" "$stamp"
fi

if ! command -v tauri-driver >/dev/null; then
  echo "deps: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
