#!/usr/bin/env bash
# `make bench`: what watching this computer costs. Runs `shipshape monitor`
# at its default 5 s interval for a minute and measures the CPU time it (and
# the programs it starts, such as journalctl) used, side by side with
# `top -b -d 5`, what a user might leave running instead. Prints a Markdown
# table for the README.
set -euo pipefail
cli="${SHIPSHAPE_CLI:?set SHIPSHAPE_CLI to the release shipshape binary}"
seconds="${BENCH_SECONDS:-60}"
work="$(mktemp -d /tmp/shipshape-bench-health.XXXXXX)"
trap 'rm -rf "$work"' EXIT
ticks="$(getconf CLK_TCK)"

# utime + stime + cutime + cstime of a process, in clock ticks.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"
}

# Runs "$@" for $seconds after a 2 s warm-up; prints the share of one core.
measure() {
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep 2
  local before; before="$(cpu_ticks "$pid")"
  local t0; t0="$(date +%s.%N)"
  sleep "$seconds"
  local after; after="$(cpu_ticks "$pid")"
  local t1; t1="$(date +%s.%N)"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v a="$after" -v b="$before" -v hz="$ticks" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf "%.2f %%", 100 * (a - b) / hz / (t1 - t0) }'
}

ours="$(measure "$cli" --data-dir "$work/data" monitor --interval 5)"
top="$(measure top -b -d 5)"
echo "| Watching this computer (5 s interval, ${seconds} s) | Share of one core | Target |"
echo "|---|---|---|"
echo "| shipshape monitor (sample, history, alerts) | $ours | 1 % |"
echo "| top -b -d 5 | $top | — |"
