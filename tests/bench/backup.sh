#!/usr/bin/env bash
# `make bench`: backups, side by side with plain restic on the same data.
# 1 GiB of mixed files (incompressible, compressible text, many small
# files) is backed up twice, the second time unchanged: by Shipshape (as
# root, with its sealed key; the debug build, since only builds made for
# tests keep root's state and key in a folder of the test's), and by
# `restic backup` then `restic forget --prune` with the same retention,
# into a repository of its own. Wall time and peak memory
# (the largest process: restic in both cases). Needs root; the keychain is
# a private gnome-keyring on a private session bus; all is removed on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${SHIPSHAPE_DEBUG_CLI:-$root/target/debug/shipshape}"
[[ $(id -u) -eq 0 ]] || { echo "bench backup: run as root" >&2; exit 2; }
work="$(mktemp -d /tmp/shipshape-bench-backup.XXXXXX)"
# A snapshot holds the folders above the backed-up one too. /tmp and the
# work folder change between the runs (repositories, records, timings),
# which no office's /home does; the data lives where nothing else writes.
quiet="$(mktemp -d /var/tmp/shipshape-bench-data.XXXXXX)"
trap 'rm -rf "$work" "$quiet"' EXIT

# The data: 300 random files of 2 MiB, 100 text files of 4 MiB, 5,000 of 4 KiB.
data="$quiet/data"
mkdir -p "$data/random" "$data/text" "$data/small"
for i in $(seq 1 300); do openssl rand -out "$data/random/$i.bin" $((2 << 20)); done
python3 - "$data" <<'PY'
import os, sys
d = sys.argv[1]
line = b"The office minutes, invoices and letters of the month, line after line.\n"
text = line * ((4 << 20) // len(line))
for i in range(100):
    with open(f"{d}/text/{i}.txt", "wb") as f:
        f.write(text + str(i).encode())
for i in range(5000):
    with open(f"{d}/small/{i}.txt", "wb") as f:
        f.write(os.urandom(2048) + line * 27)
PY
sync

export SHIPSHAPE_STATE_DIR="$work/state" SHIPSHAPE_CREDENTIAL_SECRET="$work/host.secret"
export HOME="$work/home"
mkdir -p "$HOME"
# Wall seconds and peak memory (MiB) of a command: "SECONDS MIB".
measure() {
  /usr/bin/time -o "$work/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
  awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$work/time"
}
export -f measure

ours() {
  printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$cli" --data-dir "$work/ship" backup init --to "$work/ship-repo" --name Bench --path "$data" >/dev/null
  echo "first $(measure "$cli" --data-dir "$work/ship" backup run)"
  echo "again $(measure "$cli" --data-dir "$work/ship" backup run)"
}
export -f ours
export cli work data
# Only the figures: a keyring daemon started on the bus may print its
# settings on the same output.
mapfile -t ship < <(dbus-run-session -- bash -c ours 2>/dev/null | grep -E '^(first|again) ')

pw="$work/restic-password"
printf 'bench-password\n' >"$pw"
restic --repo "$work/restic-repo" --password-file "$pw" --cache-dir "$work/restic-cache" init >/dev/null 2>&1
# What an administrator scripts with restic: back up, then apply the same
# retention (Shipshape forgets only when the rule would forget something).
plain() {
  restic --repo "$work/restic-repo" --password-file "$pw" --cache-dir "$work/restic-cache" backup "$data" &&
    restic --repo "$work/restic-repo" --password-file "$pw" --cache-dir "$work/restic-cache" \
      forget --prune --keep-daily 7 --keep-weekly 4 --keep-monthly 12
}
export -f plain
export pw
first="$(measure bash -c plain)"
again="$(measure bash -c plain)"
bare="$(measure restic --repo "$work/restic-repo" --password-file "$pw" --cache-dir "$work/restic-cache" backup "$data")"
# A bare first backup too, into a new repository of its own.
restic --repo "$work/restic-bare" --password-file "$pw" --cache-dir "$work/restic-cache" init >/dev/null 2>&1
bare_first="$(measure restic --repo "$work/restic-bare" --password-file "$pw" --cache-dir "$work/restic-cache" backup "$data")"

field() { awk -v n="$2" '{ print $n }' <<<"$1"; }
s1="${ship[0]#first }"
s2="${ship[1]#again }"
echo "| Backups of 1 GiB of mixed files | Shipshape | restic backup + forget --prune | bare \`restic backup\` | Target |"
echo "|---|---|---|---|---|"
echo "| first backup, wall time | $(field "$s1" 1) s | $(field "$first" 1) s | $(field "$bare_first" 1) s | ≤ restic |"
echo "| second backup, nothing changed | $(field "$s2" 1) s | $(field "$again" 1) s | $(field "$bare" 1) s | ≤ restic |"
echo "| peak memory, first backup (largest process) | $(field "$s1" 2) MiB | $(field "$first" 2) MiB | $(field "$bare_first" 2) MiB | reported |"
echo "| repository size | $(du -sm "$work/ship-repo" | cut -f1) MiB | $(du -sm "$work/restic-repo" | cut -f1) MiB | — | — |"
