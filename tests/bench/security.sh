#!/usr/bin/env bash
# `make bench`: a full security scan of this computer, side by side with
# `lynis audit system --quick` in the same run. Prints a Markdown table.
set -euo pipefail
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to the release shipshape binary}"
work="$(mktemp -d /tmp/shipshape-bench-scan.XXXXXX)"
trap 'rm -rf "$work"' EXIT

source "$(dirname "$0")/timing.sh"

runs=()
for _ in 1 2 3; do runs+=("$(seconds "$cli" --data-dir "$work/data" scan)"); done
best="$(printf '%s\n' "${runs[@]}" | sort -n | head -1)"
checks="$("$cli" --data-dir "$work/data" scan --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["checks"]))' || true)"
lynis_time="$(seconds lynis audit system --quick --no-colors --logfile "$work/lynis.log" --report-file "$work/lynis.dat")"
lynis_tests="$(grep -c 'Performing test ID' "$work/lynis.log" || true)"
echo "| Full security scan of this computer | Wall time | Checks | Target |"
echo "|---|---|---|---|"
echo "| shipshape scan (best of 3) | ${best} s | ${checks} | ≤ 3 s |"
echo "| lynis audit system --quick | ${lynis_time} s | ${lynis_tests} tests | — |"
