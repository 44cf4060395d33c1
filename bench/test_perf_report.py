#!/usr/bin/env python3
"""Unit test of bench/perf_report.py on fake results (standard library only):

  python3 bench/test_perf_report.py
"""
import copy
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perf_report  # noqa: E402


def peer(model, batch, engine, precision, median, memory=100 * 2**20, **extra):
    rec = {"model": model, "batch": batch, "engine": engine, "precision": precision, "status": "ok",
           "median_ms": median, "p90_ms": median * 1.1, "throughput": batch * 1000.0 / median,
           "memory_bytes": memory, "iterations": 100,
           "accuracy": {"rel_err": 1e-3, "cosine": 0.99999, "ok": True, "missing": [], "tolerance": {}}}
    rec.update(extra)
    return rec


def minirt(model, batch, precision, median, families, **extra):
    rec = peer(model, batch, "mini-rt", precision, median, memory=50 * 2**20, **extra)
    if families is not None:
        rec["families"] = families
    rec.update(host_latency_ms={"median": median + 1.0}, h2d_ms=0.4, d2h_ms=0.1,
               compile={"wall_s": 4.0, "build_seconds": 3.5})
    return rec


def fams(hand, cudnn, cublas=0, cpu=0):
    total = hand + cudnn + cublas + cpu
    return {k: {"layers": n, "time_ms": n * 0.1, "percent": 100.0 * n / total}
            for k, n in (("hand-written", hand), ("cudnn", cudnn), ("cublas", cublas), ("cpu-fallback", cpu))}


def fake_results():
    r = [
        minirt("resnet50", 32, "fp16", 8.0, fams(20, 50, 1)),
        peer("resnet50", 32, "torch-compile", "fp16", 9.0, compile_s=41.0),
        peer("resnet50", 32, "torch-eager", "fp16", 12.0),
        {"model": "resnet50", "batch": 32, "engine": "torch-compile", "precision": "tf32", "status": "skipped",
         "reason": "time budget: 3 s of 510 s left, this configuration takes about 60 s"},
        minirt("yolov8n", 1, "fp16", 2.5, fams(40, 30, 0, 2)),
        peer("yolov8n", 1, "torch-compile", "fp16", 2.0, compile_s=30.0),
        {"model": "yolov8n", "batch": 1, "engine": "mini-rt", "precision": "fp32", "status": "failed",
         "reason": "compile failed: error: node 'Conv_3' (Conv): no tactic"},
        minirt("mobilenet_v2", 1, "fp16", 0.7, fams(30, 20)),
        minirt("ppocr_det", 1, "fp16", 1.9, None),
    ]
    r[-1]["compile"]["families"] = {"hand-written": 10, "cudnn": 20}  # compile-report style counts only
    r[4]["accuracy"] = {"rel_err": 0.3, "cosine": 0.98, "ok": False, "missing": [], "tolerance": {"rel_err": 5e-2}}
    r[0]["slowest_layers"] = [{"name": "Conv_0", "op": "Conv", "tactic": "igemm_tc_128x64", "family": "hand-written",
                               "median_ms": 0.5, "percent": 6.2}]
    return {
        "schema": 1, "started_utc": "2030-01-02 03:04:05 UTC", "finished_utc": "2030-01-02 03:12:00 UTC",
        "complete": False, "skipped_for_budget": 1, "elapsed_s": 475.0, "command": "bench/run_on_gpu.sh",
        "settings": {"time_box_s": 2.0, "max_iterations": 100, "min_iterations": 10, "warmup_iterations": 20},
        "env": {"gpu": "NVIDIA H100 80GB HBM3", "driver": "580.00", "cuda_driver_api": "13.0", "torch": "2.11.0",
                "cuda_runtime": "13.0", "cudnn": 91002, "sm": "sm_90"},
        "models": {"resnet50": {"title": "ResNet-50", "input": "input", "chw": [3, 224, 224],
                                "source": "exported in this run"}},
        "minirt": {"binary": "build/bin/mini-rt", "available": True, "reason": "ok"},
        "compile": {"cold": {"wall_s": 70.0, "build_seconds": 65.5, "timing_cache": {"hits": 0, "misses": 90}},
                    "warm": {"wall_s": 3.0, "build_seconds": 2.5, "timing_cache": {"hits": 90, "misses": 0}}},
        "results": r,
    }


def row(text, prefix):
    lines = [ln for ln in text.splitlines() if ln.startswith(prefix)]
    assert len(lines) == 1, (prefix, lines)
    return lines[0]


