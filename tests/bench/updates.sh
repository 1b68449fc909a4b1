#!/usr/bin/env bash
# `make bench`: updates, side by side with what a user would run instead.
# - Checking (release build, this computer's own apt, warm cache):
#   `shipshape updates check` against `apt list --upgradable` plus the
#   `apt-cache policy` lookup that tells which of them are security updates.
# - Installing N updates from a local signed archive (the debug build:
#   only builds made for tests can be pointed at an archive of the test's),
#   keeping undo copies, against plain `apt-get install --only-upgrade` of
#   the same packages. Needs root; what it installs is purged on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to the release shipshape binary}"
debug_cli="${SHIPSHAPE_DEBUG_CLI:-$root/target/debug/shipshape}"
n="${BENCH_UPDATES:-20}"
work="$(mktemp -d /tmp/shipshape-bench-updates.XXXXXX)"
trap 'bash "$root/tests/e2e/apt-archive.sh" remove; rm -rf "$work"' EXIT

source "$(dirname "$0")/timing.sh"
best() { printf '%s\n' "$@" | sort -n | head -1; }

apt_with_origins() {
  mapfile -t names < <(apt list --upgradable 2>/dev/null | sed -n 's|^\([^/]*\)/.*|\1|p')
  ((${#names[@]} == 0)) || apt-cache policy "${names[@]}" >/dev/null
}
export -f apt_with_origins

# A fresh data folder has no kept check: apt's resolver runs. The same
# folder again answers from the kept check while apt's state is unchanged.
fresh=(); kept=(); theirs=()
for i in 1 2 3 4 5; do
  fresh+=("$(seconds "$cli" --data-dir "$work/fresh-$i" updates check --json)")
  kept+=("$(seconds "$cli" --data-dir "$work/fresh-$i" updates check --json)")
  theirs+=("$(seconds bash -c apt_with_origins)")
done
waiting="$("$cli" --data-dir "$work/data" updates check --json 2>/dev/null |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["updates"]))' || true)"

installs=()
if [[ $(id -u) -eq 0 && -x $debug_cli ]]; then
  KIB=512 bash "$root/tests/e2e/apt-archive.sh" make "$work/apt" "$n"
  mapfile -t pkgs < <(dpkg-query -W -f '${Package}\n' 'shipshape-e2e-tool*')
  ship="$(SHIPSHAPE_APT_CONFIG="$work/apt/apt.conf" SHIPSHAPE_STATE_DIR="$work/state" \
    seconds "$debug_cli" --data-dir "$work/data" updates apply --all --yes)"
  dpkg -i "$work"/apt/main/*_1.0_all.deb >/dev/null
  plain="$(APT_CONFIG="$work/apt/apt.conf" DEBIAN_FRONTEND=noninteractive \
    seconds apt-get install -y -q --only-upgrade "${pkgs[@]}")"
  installs=("$ship" "$plain")
fi

echo "| Updates | Wall time | Target |"
echo "|---|---|---|"
echo "| shipshape updates check, $waiting waiting, apt's state changed since the last check (best of 5) | $(best "${fresh[@]}") s | — |"
echo "| shipshape updates check again, apt's state unchanged (best of 5) | $(best "${kept[@]}") s | ≤ the apt way |"
echo "| apt list --upgradable + apt-cache policy (best of 5) | $(best "${theirs[@]}") s | — |"
if ((${#installs[@]})); then
  echo "| shipshape updates apply --all, $n packages of 512 KiB, undo copies kept | ${installs[0]} s | ≤ 1.3 × apt-get |"
  echo "| apt-get install --only-upgrade, the same $n packages | ${installs[1]} s | — |"
fi
