#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (clang, ASan+UBSan, only the loaders' libraries:
# ir/, ir/onnx/, passes/, runtime/plan/, runtime/npy.cpp) into build-fuzz/ and runs each one on
# its seed corpus for a bounded time. Any crash, sanitizer report, hang (> 20 s on one input),
# memory blow-up (> 2 GiB) or broken message rule fails the run and names the input that did it.
#
#   scripts/fuzz.sh                     every target for 10 minutes each
#   scripts/fuzz.sh --time 60           every target for 60 s each (scripts/test.sh runs this in CI)
#   scripts/fuzz.sh --time 3600 npy     one target for an hour
#   scripts/fuzz.sh --build-only        build the targets and stop
#   scripts/fuzz.sh --check             exit 3 with the reason when clang or libFuzzer is missing
#
# Targets: onnx_import, plan_loader, npy (tests/fuzz/fuzz_<target>.cpp). Inputs libFuzzer finds
# that add coverage go to build-fuzz/corpus/<target>/ (kept between runs; the checked-in seeds
# in tests/fuzz/corpus/ are never modified); a failing input goes to build-fuzz/artifacts/<target>/.
# A failure becomes a regression test: copy the input into tests/fuzz/regressions/<target>/, fix
# the loader, and test_fuzz_regressions replays it in every ordinary build (docs/TESTING.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
build_only=0
check_only=0
targets=()
while (($#)); do
  case "$1" in
    --time) seconds="$2"; shift ;;
    --build-only) build_only=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    onnx_import|plan_loader|npy) targets+=("$1") ;;
    *) echo "fuzz.sh: unknown option or target '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#targets[@]})) || targets=(onnx_import plan_loader npy)

# libFuzzer ships with clang's runtime libraries (Debian: clang + libclang-rt-dev, scripts/setup.sh).
missing_reason() {
  command -v clang++ >/dev/null 2>&1 || { echo "clang++ is not installed"; return; }
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cpp"
  if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" >/dev/null 2>&1; then
    echo "clang++ cannot link -fsanitize=fuzzer (libFuzzer, package libclang-rt-dev, is missing)"
  fi
  rm -rf "$probe"
}
reason=$(missing_reason)
if [ -n "$reason" ]; then
  echo "fuzz.sh: $reason" >&2
  exit 3
fi
((check_only)) && exit 0

build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DMRT_FUZZ=ON -DMRT_ENABLE_CUDA=OFF >/dev/null
fi
jobs=${MRT_JOBS:-$(nproc)}
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"
((build_only)) && exit 0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t" artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz_$t.log"
  # The first folder receives new inputs; the checked-in seeds are only read.
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz $t: ok, $runs inputs in ${seconds}s ($cov, corpus $(ls "$work" | wc -l) files)"
  else
    status=1
    echo "fuzz $t: FAILED; the log is $log, the input in $artifacts/:" >&2
    grep -E 'ERROR|SUMMARY|fuzz_[a-z_]+: |Test unit written' "$log" | head -8 >&2 || tail -20 "$log" >&2
  fi
done
exit $status
