#!/usr/bin/env bash
# The device command of the benchmark: mini-rt against PyTorch on this machine's GPU, in one call of
# under 9 minutes. Results JSON, logs and PERF.md go to $OUT (the device tool's output folder; else
# /tmp/bench-out); docs/PERF.md is rewritten too. Extra arguments go to bench/run_benchmarks.py,
# e.g. --only-peers --quick, --models resnet50,yolov8n, --max-autotune, --mini-rt PATH.
#   bench/run_on_gpu.sh [run_benchmarks.py options]
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-/tmp/bench-out}"
mkdir -p "$out/logs"

# cuDNN and cuBLAS from the PyTorch environment's nvidia-* wheels, for mini-rt (and anything else).
nv_libs=$(python3 -c 'import nvidia; p=list(nvidia.__path__)[0]; print(p+"/cu13/lib:"+p+"/cudnn/lib")' 2>/dev/null || true)
if [ -n "$nv_libs" ]; then
  export LD_LIBRARY_PATH="$nv_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export PYTHONUNBUFFERED=1
# mini-rt as scripts/gpu_dist.sh packed it on the build machine (this machine builds nothing).
if [ ! -x build/bin/mini-rt ] && [ -f build/gpu-dist/bin.tar.xz ]; then
  mkdir -p build/bin && tar -xJf build/gpu-dist/bin.tar.xz -C build/bin ./mini-rt
fi

echo "[bench] $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(hostname); out: $out"
echo "[bench] LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total,utilization.gpu --format=csv,noheader || true

python3 bench/run_benchmarks.py --results "$out/results.json" --log-dir "$out/logs" \
  --perf-md docs/PERF.md --command "bench/run_on_gpu.sh${*:+ $*}" "$@" 2>&1 | tee "$out/bench.log"
rc=${PIPESTATUS[0]}
if [ -f docs/PERF.md ]; then
  cp docs/PERF.md "$out/PERF.md"
fi
echo "[bench] exit $rc; $out/results.json, $out/PERF.md, $out/bench.log"
exit "$rc"
