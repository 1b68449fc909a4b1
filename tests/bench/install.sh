#!/usr/bin/env bash
# `make bench`: installing a verified .deb, side by side with what a user
# would run instead. Shipshape checks the file against its publisher's
# checksum (`shipshape verify`), then installs it (`shipshape install`:
# read again into root's staging folder, previewed, the package manager
# run, the run recorded with undo); the other way is `apt install
# ./FILE.deb` of the same file, unchecked. A package of 64 MiB, installed
# new, purged between runs; best of 3. Shipshape is the optimised build
# that takes the test settings (`--profile measured`), so root's records
# stay in a folder of the bench's. Needs root; what it installs is purged
# on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to the measured shipshape binary}"
work="$(mktemp -d /tmp/shipshape-bench-install.XXXXXX)"
trap 'bash "$root/tests/e2e/apt-archive.sh" remove; rm -rf "$work"' EXIT
[[ $(id -u) -eq 0 ]] || { echo "bench install: run as root" >&2; exit 2; }

source "$(dirname "$0")/timing.sh"
best() { printf '%s\n' "$@" | sort -n | head -1; }

deb="$(KIB=65536 bash "$root/tests/e2e/apt-archive.sh" file "$work" 1.0)"
sum="$(sha256sum "$deb" | cut -c1-64)"
package=shipshape-e2e-tool-file
export cli deb sum work
ours() {
  "$cli" --data-dir "$work/data" verify "$deb" --sha256 "$sum" &&
    "$cli" --data-dir "$work/data" install "$deb" --sha256 "$sum" --yes
}
export -f ours
shipshape=(); plain=()
for i in 1 2 3; do
  shipshape+=("$(SHIPSHAPE_STATE_DIR="$work/state" seconds bash -c ours)")
  [[ -n "$(dpkg-query -W -f '${Version}' "$package" 2>/dev/null)" ]] || { echo "bench install: Shipshape did not install it" >&2; exit 1; }
  dpkg --purge "$package" >/dev/null
  plain+=("$(DEBIAN_FRONTEND=noninteractive seconds apt-get install -y -q "$deb")")
  dpkg --purge "$package" >/dev/null
done

echo "| Installing a verified .deb of 64 MiB (best of 3) | Wall time | Target |"
echo "|---|---|---|"
echo "| shipshape verify + shipshape install --yes | $(best "${shipshape[@]}") s | ≤ 1.5 × apt |"
echo "| apt-get install ./FILE.deb (not checked) | $(best "${plain[@]}") s | — |"
