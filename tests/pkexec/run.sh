#!/usr/bin/env bash
# The real way in to root: a normal account asks for a fix, pkexec asks
# polkit, polkit says yes (a test-only rule stands in for the administrator's
# password), and Shipshape's helper makes the fix and keeps root's records;
# then its undo. An account no rule covers is refused with nothing changed.
#
# Needs root (it adds two throwaway accounts, a polkit action and a rule).
# Everything it starts is stopped by its process id, and every file and
# account it adds is removed on exit, even when a check fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${SHIPSHAPE_CLI:-$root/target/debug/shipshape}"
app="${SHIPSHAPE_APP:-$root/target/debug/shipshape-app}"
for bin in "$cli" "$app"; do
  [[ -x $bin ]] || { echo "pkexec: $bin is missing; run 'make build' first" >&2; exit 2; }
done
command -v tauri-driver >/dev/null || { echo "pkexec: tauri-driver is missing; run 'make deps'" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "pkexec: run as root (it adds test accounts and polkit rules)" >&2; exit 2; }
command -v pkexec >/dev/null || { echo "pkexec: pkexec is missing; run 'make deps'" >&2; exit 2; }

tag="shipshape-pkexec-$$"
action="org.shipshape.console.pkexec-test-$$"
policy="/usr/share/polkit-1/actions/$action.policy"
rules="/etc/polkit-1/rules.d/10-$tag.rules"
# Root's own folder, 0755: pkexec runs only a program root alone may change.
work="$(mktemp -d -p /opt "$tag.XXXXXX")"
chmod 0755 "$work"
alice="sspk$$a"
bob="sspk$$b"
pids=()
users=()
started_bus=""

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  if [[ -n $started_bus ]]; then rm -f /run/dbus/system_bus_socket /run/dbus/pid; fi
  rm -f "$policy" "$rules"
  [[ -f "$work/apt/apt.conf" ]] && bash "$root/tests/e2e/apt-archive.sh" remove
  for u in "${users[@]}"; do userdel -r "$u" >/dev/null 2>&1 || true; done
  rm -rf "$work"
  if ((status == 0)); then echo "pkexec: all checks passed"; else echo "pkexec: FAILED" >&2; fi
}
trap cleanup EXIT

fail() { echo "pkexec: $*" >&2; exit 1; }

# A system bus and polkitd: the desktop's when they run, else private ones.
bus_answers() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.ListNames >/dev/null 2>&1
}
if ! bus_answers; then
  mkdir -p /run/dbus
  rm -f /run/dbus/system_bus_socket /run/dbus/pid
  pids+=("$(dbus-daemon --system --fork --print-pid)")
  started_bus=1
  for _ in $(seq 1 50); do bus_answers && break; sleep 0.1; done
fi
if ! dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>/dev/null | grep -q "boolean true"; then
  /usr/lib/polkit-1/polkitd --no-debug >"$work/polkitd.log" 2>&1 &
  pids+=($!)
fi

# The programs (the app's helper is the `shipshape` beside it), and a
# fixture system with X11 forwarding on.
mkdir -p "$work/bin" "$work/state" "$work/system/etc/ssh/sshd_config.d" "$work/system/usr/sbin"
install -m 0755 "$cli" "$work/bin/shipshape"
install -m 0755 "$app" "$work/bin/shipshape-app"
install -m 0755 "$(command -v tauri-driver)" "$work/bin/tauri-driver"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$work/system/etc/os-release"
printf 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n' >"$work/system/etc/ssh/sshd_config"
printf 'X11Forwarding yes\n' >"$work/system/etc/ssh/sshd_config.d/10-local.conf"
: >"$work/system/usr/sbin/sshd"
chmod 0755 "$work/system/usr/sbin/sshd"
conf="$work/system/etc/ssh/sshd_config.d/10-local.conf"

# The action as the package installs it, but for this copy of the program.
sed -e "s|org.shipshape.console.helper|$action|" \
  -e "s|/usr/bin/shipshape|$work/bin/shipshape|" \
  "$root/packaging/org.shipshape.console.policy" >"$policy"
grep -q "$work/bin/shipshape" "$policy" || fail "the test policy does not name the test program"

for u in "$alice" "$bob"; do
  useradd -m -d "$work/home-$u" -s /bin/sh "$u"
  users+=("$u")
