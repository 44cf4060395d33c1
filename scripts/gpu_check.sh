#!/usr/bin/env bash
# Runs on the GPU machine (through the device tool), over a tree whose build/gpu-dist/bin.tar.xz
# was made here by scripts/gpu_dist.sh and whose models/ppocr was carried. Stages (all by default):
#   tests      every GPU test (kernels vs the CPU reference, the builder, real models in FP32 /
#              TF32 / FP16) -> $OUT/gpu_tests.log, gpu_tests.xml
#   sanitizer  compute-sanitizer memcheck and racecheck on the kernel and runtime tests, one run
#              per test suite and tool (each capped at --sanitizer-seconds, --sanitizer-jobs at a
#              time) -> $OUT/sanitizer_summary.txt, $OUT/sanitizer/<tool>_<suite>.log
#   smoke      the CLI: compile ResNet-50 b32 and YOLOv8n b1 in FP16, run with --cuda-graph --profile
#              -> $OUT/cli_*.log and *.json (the compile reports list where hand-written kernels lost)
# Usage (device): bash scripts/gpu_check.sh [--stages tests,sanitizer,smoke] [--sanitizer-seconds N] [--sanitizer-jobs N]
#                 [--gtest_filter=...]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
dist=build/gpu-bin
mkdir -p "$dist" && tar -xJf build/gpu-dist/bin.tar.xz -C "$dist" || { echo "no build/gpu-dist/bin.tar.xz: run scripts/gpu_dist.sh here first"; exit 2; }
stages=tests,sanitizer,smoke
sanitizer_seconds=240
jobs=6
filter=(--gtest_filter='-*Perf*:*Bandwidth*:*PrintTactic*:*Timings*')  # timing printouts: run them by name
while [ $# -gt 0 ]; do
  case $1 in
    --stages) stages=$2; shift ;;
    --sanitizer-seconds) sanitizer_seconds=$2; shift ;;
    --sanitizer-jobs) jobs=$2; shift ;;
    --skip-sanitizer) stages=${stages//sanitizer/} ;;
    --gtest_filter=*) filter=("$1") ;;
  esac
  shift
done
nv=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])')
export LD_LIBRARY_PATH="$nv/cu13/lib:$nv/cudnn/lib:${LD_LIBRARY_PATH:-}"
export MRT_MODELS_DIR=$PWD/models
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
if [ ! -f models/torch/yolov8n.onnx ]; then
  echo "== exporting PyTorch models"
  python3 scripts/export_torch_models.py --out models/torch --only resnet50 mobilenet_v2 yolov8n 2>&1 | tail -1
fi
status=0

if [[ $stages == *tests* ]]; then
  echo "== GPU tests"
  "$dist/mrt_gpu_tests" "${filter[@]}" --gtest_output=xml:"$OUT/gpu_tests.xml" >"$OUT/gpu_tests.log" 2>&1
  status=$?
  grep -E "^\[  (FAILED|PASSED|SKIPPED) |^\[ model|tests ran|FAILED TEST" "$OUT/gpu_tests.log" | tail -60
fi

if [[ $stages == *sanitizer* ]]; then
  # One compute-sanitizer run per test suite (a kernel family's tests) and tool, so each finishes
  # within its cap (the whole binary under racecheck never did); $jobs at a time (the sanitizer is
  # host-bound). One line per run in sanitizer_summary.txt: tool suite exit errors outcome.
  echo "== compute-sanitizer racecheck + memcheck per suite (${sanitizer_seconds}s cap each, $jobs at a time)"
  skip='Perf|Bandwidth|PrintTactic|Timings|RealModels'
  suites=$("$dist/mrt_gpu_tests" --gtest_list_tests | grep -E '^[A-Za-z]' | awk '{print $1}' | tr -d '.' | grep -vE "$skip")
  export dist sanitizer_seconds OUT
  sanitize_one() {  # tool suite
    local log="$OUT/sanitizer/$1_$2.log"
    timeout "$sanitizer_seconds" compute-sanitizer --tool "$1" --error-exitcode 9 "$dist/mrt_gpu_tests" \
      --gtest_filter="$2.*:-*Perf*:*Bandwidth*:*PrintTactic*:*Timings*" --gtest_brief=1 >"$log" 2>&1
    local rc=$? outcome=finished
    [ $rc = 124 ] && outcome="stopped at the time cap"
    local errors; errors=$(grep -oE "(ERROR|RACECHECK) SUMMARY: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+$")
    echo "$1 $2 exit=$rc errors=${errors:-?} $outcome"
  }
  export -f sanitize_one
  mkdir -p "$OUT/sanitizer"
  for tool in memcheck racecheck; do for s in $suites; do echo "$tool $s"; done; done |
    xargs -P "$jobs" -L 1 bash -c 'sanitize_one "$0" "$1"' | sort >"$OUT/sanitizer_summary.txt"
  cat "$OUT/sanitizer_summary.txt"
  bad=$(grep -vc "exit=0 errors=0 finished" "$OUT/sanitizer_summary.txt")
  echo "sanitizer: $(wc -l <"$OUT/sanitizer_summary.txt") runs, $bad not clean"
  [ "$bad" = 0 ] || status=1
fi

if [[ $stages == *smoke* ]]; then
  bin=$dist/mini-rt
  for m in "resnet50 input:32x3x224x224" "yolov8n images:1x3x640x640"; do
    set -- $m
    echo "== CLI: $1 FP16 ($2)"
    "$bin" compile "models/torch/$1.onnx" -o "/tmp/$1.plan" --fp16 --shapes "$2" --report "$OUT/cli_$1_report.json" \
      >"$OUT/cli_$1_compile.log" 2>&1 || { echo "compile failed: $(tail -2 "$OUT/cli_$1_compile.log")"; status=1; }
    grep -A6 "^tactics:" "$OUT/cli_$1_compile.log"
    "$bin" run "/tmp/$1.plan" --iterations 200 --warmup 20 --cuda-graph --profile --json "$OUT/cli_$1_run.json" \
      >"$OUT/cli_$1_run.log" 2>&1 || { echo "run failed: $(tail -2 "$OUT/cli_$1_run.log")"; status=1; }
    grep -E "^Throughput|^GPU Compute" "$OUT/cli_$1_run.log"
  done
fi
exit $status
