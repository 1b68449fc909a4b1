# Shared by the bench scripts: `seconds CMD...` runs a command quietly and
# prints its wall time in seconds.
seconds() {
  local t0 t1
  t0="$(date +%s.%N)"
  "$@" >/dev/null 2>&1 || true
  t1="$(date +%s.%N)"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