done
cat >"$rules" <<RULES
polkit.addRule(function (action, subject) {
  if (action.id == "$action" && subject.user == "$alice") return polkit.Result.YES;
});
RULES
# polkitd picks up new actions and rules within a second or two.
sleep 2

# Runs the CLI as account $1 with the test settings naming the fixture.
as() {
  local user="$1"
  shift
  su -s /bin/sh "$user" -c "cd && env SHIPSHAPE_SCAN_ROOT='$work/system' SHIPSHAPE_STATE_DIR='$work/state' \
    SHIPSHAPE_APT_CONFIG='$work/apt/apt.conf' SHIPSHAPE_OPT_DIR='$work/opt' SHIPSHAPE_MENU_DIR='$work/applications' \
    '$work/bin/shipshape' $*"
}

# Runs the CLI as $alice on this computer itself (no fixture): what an
# installation switched on is on the real system.
as_backup() {
  su -s /bin/sh "$alice" -c "cd && env SHIPSHAPE_STATE_DIR='$work/state' \
    SHIPSHAPE_CREDENTIAL_SECRET='$work/host.secret' '$work/bin/shipshape' $*"
}
# Alice's session: a private bus with her own gnome-keyring, unlocked.
in_keyring() {
  su -s /bin/bash "$alice" -c "cd && env SHIPSHAPE_STATE_DIR='$work/state' \
    SHIPSHAPE_CREDENTIAL_SECRET='$work/host.secret' dbus-run-session -- bash -c \
    'printf %s pk | gnome-keyring-daemon --unlock --components=secrets >/dev/null; $*'"
}

echo "pkexec: $alice fixes X11 forwarding through pkexec"
out="$(as "$alice" fix ssh.x11_forwarding --root "'$work/system'" --json)" || fail "the fix failed: $out"
[[ "$(cat "$conf")" == "X11Forwarding no" ]] || fail "the file was not fixed: $(cat "$conf")"
[[ "$(stat -c %U "$conf")" == root ]] || fail "the fixed file is no longer root's"
change="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["change"]["id"])' <<<"$out")"

echo "pkexec: both logs name $alice and both chains hold"
mine="$(as "$alice" audit list --json --action security.fix)"
grep -q '"outcome": *"ok"' <<<"$mine" || fail "the user's own log lacks the fix: $mine"
admin="$(as "$alice" audit list --admin --json --action security.fix)"
python3 - "$alice" <<PY || fail "root's log does not name $alice: $admin"
import json, sys
entries = json.loads('''$admin''')
assert any(e["actor"] == sys.argv[1] and e["source"] == "helper" for e in entries), entries
PY
as "$alice" audit verify >/dev/null || fail "the user's log does not verify"
as "$alice" audit verify --admin >/dev/null || fail "root's published log does not verify"
[[ "$(stat -c '%U %a' "$work/state/private")" == "root 700" ]] || fail "root's state is not root's alone"

echo "pkexec: $alice undoes it"
as "$alice" undo "$change" --json >/dev/null || fail "the undo failed"
[[ "$(cat "$conf")" == "X11Forwarding yes" ]] || fail "the undo did not put the file back: $(cat "$conf")"

echo "pkexec: $bob, whom no rule lets in, is refused and nothing changes"
before="$(sha256sum "$conf")"
if out="$(as "$bob" fix ssh.x11_forwarding --root "'$work/system'" 2>&1)"; then
  fail "the fix ran for an account polkit does not allow: $out"
fi
grep -q "password was not given" <<<"$out" || fail "the refusal does not say why: $out"
[[ "$(sha256sum "$conf")" == "$before" ]] || fail "a refused fix changed the file"

echo "pkexec: $alice installs a security update and undoes it through pkexec"
bash "$root/tests/e2e/apt-archive.sh" make "$work/apt"
tool=shipshape-e2e-tool
version() { dpkg-query -W -f '${Version} ${db:Status-Abbrev}' "$tool"; }
as "$alice" updates check --json >/dev/null && fail "updates check did not say a security update waits"
out="$(as "$alice" updates apply --security --yes --json)" || fail "the update failed: $out"
[[ "$(version)" == "1.1 ii " ]] || fail "the update was not installed: $(version)"
grep -q '"admin_run"' <<<"$out" || fail "the user's history lacks root's run number: $out"
as "$alice" updates undo 1 --json >/dev/null || fail "the update's undo failed"
[[ "$(version)" == "1.0 hi " ]] || fail "the undo did not put 1.0 back held: $(version)"
if out="$(as "$bob" updates apply --all --yes 2>&1)"; then
  fail "updates were installed for an account polkit does not allow: $out"
