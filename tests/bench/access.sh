#!/usr/bin/env bash
# `make bench`: the account inventory of a computer with 200 accounts and
# 500 SSH keys (a fixture folder, read through the test-only scan root of
# a `measured` build), side by side with what an administrator would run:
# `ssh-keygen -lf` on every authorized_keys file after reading passwd.
# Prints a Markdown table.
set -euo pipefail
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to a measured shipshape binary}"
work="$(mktemp -d /tmp/shipshape-bench-access.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

source "$(dirname "$0")/timing.sh"

python3 - "$root" <<'PY'
import base64, os, struct, sys
root = sys.argv[1]
os.makedirs(f"{root}/etc", exist_ok=True)
passwd = ["root:x:0:0:root:/root:/bin/bash"]
group = ["root:x:0:", "sudo:x:27:" + ",".join(f"user{i}" for i in range(0, 200, 10))]
shadow = ["root:!:19000:0:99999:7:::"]
keys = 0
for i in range(200):
    name = f"user{i}"
    passwd.append(f"{name}:x:{1000 + i}:{1000 + i}:User {i}:/home/{name}:/bin/bash")
    group.append(f"{name}:x:{1000 + i}:")
    shadow.append(f"{name}:$y$j9T$salt$hash{i}:19000:0:99999:7:::")
    os.makedirs(f"{root}/home/{name}/.ssh", exist_ok=True)
    lines = []
    for k in range(3 if i < 100 else 2):
        blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + os.urandom(32)
        lines.append(f"ssh-ed25519 {base64.b64encode(blob).decode()} {name}-key{k}")
        keys += 1
    with open(f"{root}/home/{name}/.ssh/authorized_keys", "w") as f:
        f.write("\n".join(lines) + "\n")
for path, lines in [("passwd", passwd), ("group", group), ("shadow", shadow)]:
    with open(f"{root}/etc/{path}", "w") as f:
        f.write("\n".join(lines) + "\n")
assert keys == 500, keys
PY

ours() { SHIPSHAPE_SCAN_ROOT="$root" "$cli" --data-dir "$work/data" access list --json; }
theirs() {
  cut -d: -f1 "$root/etc/passwd" >/dev/null
  for f in "$root"/home/*/.ssh/authorized_keys; do ssh-keygen -lf "$f"; done
}
accounts="$(ours | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["accounts"]), sum(len(a["keys"]) for a in d["accounts"]))')"
runs=()
for _ in 1 2 3 4 5; do runs+=("$(seconds ours)"); done
best="$(printf '%s\n' "${runs[@]}" | sort -n | head -1)"
ssh_time="$(seconds theirs)"
echo "| Account inventory, 200 accounts and 500 keys | Wall time | Read | Target |"
echo "|---|---|---|---|"
echo "| shipshape access list --json (best of 5) | ${best} s | ${accounts% *} accounts, ${accounts#* } keys | ≤ 0.2 s |"
echo "| ssh-keygen -lf on each authorized_keys | ${ssh_time} s | keys only | — |"
