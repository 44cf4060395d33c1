#!/usr/bin/env bash
# The README's first command: sets up and builds mini-rt, fetches the PaddleOCR PP-OCRv4 text
# detector, and runs it on a 640x640 input, printing what it did. Runs on the CPU for now (the GPU
# runtime will take over when a GPU is present).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/fetch_models.sh
model=models/ppocr/ch_PP-OCRv4_det_infer.onnx
echo
echo "== mini-rt inspect $model (summary)"
build/bin/mini-rt inspect "$model" | tail -n 12
echo
echo "== mini-rt run $model --device cpu --shapes x:1x3x640x640 --output-dir build/quickstart"
build/bin/mini-rt run "$model" --device cpu --shapes x:1x3x640x640 --output-dir build/quickstart
