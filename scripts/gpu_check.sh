#!/usr/bin/env bash
# Runs on the GPU machine (through the device tool), over a tree whose build/gpu-dist/bin.tar.xz
# was made here by scripts/gpu_dist.sh and whose models/ppocr was carried:
#   1. exports the PyTorch models (ResNet-50, MobileNetV2, YOLOv8n) if they are not there;
#   2. runs every GPU test (kernels against the CPU reference, the builder, real models in
#      FP32 / TF32 / FP16) -> $OUT/gpu_tests.log and gpu_tests.xml;
#   3. compute-sanitizer memcheck and racecheck on the kernel tests -> $OUT/sanitizer.log;
#   4. a CLI smoke run: compile + run ResNet-50 FP16 with --cuda-graph and --profile.
# Usage (device): bash scripts/gpu_check.sh [--skip-sanitizer] [--gtest_filter=...]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
dist=build/gpu-bin
mkdir -p "$dist" && tar -xJf build/gpu-dist/bin.tar.xz -C "$dist" || { echo "no build/gpu-dist/bin.tar.xz: run scripts/gpu_dist.sh here first"; exit 2; }
skip_sanitizer=0
filter=(--gtest_filter='-*Perf*:*Bandwidth*:*PrintTactic*:*Timings*')  # timing printouts: run them by name
for arg in "$@"; do
  case $arg in
    --skip-sanitizer) skip_sanitizer=1 ;;
    --gtest_filter=*) filter=("$arg") ;;
  esac
done
nv=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])')
export LD_LIBRARY_PATH="$nv/cu13/lib:$nv/cudnn/lib:${LD_LIBRARY_PATH:-}"
export MRT_MODELS_DIR=$PWD/models
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"

if [ ! -f models/torch/yolov8n.onnx ]; then
  echo "== exporting PyTorch models"
  python3 scripts/export_torch_models.py --out models/torch --only resnet50 mobilenet_v2 yolov8n 2>&1 | tail -3
fi

echo "== GPU tests"
"$dist/mrt_gpu_tests" "${filter[@]}" --gtest_output=xml:"$OUT/gpu_tests.xml" >"$OUT/gpu_tests.log" 2>&1
status=$?
grep -E "^\[  (FAILED|PASSED|SKIPPED) |^\[ model|tests ran|FAILED TEST" "$OUT/gpu_tests.log" | tail -60

if [ $skip_sanitizer = 0 ]; then
  echo "== compute-sanitizer (kernel tests)"
  kernels='-*Model*:*TinyNet*:*GpuBuilder*:*Perf*'
  for tool in memcheck racecheck; do
    compute-sanitizer --tool $tool --error-exitcode 9 "$dist/mrt_gpu_tests" --gtest_filter="$kernels" --gtest_brief=1 \
      >"$OUT/sanitizer_$tool.log" 2>&1
    echo "$tool: exit $? ($(grep -c 'ERROR SUMMARY: 0 errors' "$OUT/sanitizer_$tool.log") clean summaries)"
    grep -E "ERROR SUMMARY|Invalid|Race" "$OUT/sanitizer_$tool.log" | sort | uniq -c | head -8
  done
fi

echo "== CLI smoke: ResNet-50 b8 FP16"
bin=$dist/mini-rt
"$bin" compile models/torch/resnet50.onnx -o /tmp/rn50.plan --fp16 --shapes input:8x3x224x224 --timing-cache /tmp/tc.json \
  --report "$OUT/rn50_report.json" >"$OUT/cli_compile.log" 2>&1 || echo "compile failed: $(tail -2 "$OUT/cli_compile.log")"
tail -5 "$OUT/cli_compile.log"
"$bin" run /tmp/rn50.plan --iterations 200 --warmup 20 --cuda-graph --profile --json "$OUT/rn50_run.json" \
  >"$OUT/cli_run.log" 2>&1 || echo "run failed: $(tail -2 "$OUT/cli_run.log")"
grep -E "Throughput|GPU Compute|Total" "$OUT/cli_run.log"
exit $status
