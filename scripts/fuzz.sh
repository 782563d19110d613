#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, ASan + UBSan) in build-fuzz and runs each for a
# bounded time over its seed corpus, two at a time per core pair; exits 1 on any finding (a crash,
# a leak, a sanitizer report, an exception other than InputError, a multi-line InputError or a
# failed round trip) and names the saved input. New interesting inputs accumulate in
# build-fuzz/corpus/<target>/ (not committed), so later runs start from there.
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]   (default 30 s, every target)
# NCHIP_FUZZ_BUILD=DIR: use DIR, already configured with -DNCHIP_FUZZ=ON (scripts/test.sh's clang
# sanitizer build, which also runs the Catch2 suite), instead of configuring build-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS_PER_TARGET must be a positive integer, got '$seconds'" >&2; exit 2; }
shift $(( $# > 0 ? 1 : 0 ))
jobs=$(nproc 2>/dev/null || echo 2)
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (bash scripts/setup.sh installs clang)" >&2; exit 2; }

build=${NCHIP_FUZZ_BUILD:-build-fuzz}
if [ -z "${NCHIP_FUZZ_BUILD:-}" ]; then
  # Asserts stay on (no NDEBUG): -O1 -g1 instead of RelWithDebInfo's flags.
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    -DNCHIP_FUZZ=ON -DNCHIP_BUILD_TESTS=OFF -DNCHIP_BUILD_BENCH=OFF -DNCHIP_BUILD_RTL=OFF -DNCHIP_WITH_MPI=OFF \
    "${launcher[@]}" >/dev/null
fi
grep -q '^NCHIP_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null ||
  { echo "fuzz.sh: $build is not configured with -DNCHIP_FUZZ=ON" >&2; exit 2; }
cmake --build "$build" -j"$jobs" --target nchip_fuzz_targets

# target -> its seed corpus (tests/fuzz/corpus/<kind>) and whether the JSON dictionary applies.
declare -A seeds=(
  [fuzz_network_json]=network_json [roundtrip_network_json]=network_json [fuzz_quant_json]=quant_json
  [fuzz_chip_json]=chip_json [fuzz_chip_image]=chip_image [roundtrip_chip_image]=chip_image [fuzz_nir]=nir [fuzz_nir_graph]=nir_tree
  [fuzz_trial_set]=trial_set [roundtrip_trial_set]=trial_set [fuzz_spike_file]=spike_file
  [roundtrip_spike_file]=spike_file [fuzz_etu_record]=etu_record [fuzz_sweep_spec]=sweep_spec)
targets=("$@")
((${#targets[@]})) || targets=(fuzz_network_json roundtrip_network_json fuzz_quant_json fuzz_chip_json fuzz_chip_image
                              roundtrip_chip_image fuzz_nir fuzz_nir_graph fuzz_trial_set roundtrip_trial_set fuzz_spike_file
                              roundtrip_spike_file fuzz_etu_record fuzz_sweep_spec)
for t in "${targets[@]}"; do
  [ -n "${seeds[$t]:-}" ] || { echo "fuzz.sh: unknown target '$t' (known: ${!seeds[*]})" >&2; exit 2; }
done

logs=$build/logs findings=$build/findings
mkdir -p "$logs" "$findings"
scratch=$(mktemp -d /dev/shm/nchip-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT

run_one() {
  local t=$1 kind=${seeds[$1]} dict=()
  case $kind in *json|spike_file|sweep_spec) dict=(-dict=tests/fuzz/nchip.dict) ;;
                nir_tree) dict=(-dict=tests/fuzz/nir_tree.dict) ;; esac
  # -rss_limit_mb: a parser must refuse what it cannot hold.
  local limits=(-rss_limit_mb=2048)
  local asan=detect_leaks=1:suppressions=tests/fuzz/asan_suppressions.txt
  # The HDF5 readers parse each file first in a forked child (compiler/nir/hdf5_guard.hpp), which
  # the parent kills past its memory budget (1 GB + 32 x the file). libFuzzer's malloc limit would
  # end that child from inside (as a crash with an artifact) before the guard sees it, so it is
  # raised; allocator_may_return_null lets an impossible request (petabytes) return NULL to
  # libhdf5, which then fails cleanly, as it does with glibc.
  case $kind in nir|trial_set) limits=(-rss_limit_mb=2048 -malloc_limit_mb=16384)
                               asan=$asan:allocator_may_return_null=1 ;; esac
  mkdir -p "$build/corpus/$t"
  # -timeout: one input may not hang.
  # The suppressions cover faults and allocations inside (uninstrumented) libhdf5 only; see the files.
  TMPDIR=$scratch ASAN_OPTIONS=$asan NCHIP_HDF5_GUARD_STDERR=1 \
    LSAN_OPTIONS=suppressions=tests/fuzz/lsan_suppressions.txt UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/tests/fuzz/$t" -max_total_time="$seconds" "${limits[@]}" -timeout=60 -max_len=131072 \
      -print_final_stats=1 -artifact_prefix="$findings/$t-" "${dict[@]}" \
      "$build/corpus/$t" "tests/fuzz/corpus/$kind" >"$logs/$t.log" 2>&1 || return 1
  # A sanitizer report from the guard's child (nchip code run there, before the in-process parse)
  # does not end the fuzzer: it is a finding all the same.
  ! grep -qE '^==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|fuzz finding' "$logs/$t.log"
}

failed=()
declare -A pid_of=()
for t in "${targets[@]}"; do
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  run_one "$t" &
  pid_of[$t]=$!
done
for t in "${targets[@]}"; do
  if wait "${pid_of[$t]}"; then status=ok; else status=FINDING; failed+=("$t"); fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
  printf 'fuzz %-24s %-8s %12s execs in %ss  (log: %s)\n' "$t" "$status" "${execs:-?}" "$seconds" "$logs/$t.log"
  # Every run is appended here, so bench/fuzz_long.sh can report the executions over all sessions.
  [ -s "$build/fuzz_history.csv" ] || echo "utc,target,seconds,execs,status" > "$build/fuzz_history.csv"
  echo "$(date -u +%FT%TZ),$t,$seconds,${execs:-0},$status" >> "$build/fuzz_history.csv"
done
if ((${#failed[@]})); then
  for t in "${failed[@]}"; do
    echo "--- $t: $(grep -m1 -E 'ERROR: |fuzz finding|runtime error|terminate called|deadly signal' "$logs/$t.log" || echo 'see log')"
    grep -h 'Test unit written to' "$logs/$t.log" || true
  done
  echo "fuzz.sh: findings in ${failed[*]} (reproduce: $build/tests/fuzz/TARGET INPUT)" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, no findings"
