#!/usr/bin/env bash
# Long fuzzing on demand (issue #15's goal: >= 10^7 executions per parser over the issue's life,
# zero findings): runs scripts/fuzz.sh with HOURS per target at low priority, then prints the
# executions of this run and the total per target over every run this build directory has
# recorded (build-fuzz/fuzz_history.csv, or NCHIP_FUZZ_BUILD's). Exits 1 on a finding, like scripts/fuzz.sh.
# Usage: bash bench/fuzz_long.sh [HOURS] [TARGET ...]   (default 1 hour per target; HOURS may be 0.25)
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-1}
[[ "$hours" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "fuzz_long.sh: HOURS must be a number, got '$hours'" >&2; exit 2; }
shift $(( $# > 0 ? 1 : 0 ))
seconds=$(awk -v h="$hours" 'BEGIN { s = int(h * 3600); print (s < 1 ? 1 : s) }')
status=0
nice -n 10 bash scripts/fuzz.sh "$seconds" "$@" || status=$?
echo "executions per target over every recorded run (build-fuzz/fuzz_history.csv):"
awk -F, 'NR > 1 { execs[$2] += $4; secs[$2] += $3; if ($5 != "ok") bad[$2]++ }
         END { for (t in execs) printf "  %-24s %14d execs %9d s %3d findings\n", t, execs[t], secs[t], bad[t] }' \
    "${NCHIP_FUZZ_BUILD:-build-fuzz}/fuzz_history.csv" | sort
exit "$status"
