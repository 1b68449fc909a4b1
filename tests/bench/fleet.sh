#!/usr/bin/env bash
# `make bench`: "Check all now" over 20 computers, side by side with
# Ansible gathering facts from the same computers (`ansible all -m setup`,
# 20 forks). The computers are 20 real sshd on 127.0.0.1, each with its own
# host key and Shipshape data, answering the console's key only through
# `shipshape fleet serve` and Ansible's own key with a plain shell. All 20
# share this machine's cores, so each tool's per-computer work adds up
# here where an office's computers would each do their own. Needs root;
# the keychain is a private gnome-keyring on a private session bus; every
# server is stopped by its pid and all is removed on exit.
set -euo pipefail
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to a shipshape binary}"
[[ $(id -u) -eq 0 ]] || { echo "bench fleet: run as root" >&2; exit 2; }
command -v ansible >/dev/null || { echo "bench fleet: ansible-core is missing (make deps installs it)" >&2; exit 2; }
work="$(mktemp -d /tmp/shipshape-bench-fleet.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/timing.sh"

count=20
base=$((30000 + RANDOM % 20000))
mkdir -p /run/sshd "$work/console" "$work/home"
export HOME="$work/home"
ssh-keygen -q -t ed25519 -N '' -f "$work/ansible_key"
for i in $(seq 1 "$count"); do
  pc="$work/pc$i"
  mkdir -p "$pc/data"
  ssh-keygen -q -t ed25519 -N '' -f "$pc/host_key"
  cat >"$pc/sshd_config" <<CONF
Port $((base + i))
ListenAddress 127.0.0.1
HostKey $pc/host_key
AuthorizedKeysFile $pc/authorized_keys
StrictModes no
PidFile $pc/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers root
PermitRootLogin prohibit-password
MaxStartups 100
CONF
  /usr/sbin/sshd -D -e -f "$pc/sshd_config" 2>"$pc/sshd.log" &
  pids+=($!)
done

ours() {
  printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  local line
  line="$("$cli" --data-dir "$work/console" fleet key)"
  for i in $(seq 1 "$count"); do
    local pc="$work/pc$i"
    printf '%s\n%s\n' \
      "${line/command=\"shipshape fleet serve\"/command=\"$cli --data-dir $pc/data fleet serve\"}" \
      "$(cat "$work/ansible_key.pub")" >"$pc/authorized_keys"
    local fp
    fp="$(ssh-keygen -lf "$pc/host_key.pub" | awk '{ print $2 }')"
    "$cli" --data-dir "$work/console" fleet add "root@127.0.0.1:$((base + i))" --name "pc$i" --trust "$fp" >/dev/null
  done
  # Each computer scans afresh: their kept scans are set aside first.
  for i in $(seq 1 "$count"); do
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM security_scans"); c.commit()' "$work/pc$i/data/shipshape.db"
  done
  echo "first $(seconds "$cli" --data-dir "$work/console" fleet check)"
  local best=999
  for _ in 1 2 3; do
    local t
    t="$(seconds "$cli" --data-dir "$work/console" fleet check)"
    best="$(awk -v a="$best" -v b="$t" 'BEGIN { print (b < a ? b : a) }')"
  done
  echo "best $best"
  "$cli" --data-dir "$work/console" fleet list --json >"$work/list.json"
}
export -f ours seconds
export cli work count base
mapfile -t ship < <(dbus-run-session -- bash -c ours 2>/dev/null)
reached="$(python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1])) if c["problem"] is None and c["report"]))' "$work/list.json")"

# The same computers for Ansible: its own key, the host keys pinned.
: >"$work/known_hosts"
echo "[office]" >"$work/inventory"
for i in $(seq 1 "$count"); do
  echo "[127.0.0.1]:$((base + i)) $(cut -d' ' -f1,2 "$work/pc$i/host_key.pub")" >>"$work/known_hosts"
  echo "pc$i ansible_host=127.0.0.1 ansible_port=$((base + i)) ansible_user=root" >>"$work/inventory"
done
export ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_PRIVATE_KEY_FILE="$work/ansible_key" ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$work/known_hosts -o ControlMaster=auto -o ControlPersist=30s"
export ANSIBLE_LOCAL_TEMP="$work/ansible-tmp" ANSIBLE_REMOTE_TEMP="$work/ansible-remote"
ansible_best=999
for _ in 1 2 3; do
  t="$(seconds ansible all -i "$work/inventory" -m setup -f "$count")"
  ansible_best="$(awk -v a="$ansible_best" -v b="$t" 'BEGIN { print (b < a ? b : a) }')"
done
ansible_ok="$(ansible all -i "$work/inventory" -m ping -f "$count" 2>/dev/null | grep -c SUCCESS || true)"

echo "| Check all over $count computers (all on this machine) | Shipshape | ansible all -m setup | Target |"
echo "|---|---|---|---|"
echo "| every computer scans afresh, wall time | ${ship[0]#first } s | — | — |"
echo "| again (scans of the last 15 min reused), best of 3 | ${ship[1]#best } s | $ansible_best s | < 5 s |"
echo "| computers that answered | $reached of $count | $ansible_ok of $count | all |"
