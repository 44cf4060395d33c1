"""PyTorch peers for the benchmark: the same models (same seeded weights as the ONNX exports) run by
PyTorch eager and torch.compile, timed the way mini-rt times itself.

Engines and precisions:
  torch-eager    fp32 (TF32 off), tf32 (TF32 on), fp16 (model.half(), channels_last)
  torch-compile  torch.compile(mode="reduce-overhead", dynamic=False): fp16 channels_last and tf32
  torch-compile-max-autotune   mode="max-autotune", fp16 (only with --max-autotune)
cudnn.benchmark is on for every configuration. Inputs are on the GPU before timing starts.

Timing: warm-up (>= 20 iterations and >= warmup_s; torch.compile's first call, which compiles, is
timed separately as compile_s), then N iterations, each bracketed by CUDA events on the current
stream and synchronized, so a number is the GPU time of one inference (no H2D/D2H), like mini-rt's
gpu_compute_ms. N = time_box_s / (warm-up time per iteration), clamped to [min, max] iterations.
Memory: torch.cuda.max_memory_reserved() over the timed iterations, after empty_cache() and
reset_peak_memory_stats() (max_memory_allocated() is kept as allocated_bytes; it undercounts CUDA
graph pools), weights included.
"""
import gc
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import export_torch_models as etm  # noqa: E402

TORCH_MODELS = ("resnet50", "mobilenet_v2", "yolov8n")
OUTPUT_NAME = {"resnet50": "logits", "mobilenet_v2": "logits", "yolov8n": "output0"}


def build_model(name):
    """The model exactly as scripts/export_torch_models.py exports it (same seeds), on the CPU, eval."""
    model, _ = etm.build(name)
    etm.randomize_batchnorm(model, torch.Generator().manual_seed(1))
    return model.eval()


def export_onnx(name, out_dir, opset=17):
    """Exports NAME with scripts/export_torch_models.py's export() (dynamic batch), using the
    TorchScript exporter (dynamo=False) where this PyTorch has the choice, as the checked-in models
    were made. Returns (path, how)."""
    os.makedirs(out_dir, exist_ok=True)
    original = torch.onnx.export
    import inspect

    has_dynamo = "dynamo" in inspect.signature(original).parameters
    how = "scripts/export_torch_models.py export()"

    def legacy_export(*args, **kwargs):
        kwargs.setdefault("dynamo", False)
        return original(*args, **kwargs)

    if has_dynamo:
        torch.onnx.export = legacy_export
        how += ", TorchScript exporter (dynamo=False)"
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            etm.export(name, out_dir, opset)
    finally:
        torch.onnx.export = original
    return os.path.join(out_dir, f"{name}.onnx"), how + f", opset {opset}, torch {torch.__version__}"


def set_precision(precision):
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[k]


def stats_ms(times):
    s = sorted(times)
    n = len(s)
    median = s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])
    return {"min_ms": s[0], "mean_ms": sum(s) / n, "median_ms": median, "p90_ms": percentile(s, 0.90),
            "p95_ms": percentile(s, 0.95), "p99_ms": percentile(s, 0.99), "iterations": n}


def _mark_step():
    mark = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)
    if mark is not None:
        mark()