fi
[[ "$(version)" == "1.0 hi " ]] || fail "a refused update changed the package"

echo "pkexec: $alice schedules a job through pkexec, and reads the schedule without"
as "$alice" schedule add --job update-check --at 06:00 >/dev/null || fail "adding a job failed"
listed="$(as "$alice" schedule list --json)" || fail "listing the schedule failed: $listed"
grep -q '"Check for updates: every day at 06:00"' <<<"$listed" || fail "the schedule lacks the job: $listed"
[[ "$(stat -c '%U %a' "$work/state/public/schedule.json")" == "root 644" ]] || fail "the published schedule is not root's, 0644"

echo "pkexec: $alice installs a verified .deb from her own folder through pkexec, and undoes it"
mkdir -p "$work/home-$alice/downloads"
deb="$(bash "$root/tests/e2e/apt-archive.sh" file "$work/home-$alice/downloads" 1.0)"
chown -R "$alice:" "$work/home-$alice"
sum="$(sha256sum "$deb" | cut -c1-64)"
filed() { dpkg-query -W -f '${Version} ${db:Status-Abbrev}' shipshape-e2e-tool-file 2>/dev/null || true; }
out="$(as "$alice" install "'$deb'" --sha256 "$sum" --yes --json)" || fail "installing the file failed: $out"
[[ "$(filed)" == "1.0 ii " ]] || fail "the file was not installed: $(filed)"
run="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out")"

echo "pkexec: $alice switches off the service it switched on, and replaces its default password, through pkexec"
link=/etc/systemd/system/multi-user.target.wants/shipshape-e2e-tool-file.service
[[ -L $link ]] || fail "the package did not make its service start with the computer"
out="$(as_backup installs harden "$run" --switch-off "'service:shipshape-e2e-tool-file.service'" --yes --json)" ||
  fail "switching the service off failed: $out"
[[ ! -L $link ]] || fail "the service still starts with the computer"
cat >"$work/harden-password.sh" <<SH
set -e
'$work/bin/shipshape' installs harden $run --password 'password:/etc/shipshape-e2e-tool-file.conf:admin_password' --json
umask 077
'$work/bin/shipshape' vault get 'shipshape-e2e-tool-file: admin_password' --stdout >new-password
SH
chmod 0755 "$work/harden-password.sh"
out="$(in_keyring "bash $work/harden-password.sh")" || fail "replacing the default password failed: $out"
new="$(cat "$work/home-$alice/new-password")"
rm -f "$work/home-$alice/new-password"
[[ "$(cat /etc/shipshape-e2e-tool-file.conf)" == "$(printf 'port=8080\nadmin_password = %s' "$new")" ]] ||
  fail "the settings do not hold the password kept in the keychain: $(cat /etc/shipshape-e2e-tool-file.conf)"
[[ "$(stat -c '%U %a' /etc/shipshape-e2e-tool-file.conf)" == "root 644" ]] || fail "the settings file lost its owner or mode"
if grep -rqF "$new" "$work/state"; then fail "the new password was written in root's state"; fi
echo "pkexec: $alice moves the package's example pages out of where they are served, through pkexec"
out="$(as_backup installs harden "$run" --remove-sample "'sample:/var/www/shipshape-e2e-tool-file/examples'" --json)" ||
  fail "moving the examples aside failed: $out"
