#!/usr/bin/env bash
# Hashing benchmark, run by `make bench`: Shipshape side by side with the
# tools a user would otherwise reach for, on files in the page cache, best
# of three runs each. Prints a Markdown table for the README.
set -euo pipefail
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to the release shipshape binary}"
work="$(mktemp -d /tmp/shipshape-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export SHIPSHAPE_DATA_DIR="$work/data"

best() { # best wall time in seconds of three runs of "$@"
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if b=='' or a<float(b) else b)" "$(python3 -c "print($t1-$t0)")" "$best")
  done
  printf '%.3f' "$best"
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }

head -c 1G /dev/urandom >"$work/big.bin"
cat "$work/big.bin" >/dev/null # into the page cache

ours256=$(best "$cli" hash --algo sha256 "$work/big.bin")
openssl256=$(best openssl dgst -sha256 "$work/big.bin")
coreutils256=$(best sha256sum "$work/big.bin")
ours512=$(best "$cli" hash --algo sha512 "$work/big.bin")
openssl512=$(best openssl dgst -sha512 "$work/big.bin")
oursb3=$(best "$cli" hash --algo blake3 "$work/big.bin")
b3sum=$(best b3sum "$work/big.bin")

mkdir "$work/many"
for i in $(seq 1 200); do head -c 4M /dev/urandom >"$work/many/file$i.bin"; done
(cd "$work/many" && sha256sum file*.bin >SHA256SUMS && cat file*.bin >/dev/null)
ourscheck=$(best "$cli" check "$work/many/SHA256SUMS")
corecheck=$(best bash -c "cd '$work/many' && sha256sum -c --quiet SHA256SUMS")

rm -f "$work/many/"*.bin
head -c 4G /dev/zero >"$work/huge.bin"
rss=$(/usr/bin/time -f '%M' "$cli" hash --algo sha256 "$work/huge.bin" 2>&1 >/dev/null | tail -1)
rssb3=$(/usr/bin/time -f '%M' "$cli" hash --algo blake3 "$work/huge.bin" 2>&1 >/dev/null | tail -1)

echo
echo "| task (best of 3) | Shipshape | other tool | Shipshape's speed vs the other | target |"
echo "| --- | --- | --- | --- | --- |"
echo "| SHA-256 of 1 GiB | ${ours256} s | openssl dgst -sha256 ${openssl256} s | $(ratio "$openssl256" "$ours256")× | ≥ 0.95× |"
echo "| SHA-256 of 1 GiB | ${ours256} s | sha256sum ${coreutils256} s | $(ratio "$coreutils256" "$ours256")× | |"
echo "| SHA-512 of 1 GiB | ${ours512} s | openssl dgst -sha512 ${openssl512} s | $(ratio "$openssl512" "$ours512")× | |"
echo "| BLAKE3 of 1 GiB | ${oursb3} s | b3sum ${b3sum} s | $(ratio "$b3sum" "$oursb3")× | ≥ 0.9× |"
echo "| check 200 files of 4 MiB | ${ourscheck} s | sha256sum -c ${corecheck} s | $(ratio "$corecheck" "$ourscheck")× | ≥ 1.8× |"
echo "| peak memory hashing 4 GiB (SHA-256 / BLAKE3) | $((rss / 1024)) MiB / $((rssb3 / 1024)) MiB | | | ≤ 64 MiB |"