def time_gpu(fn, x, settings):
    """Warm-up, then N iterations each bracketed by CUDA events and synchronized. -> stats dict.

    N comes from the last warm-up iterations (the first ones include cudnn.benchmark's search).
    After the warm-up the allocator's cache is emptied and the peak counters reset: the peak is the
    steady state's (weights, activations, workspaces, CUDA graph pools), not the autotuner's trial
    workspaces."""
    t0 = time.perf_counter()
    durations = []
    while len(durations) < settings["warmup_iterations"] or time.perf_counter() - t0 < settings["warmup_s"]:
        t = time.perf_counter()
        _mark_step()
        fn(x)
        torch.cuda.synchronize()
        durations.append(time.perf_counter() - t)
        if time.perf_counter() - t0 > 4 * settings["warmup_s"] + 5:  # very slow config: enough
            break
    recent = sorted(durations[-10:])
    per_iter_ms = max(recent[len(recent) // 2] * 1000.0, 1e-3)
    iters = int(max(settings["min_iterations"],
                    min(settings["max_iterations"], settings["time_box_s"] * 1000.0 / per_iter_ms)))
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    _mark_step()
    fn(x)  # refills the emptied cache (cudaMalloc) outside the timed iterations
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    for i in range(iters):
        _mark_step()
        starts[i].record()
        fn(x)
        ends[i].record()
        ends[i].synchronize()
    rec = stats_ms([s.elapsed_time(e) for s, e in zip(starts, ends)])
    rec["warmup_iterations"] = len(durations)
    return rec


def _cudagraph_skips():
    try:
        from torch._dynamo.utils import counters

        return int(counters["inductor"]["cudagraph_skips"])
    except Exception:  # noqa: BLE001 - informative only
        return 0


def _cleanup():
    try:
        torch._dynamo.reset()
    except Exception:  # noqa: BLE001 - best effort between configurations
        pass
    gc.collect()
    torch.cuda.empty_cache()


def reference_outputs(name, x_cpu):
    """PyTorch FP32 eager (TF32 off) on the GPU: {output name: float32 numpy array}."""
    set_precision("fp32")
    model = build_model(name).cuda()
    with torch.no_grad():
        y = model(x_cpu.cuda()).float().cpu().numpy()
    del model
    _cleanup()
    return {OUTPUT_NAME[name]: y}


def run_peer(name, engine, precision, x_cpu, settings, reference=None):
    """Times one configuration. Returns a result record (status ok) or raises."""
    from minirt_runner import compare_outputs, judge_accuracy

    _cleanup()
    set_precision(precision)
    base = torch.cuda.memory_allocated()
    base_reserved = torch.cuda.memory_reserved()
    skips_before = _cudagraph_skips()
    model = build_model(name).cuda()
    x = x_cpu.cuda()
    if precision == "fp16":
        model = model.half().to(memory_format=torch.channels_last)
        x = x.half().contiguous(memory_format=torch.channels_last)
    rec = {"status": "ok"}
    try:
        with torch.no_grad():
            fn = model
            if engine.startswith("torch-compile"):
                mode = "max-autotune" if engine.endswith("max-autotune") else "reduce-overhead"
                fn = torch.compile(model, mode=mode, dynamic=False)
                t0 = time.perf_counter()
                _mark_step()
                fn(x)
                torch.cuda.synchronize()
                rec["compile_s"] = time.perf_counter() - t0
                rec["mode"] = mode
            rec.update(time_gpu(fn, x, settings))
            # Reserved, not allocated, is the footprint: CUDA graph trees keep their activations in
            # private pools that memory_allocated() stops counting once a graph is recorded (it
            # read 18 MiB for torch.compile ResNet-50 b1 FP16, less than its 49 MiB of weights).
            rec["memory_bytes"] = int(torch.cuda.max_memory_reserved() - base_reserved)
            rec["allocated_bytes"] = int(torch.cuda.max_memory_allocated() - base)
            if engine.startswith("torch-compile") and _cudagraph_skips() > skips_before:
                rec["notes"] = ["torch.compile skipped CUDA graphs for part of the model (inductor cudagraph_skips)"]
            if reference is not None:
                _mark_step()
                y = fn(x).float().cpu().numpy()
                rec["accuracy"] = judge_accuracy(compare_outputs({OUTPUT_NAME[name]: y}, reference), precision)
    finally:
        del model, x
        fn = None
        _cleanup()
    batch = x_cpu.shape[0]
    rec["throughput"] = batch * 1000.0 / rec["median_ms"]
    return rec


def environment():
    env = {"torch": torch.__version__, "cuda_runtime": torch.version.cuda, "python": sys.version.split()[0]}
    try:
        import torchvision

        env["torchvision"] = torchvision.__version__
    except ImportError:
        pass
    if torch.cuda.is_available():
        env["device"] = torch.cuda.get_device_name(0)
        cap = torch.cuda.get_device_capability(0)
        env["sm"] = f"sm_{cap[0]}{cap[1]}"
        env["cudnn"] = torch.backends.cudnn.version()
        env["device_memory_gib"] = round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1)
    return env


def seeded_input(shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float32)


def to_numpy(t):
    return np.ascontiguousarray(t.numpy())