[[ ! -e /var/www/shipshape-e2e-tool-file/examples ]] || fail "the examples are still served"
ls "$work"/state/private/sample-data/*/examples/index.html >/dev/null || fail "no copy of the examples was kept in root's state"
as "$alice" updates undo "$run" --json >/dev/null || fail "undoing the installation failed"
[[ -z "$(filed)" ]] || fail "the undo left the package installed: $(filed)"

echo "pkexec: $alice reads the accounts as the administrator through pkexec: password states known"
mine="$(as_backup access list --json)" || fail "listing the accounts failed: $mine"
python3 - "$alice" "$mine" <<'PY' || fail "without the administrator, password states should be unknown"
import json, sys
a = next(a for a in json.loads(sys.argv[2])["accounts"] if a["name"] == sys.argv[1])
assert a["password"] == "unknown", a
PY
admin="$(as_backup access list --as-admin --json)" || fail "listing the accounts as the administrator failed: $admin"
python3 - "$alice" "$admin" <<'PY' || fail "root's reading lacks the password state: $admin"
import json, sys
accounts = json.loads(sys.argv[2])["accounts"]
a = next(a for a in accounts if a["name"] == sys.argv[1])
assert a["password"] == "locked" and a["human"], a
assert next(r for r in accounts if r["name"] == "root")["password"] != "unknown"
PY

echo "pkexec: root reads the file as $alice: one only root may read is refused, its checksum never said"
mkdir -m 0700 "$work/root-only-deb"
cp "$deb" "$work/root-only-deb/secret.deb"
if out="$(su -s /bin/sh "$alice" -c "pkexec '$work/bin/shipshape' helper --test-setting SHIPSHAPE_STATE_DIR='$work/state' \
  --test-setting SHIPSHAPE_APT_CONFIG='$work/apt/apt.conf' install-deb --checksum sha256:$sum -- '$work/root-only-deb/secret.deb'" 2>&1)"; then
  fail "root installed a file $alice cannot read: $out"
fi
grep -q "could not be read by the account that asked" <<<"$out" || fail "the refusal does not say why: $out"
[[ -z "$(filed)" ]] || fail "a refused file was installed: $(filed)"

echo "pkexec: $alice installs a package by name from the signed archive through pkexec, and undoes it"
app=shipshape-e2e-tool-app
out="$(as "$alice" install "$app" --yes --json)" || fail "installing $app by name failed: $out"
[[ "$(dpkg-query -W -f '${Version}' "$app")" == "2.0" ]] || fail "$app was not installed"
run="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out")"
as "$alice" installs undo "$run" --json >/dev/null || fail "undoing $app failed"
dpkg-query -W -f '${db:Status-Abbrev}' "$app" 2>/dev/null | grep -q '^ii' && fail "the undo left $app installed"

echo "pkexec: $alice removes a package nothing needs from the retire list through pkexec, and undoes it"
as "$alice" install "$app" --yes --json >/dev/null || fail "installing $app again failed"
apt-mark auto "$app" >/dev/null
listed="$(as "$alice" inventory --retire --json)" || fail "the retire list failed: $listed"
python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin)["retire"] if x["id"]==sys.argv[1]]; sys.exit(not (r and r[0]["why"]=="unneeded" and r[0]["removable"]))' "$app" <<<"$listed" ||
  fail "$app is not on the retire list as unneeded"
if out="$(as "$alice" inventory remove "$app" 2>&1)"; then fail "a removal went ahead without --yes: $out"; fi
grep -q "1 package would be removed" <<<"$out" || fail "the removal's preview was not shown: $out"
if out="$(as "$bob" inventory remove "$app" --yes 2>&1)"; then
  fail "a package was removed for an account polkit does not allow: $out"
fi
out="$(as "$alice" inventory remove "$app" --yes --json)" || fail "removing $app failed: $out"
dpkg-query -W -f '${db:Status-Abbrev}' "$app" 2>/dev/null | grep -q '^ii' && fail "the removal left $app installed"
run="$(python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["kind"]=="retire" and r["packages"][0]["undo_copy"]; print(r["id"])' <<<"$out")" ||
  fail "the removal's record is not a retire run with a kept copy: $out"
as "$alice" updates undo "$run" --json >/dev/null || fail "undoing the removal failed"
[[ "$(dpkg-query -W -f '${Version} ${db:Status-Abbrev}' "$app")" == "2.0 ii " ]] || fail "the undo did not put $app 2.0 back, unheld"

echo "pkexec: $alice installs two versions of a program from her folder into /opt through pkexec, and switches back"
for v in 1.0 2.0; do
  mkdir -p "$work/home-$alice/src/tool-$v/bin"
  printf '#!/bin/sh\necho %s\n' "$v" >"$work/home-$alice/src/tool-$v/bin/tool"
  chmod 755 "$work/home-$alice/src/tool-$v/bin/tool"
  tar -czf "$work/home-$alice/downloads/tool-$v.tar.gz" -C "$work/home-$alice/src" "tool-$v"
done
chown -R "$alice:" "$work/home-$alice"
for v in 1.0 2.0; do
  sum="$(sha256sum "$work/home-$alice/downloads/tool-$v.tar.gz" | cut -c1-64)"
  out="$(as "$alice" install "'$work/home-$alice/downloads/tool-$v.tar.gz'" --sha256 "$sum" --yes --json)" ||
    fail "installing tool $v failed: $out"
done
[[ "$(readlink "$work/opt/tool/current")" == 2.0 ]] || fail "tool 2.0 is not in use"
[[ "$("$work/opt/tool/1.0/bin/tool")" == 1.0 ]] || fail "tool 1.0 did not stay beside 2.0"
[[ "$(stat -c '%U' "$work/opt/tool/2.0/bin/tool")" == root ]] || fail "the installed program is not root's"
as "$alice" installs switch tool 1.0 --json >/dev/null || fail "switching back to 1.0 failed"
[[ "$(readlink "$work/opt/tool/current")" == 1.0 ]] || fail "tool 1.0 is not in use again"

echo "pkexec: $alice sets up a backup through pkexec (its password in her keychain), runs and tests it"
mkdir -p "$work/backups" "$work/home-$alice/docs"
chmod 0755 "$work/backups"
printf 'minutes of the meeting\n' >"$work/home-$alice/docs/minutes.txt"
chown -R "$alice:" "$work/home-$alice/docs"
# In the same session, the password as her keychain keeps it (the test reads it after).
cat >"$work/backup-init.sh" <<SH
set -e
'$work/bin/shipshape' backup init --to '$work/backups/office' --name Office --path '$work/home-$alice/docs' --json
umask 077
'$work/bin/shipshape' vault get 'Backup: Office' --stdout >office-password
SH
chmod 0755 "$work/backup-init.sh"
out="$(in_keyring "bash $work/backup-init.sh")" || fail "setting up the backup failed: $out"
[[ "$(stat -c '%U %a' "$work/backups/office")" == "root 700" ]] || fail "the backup is not root's alone"
out="$(as_backup backup run --json)" || fail "the backup failed: $out"
grep -q '"outcome": *"done"' <<<"$out" || fail "the backup did not finish: $out"
out="$(as_backup backup test-restore --json)" || fail "the restore test failed: $out"
board="$(as_backup backup list --json)" || fail "listing the backups failed: $board"
python3 -c '
import json, sys
b = json.load(sys.stdin)["backups"][0]
assert b["repository"]["name"] == "Office" and len(b["snapshots"]) == 1, b
assert b["last_test"]["outcome"] == "done", b
' <<<"$board" || fail "the board lacks the backup: $board"
[[ "$(stat -c '%U %a' "$work/state/public/backups.json")" == "root 644" ]] || fail "the board is not root's, 0644"
echo "pkexec: $alice restores her file to its place; what was there is kept, both hers"
minutes="$work/home-$alice/docs/minutes.txt"
su -s /bin/sh "$alice" -c "printf 'edited\n' >'$minutes'"
snapshot="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["backups"][0]["snapshots"][0]["id"])' <<<"$board")"
out="$(as_backup backup restore "$snapshot" "'$minutes'" --json)" || fail "restoring failed: $out"
[[ "$(cat "$minutes")" == "minutes of the meeting" ]] || fail "the file was not restored: $(cat "$minutes")"
kept="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["kept"])' <<<"$out")"
[[ "$(cat "$kept")" == "edited" ]] || fail "the edited file was not kept: $out"
[[ "$(stat -c %U "$minutes") $(stat -c %U "$kept")" == "$alice $alice" ]] || fail "the restored files are not hers"
rm -f "$kept"
if ls -a "$work/home-$alice/docs" | grep -q shipshape-restore; then fail "a hidden restore folder was left behind"; fi
echo "pkexec: into a folder only root may change, root restores it, with its owner kept"
mkdir -m 0755 "$work/root-only"
out="$(as_backup backup restore "$snapshot" "'$minutes'" --to "'$work/root-only'" --json)" || fail "restoring into root's folder failed: $out"
[[ "$(cat "$work/root-only/minutes.txt")" == "minutes of the meeting" ]] || fail "the file was not restored into root's folder"
[[ "$(stat -c %U "$work/root-only/minutes.txt")" == "$alice" ]] || fail "the restored file lost its owner"
password="$(cat "$work/home-$alice/office-password")" || fail "the password is not in her keychain"
rm -f "$work/home-$alice/office-password"
if grep -rqF "$password" "$work/state"; then fail "the office's password was written in root's state"; fi
restored="$(mktemp -d)"
printf '%s\n' "$password" | restic -r "$work/backups/office" --cache-dir "$restored/cache" \
  restore latest --target "$restored/out" >/dev/null 2>&1 || fail "restic could not restore with the recovery password"
cmp "$restored/out$work/home-$alice/docs/minutes.txt" "$work/home-$alice/docs/minutes.txt" \
  || fail "restic restored something else"
rm -rf "$restored"
if out="$(su -s /bin/sh "$bob" -c "cd && env SHIPSHAPE_STATE_DIR='$work/state' '$work/bin/shipshape' backup run" 2>&1)"; then
  fail "a backup ran for an account polkit does not allow: $out"
fi
grep -q "password was not given" <<<"$out" || fail "the refusal does not say why: $out"

echo "pkexec: $alice sets up a backup on a REST server: certificate and password through pkexec, never in root's files"
rest="$work/rest"
mkdir -p "$rest/data"
openssl req -x509 -newkey ed25519 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$rest/key.pem" -out "$rest/cert.pem" 2>/dev/null
fingerprint="$(openssl x509 -noout -fingerprint -sha256 -in "$rest/cert.pem" | cut -d= -f2)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
server_password='rest:pw@/%x'
rclone serve restic --config /dev/null --addr "127.0.0.1:$port" --user office --pass "$server_password" \
  --cert "$rest/cert.pem" --key "$rest/key.pem" "$rest/data" >/dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
place="rest:https://office@127.0.0.1:$port/alice"
cat >"$work/backup-rest.sh" <<SH
set -e
printf '%s\\n' '$server_password' | '$work/bin/shipshape' backup server --to '$place' --trust-certificate '$fingerprint' --ask-password --json
'$work/bin/shipshape' backup init --to '$place' --name 'On the server' --path '$work/home-$alice/docs' --json
SH
chmod 0755 "$work/backup-rest.sh"
out="$(in_keyring "bash $work/backup-rest.sh")" || fail "setting up the backup on the server failed: $out"
grep -q '"ready": *true' <<<"$out" || fail "the server did not let Shipshape in: $out"
[[ -f "$rest/data/alice/config" ]] || fail "no backup was made on the server"
out="$(as_backup backup run --repo "'On the server'" --json)" || fail "the backup to the server failed: $out"
grep -q '"outcome": *"done"' <<<"$out" || fail "the backup to the server did not finish: $out"
encoded="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$server_password")"
if grep -rqF -e "$server_password" -e "$encoded" "$work/state"; then fail "the server's password was written in root's state"; fi

echo "pkexec: $alice fixes and undoes from the app's window"
# What the window test needs, in a folder the test account can read.
src="$work/src"
mkdir -p "$src/tests" "$src/ui/src/lib" "$src/ui/node_modules/axe-core"
cp -r "$root/tests/e2e" "$root/tests/pkexec" "$src/tests/"
rm -rf "$src/tests/e2e/artifacts"
cp "$root/ui/src/lib/testIds.js" "$src/ui/src/lib/"
cp "$root/ui/node_modules/axe-core/axe.min.js" "$src/ui/node_modules/axe-core/"
chmod -R a+rX "$src"
home="$work/home-$alice"
artifacts="$root/tests/pkexec/artifacts"
rm -rf "$artifacts"
if ! su -s /bin/bash "$alice" -c "cd && env PATH='$work/bin:/usr/local/bin:/usr/bin:/bin' \
    SHIPSHAPE_APP='$work/bin/shipshape-app' SHIPSHAPE_CLI='$work/bin/shipshape' \
    SHIPSHAPE_SCAN_ROOT='$work/system' SHIPSHAPE_STATE_DIR='$work/state' \
    E2E_ARTIFACTS='$home/artifacts' PKEXEC_TEST_USER='$alice' \
    E2E_SCRIPT='--test --test-concurrency=1 --test-timeout=120000 $src/tests/pkexec/app.test.mjs' \
    bash '$src/tests/e2e/run.sh'"; then
  cp -r "$home/artifacts" "$artifacts" 2>/dev/null || true
  fail "the fix and undo from the app failed (screenshots and logs: $artifacts)"
fi
[[ "$(cat "$conf")" == "X11Forwarding yes" ]] || fail "the app's undo did not put the file back"