class PerfReportTest(unittest.TestCase):
    def setUp(self):
        self.results = fake_results()
        self.text = perf_report.render(self.results)

    def test_header(self):
        self.assertIn("2030-01-02 03:04:05 UTC", self.text)
        self.assertIn("NVIDIA H100 80GB HBM3", self.text)
        self.assertIn("cuDNN 9.10.2", self.text)
        self.assertIn("`bench/run_on_gpu.sh`", self.text)
        self.assertIn("**partial**", self.text)
        self.assertIn("## How to reproduce", self.text)

    def test_targets(self):
        t = self.text
        self.assertIn("**met**", row(t, "| ResNet-50 b32 FP16: mini-rt throughput"))
        self.assertIn("4,000 samples/s", row(t, "| ResNet-50 b32 FP16: mini-rt throughput"))
        yolo = row(t, "| YOLOv8n b1 FP16")
        self.assertIn("**missed**", yolo)
        self.assertIn("2.500 ms", yolo)
        self.assertIn("2.000 ms", yolo)
        hand = row(t, "| hand-written share")
        # (20 + 40 + 30 + 10) of (71 + 72 + 50 + 30) layers
        self.assertIn("44.8% (100 of 223 layers)", hand)
        self.assertIn("**met**", hand)
        self.assertIn("**missed**", row(t, "| cold compile"))
        self.assertIn("65.5 s", row(t, "| cold compile"))
        self.assertIn("**met**", row(t, "| warm compile"))

    def test_model_tables(self):
        t = self.text
        mine = row(t, "| mini-rt (CUDA graph) | FP16 | 8.000")
        self.assertIn("1.12×", mine)  # 9.0 / 8.0 against torch.compile
        self.assertIn("host latency 9.000 ms", mine)
        self.assertIn("1.00×", row(t, "| torch.compile reduce-overhead | FP16 | 9.000"))
        self.assertIn("skipped: time budget", row(t, "| torch.compile reduce-overhead | TF32"))
        failed = row(t, "| mini-rt (CUDA graph) | FP32")
        self.assertIn("failed: compile failed", failed)
        self.assertNotRegex(failed, r"\| \d")  # no numbers for a failed configuration
        self.assertIn("no peer", row(t, "| mini-rt (CUDA graph) | FP16 | 1.900"))
        self.assertIn("FLAGGED", row(t, "| mini-rt (CUDA graph) | FP16 | 2.500"))
        self.assertIn("## Correctness flags", t)
        self.assertIn("YOLOv8n b1 mini-rt (CUDA graph) FP16: max rel error 3.00e-01", t)
        self.assertIn("| FP16 | 30 | 10 (33.3%) | 20 (66.7%) | compile report |", t)  # bare counts
        self.assertIn("| Conv_0 | Conv | igemm_tc_128x64 | hand-written | 0.500 | 6.2% |", t)

    def test_minirt_unavailable(self):
        res = copy.deepcopy(self.results)
        res["minirt"] = {"binary": "build/bin/mini-rt", "available": False,
                         "reason": "build/bin/mini-rt not found (build mini-rt first: scripts/setup.sh)"}
        res["compile"] = {}
        for r in res["results"]:
            if r["engine"] == "mini-rt":
                for k in list(r):
                    if k not in ("model", "batch", "engine", "precision"):
                        del r[k]
                r.update(status="unavailable", reason="mini-rt: not available (build/bin/mini-rt not found)")
        t = perf_report.render(res)
        self.assertIn("mini-rt**: not available (build/bin/mini-rt not found", t)
        self.assertNotIn("**met**", t)
        self.assertNotIn("**missed**", t)
        self.assertIn("not measured: mini-rt: not available", row(t, "| ResNet-50 b32 FP16: mini-rt throughput"))
        self.assertIn("1.00×", row(t, "| torch.compile reduce-overhead | FP16 | 9.000"))
        self.assertIn("not measured: no mini-rt FP16 plan", row(t, "| hand-written share"))
        self.assertIn("not measured: not run", row(t, "| cold compile"))

    def test_empty_and_missing_keys(self):
        t = perf_report.render({"results": [{"model": "resnet50", "batch": 1, "engine": "mini-rt",
                                             "precision": "fp16", "status": "ok"}]})
        self.assertIn("## ResNet-50", t)
        self.assertIn("ok: ", row(t, "| mini-rt (CUDA graph) | FP16"))
        perf_report.render({})

    def test_hand_written_incomplete(self):
        res = copy.deepcopy(self.results)
        res["results"] = [r for r in res["results"] if r["model"] != "ppocr_det"]
        self.assertIn("incomplete: 3 of 4 models (no data: PP-OCRv4 det)", row(perf_report.render(res),
                                                                               "| hand-written share"))

    def test_cli_writes_file(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "results.json"), os.path.join(d, "docs", "PERF.md")
            with open(src, "w") as f:
                json.dump(self.results, f)
            self.assertEqual(perf_report.main([src, "-o", dst]), 0)
            with open(dst) as f:
                self.assertEqual(f.read(), self.text)


if __name__ == "__main__":
    unittest.main(verbosity=1)
