#!/usr/bin/env bash
# The README's first command: sets up and builds mini-rt, fetches the PaddleOCR PP-OCRv4 text
# detector, and shows the main job on it: inspect the model, compile it into an optimized plan
# (fusions, memory plan), run the plan on a 640x640 input, printing what each step did. Runs on
# the CPU for now (the GPU runtime will take over when a GPU is present).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/fetch_models.sh
model=models/ppocr/ch_PP-OCRv4_det_infer.onnx
plan=build/quickstart/ppocr_det.plan
mkdir -p build/quickstart
echo
echo "== mini-rt inspect $model   (its first lines; the whole graph follows them)"
build/bin/mini-rt inspect "$model" | sed -n '1,6p'
echo
echo "== mini-rt compile $model -o $plan --device cpu --shapes x:1x3x640x640"
build/bin/mini-rt compile "$model" -o "$plan" --device cpu --shapes x:1x3x640x640 --report build/quickstart/report.json
echo
echo "== mini-rt run $plan --output-dir build/quickstart"
build/bin/mini-rt run "$plan" --output-dir build/quickstart
