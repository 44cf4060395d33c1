#!/usr/bin/python3
"""Copies the ONNX node tests of opsets 18-21 that mini-rt can read into tests/conformance/.

Debian's libonnx-testdata is ONNX 1.12 (opsets <= 17), so the node tests of the ops that opsets
18-21 respecified (Reduce* axes input, Resize antialias, Pad axes and 'wrap', AveragePool
dilations, Cast saturate, Gelu, ...) are not on the machine. ONNX 1.16 is the last release whose
newest opset is 21; its node tests (onnx/backend/test/data/node) import each op at the version the
test was written for. This script keeps a test when its model imports default-domain opset 18..21,
every op it uses is one mini-rt's importer has a row for (ir/onnx/import_*.cpp), so the copy
holds no test that would only be skipped as "unsupported op", and its files add up to at most
--max-test-bytes (100 kB), so that the copy stays a few MB.

  scripts/vendor_onnx_node_tests.py ONNX_1_16_NODE_DIR [--out tests/conformance/onnx-1.16-node]

ONNX_1_16_NODE_DIR is onnx/backend/test/data/node of an ONNX v1.16.x source tree (Apache-2.0).
Runs with Debian's python3-onnx (any version reads the models).
"""
import argparse
import pathlib
import re
import shutil
import sys

import onnx

ROOT = pathlib.Path(__file__).resolve().parent.parent


def importer_ops():
    """The op_types mini-rt's importer tables name ({"Op", ...} rows and MRT_PLAIN(Op))."""
    ops = set()
    for src in sorted((ROOT / "ir" / "onnx").glob("import_*.cpp")):
        text = src.read_text()
        ops.update(re.findall(r'^\s*\{"([A-Za-z0-9]+)",', text, re.M))
        ops.update(re.findall(r"^\s*MRT_PLAIN\(([A-Za-z0-9]+)\)", text, re.M))
    return ops


def default_opset(model):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("node_dir", type=pathlib.Path)
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "tests" / "conformance" / "onnx-1.16-node")
    ap.add_argument("--min-opset", type=int, default=18)
    ap.add_argument("--max-opset", type=int, default=21)
    ap.add_argument("--max-test-bytes", type=int, default=100_000)
    args = ap.parse_args()
    supported = importer_ops()
    if not supported:
        sys.exit("no importer rows found under ir/onnx")
    kept, too_big = [], []
    for test in sorted(p for p in args.node_dir.iterdir() if (p / "model.onnx").is_file()):
        model = onnx.load(str(test / "model.onnx"))
        opset = default_opset(model)
        if opset is None or not args.min_opset <= opset <= args.max_opset:
            continue
        if any(n.domain not in ("", "ai.onnx") or n.op_type not in supported for n in model.graph.node):
            continue
        if sum(f.stat().st_size for f in test.rglob("*") if f.is_file()) > args.max_test_bytes:
            too_big.append(test.name)
            continue
        kept.append(test)
    if args.out.exists():
        for old in args.out.glob("test_*"):
            shutil.rmtree(old)
    args.out.mkdir(parents=True, exist_ok=True)
    for test in kept:
        shutil.copytree(test, args.out / test.name)
    print(f"{len(kept)} tests of opsets {args.min_opset}-{args.max_opset} copied to {args.out}")
    if too_big:
        print(f"left out (over {args.max_test_bytes} bytes): {' '.join(too_big)}")


if __name__ == "__main__":
    main()
