#!/usr/bin/env python3
"""Exports the PyTorch test and benchmark models to ONNX with seeded random weights.

  resnet50.onnx, mobilenet_v2.onnx   torchvision classifiers
  yolov8n.onnx                       a YOLOv8n-style detector (see models_yolov8.py), BN folded
  yolov8n_bn.onnx                    the same with its BatchNormalization nodes kept, opset 13

Usage: python3 scripts/export_torch_models.py --out DIR [--only NAME ...] [--opset N]
Runs with Debian's python3-torch (/usr/bin/python3) or any recent PyTorch (the GPU machine).
"""
import argparse
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models_yolov8 import YOLOv8  # noqa: E402


def randomize_batchnorm(model, generator):
    """Gives BatchNorm layers non-trivial statistics so folding them is actually tested."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.uniform_(-0.1, 0.1, generator=generator)
                m.running_var.uniform_(0.5, 1.5, generator=generator)
                m.weight.uniform_(0.5, 1.5, generator=generator)
                m.bias.uniform_(-0.1, 0.1, generator=generator)


def build(name):
    torch.manual_seed(0)
    if name == "resnet50":
        return torchvision.models.resnet50(), ("input", (1, 3, 224, 224))
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(), ("input", (1, 3, 224, 224))
    if name in ("yolov8n", "yolov8n_bn"):
        return YOLOv8(width=0.25, depth=0.33, num_classes=80), ("images", (1, 3, 640, 640))
    raise SystemExit(f"export_torch_models: unknown model '{name}'")


def export(name, out_dir, opset):
    model, (input_name, shape) = build(name)
    randomize_batchnorm(model, torch.Generator().manual_seed(1))
    model.eval()
    keep_bn = name.endswith("_bn")
    path = os.path.join(out_dir, f"{name}.onnx")
    dynamic = {input_name: {0: "batch", 2: "height", 3: "width"} if name.startswith("yolo") else {0: "batch"}}
    output_name = "output0" if name.startswith("yolo") else "logits"
    # PyTorch's exporter folds BatchNorm into the preceding Conv in eval mode (its "eval peephole"
    # pass). The *_bn variants switch that pass off so the graph keeps its BatchNormalization
    # nodes, as many exporters emit them, and mini-rt's own BN folding gets exercised.
    peephole = getattr(torch._C, "_jit_pass_onnx_eval_peephole", None)
    if keep_bn and peephole is not None:
        torch._C._jit_pass_onnx_eval_peephole = lambda graph, params, *rest: params
    try:
        with torch.no_grad():
                torch.onnx.export(model, torch.randn(*shape), path, input_names=[input_name],
                              output_names=[output_name], opset_version=13 if keep_bn else opset,
                              do_constant_folding=not keep_bn,
                              dynamic_axes=dynamic)
    finally:
        if peephole is not None:
            torch._C._jit_pass_onnx_eval_peephole = peephole
    print(f"  {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*", default=["resnet50", "mobilenet_v2", "yolov8n", "yolov8n_bn"])
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.only:
        export(name, args.out, args.opset)


if __name__ == "__main__":
    main()
