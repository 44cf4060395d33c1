"""Drives the mini-rt CLI for the benchmark: compile a plan, run it with --profile for the per-layer
breakdown, run it again with CUDA graphs for the timing (and the outputs for the correctness check),
and turn the JSON files it writes into one result record.

The run JSON contract (`mini-rt run --json FILE`):
  device, iterations, batch, cuda_graph,
  latency_ms {min, mean, median, p90, p95, p99}   host wall time per inference incl. H2D/D2H
  gpu_compute_ms {same keys}                        CUDA events around the enqueue only
  h2d_ms {median}, d2h_ms {median}, throughput_qps,
  device_memory_bytes {weights, arena, workspace, total},
  layers [{name, op, tactic, family, median_ms, percent}]   (times only with --profile)
  families {hand-written|cudnn|cublas|cpu-fallback: {layers, time_ms, percent}}
The compile report (`mini-rt compile --report FILE`): build_seconds, timing_cache {hits, misses},
families {NAME: layer count}.
Missing keys are tolerated: the record says which key was missing instead of a number.

Needs numpy only for compare_outputs (the correctness check); the rest is the standard library.
"""
import json
import os
import re
import subprocess
import time

PRECISION_FLAGS = {"fp32": ["--no-tf32"], "tf32": [], "fp16": ["--fp16"]}
FAMILIES = ("hand-written", "cudnn", "cublas", "cpu-fallback")


def sanitize_file_name(name):
    """mini-rt writes an output named `y:0` as `y_0.npy`: every character outside [A-Za-z0-9._-] -> '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def last_error_line(text, limit=300):
    """The most telling line of a failed command's output: the last non-empty one, shortened."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "error" in ln.lower():
            return ln[:limit]
    return lines[-1][:limit] if lines else "(no output)"


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f), None
    except FileNotFoundError:
        return None, f"{os.path.basename(path)} was not written"
    except (OSError, ValueError) as e:
        return None, f"{os.path.basename(path)} is not valid JSON ({e})"


def pick(d, *keys):
    """d[k0][k1]... or None when any level is missing or not a dict."""
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def clamp_iterations(estimate_ms, time_box_s, min_iters, max_iters):
    if not estimate_ms or estimate_ms <= 0:
        return max_iters
    return int(max(min_iters, min(max_iters, time_box_s * 1000.0 / estimate_ms)))


def compare_outputs(outputs, reference):
    """Worst case over the outputs: max |out - ref| / max |ref| and cosine similarity (float64).

    outputs, reference: dicts name -> numpy array. Returns {rel_err, cosine, max_abs_err, outputs, missing}.
    """
    import numpy as np

    worst_rel, worst_cos, worst_abs, missing = 0.0, 1.0, 0.0, []
    for name, ref in reference.items():
        out = outputs.get(name)
        if out is None:
            missing.append(name)
            continue
        a = np.asarray(out, dtype=np.float64).ravel()
        r = np.asarray(ref, dtype=np.float64).ravel()
        if a.size != r.size:
            missing.append(f"{name} (size {a.size}, expected {r.size})")
            continue
        if not np.all(np.isfinite(a)):
            worst_rel, worst_cos, worst_abs = float("inf"), float("nan"), float("inf")
            continue
        abs_err = float(np.max(np.abs(a - r))) if a.size else 0.0
        scale = float(np.max(np.abs(r))) if r.size else 0.0
        rel = abs_err / scale if scale > 0 else abs_err
        na, nr = float(np.linalg.norm(a)), float(np.linalg.norm(r))
        cos = float(np.dot(a, r) / (na * nr)) if na > 0 and nr > 0 else (1.0 if na == nr else 0.0)
        worst_abs = max(worst_abs, abs_err)
        worst_rel = max(worst_rel, rel)
        worst_cos = min(worst_cos, cos) if cos == cos else cos
    return {"rel_err": worst_rel, "cosine": worst_cos, "max_abs_err": worst_abs,
            "outputs": sorted(reference), "missing": missing}


# Tolerances against the PyTorch FP32 reference; a miss is flagged in the report, never fatal.
TOLERANCE = {"fp32": {"rel_err": 1e-3, "cosine": 0.99999},
             "tf32": {"rel_err": 3e-2, "cosine": 0.9995},
             "fp16": {"rel_err": 5e-2, "cosine": 0.999}}


def judge_accuracy(acc, precision):
    tol = TOLERANCE[precision]
    ok = (not acc["missing"] and acc["rel_err"] <= tol["rel_err"] and acc["cosine"] == acc["cosine"]
          and acc["cosine"] >= tol["cosine"])
    return dict(acc, ok=bool(ok), tolerance=tol)


class MiniRT:
    """One mini-rt binary; writes its plans, JSON files and logs under work_dir and log_dir."""

    def __init__(self, binary, work_dir, log_dir, settings):
        self.binary = binary
        self.work_dir = work_dir
        self.log_dir = log_dir
        self.s = settings  # time_box_s, min_iterations, max_iterations, warmup, compile_timeout_s, run_timeout_s
        os.makedirs(work_dir, exist_ok=True)
        os.makedirs(log_dir, exist_ok=True)

    # -- processes ---------------------------------------------------------------------------
    def _call(self, args, log_name, timeout):
        """Runs the binary; returns (rc, combined output, wall seconds). rc None: timed out / not started."""
        start = time.perf_counter()
        log_path = os.path.join(self.log_dir, log_name + ".log")
        try:
            p = subprocess.run([self.binary] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout, text=True, errors="replace")
            rc, text = p.returncode, p.stdout
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            rc, text = None, out + f"\n(timed out after {timeout:.0f} s)"
        except OSError as e:
            rc, text = None, f"cannot start {self.binary}: {e}"
        wall = time.perf_counter() - start
        with open(log_path, "w") as f:
            f.write("$ " + " ".join([self.binary] + args) + f"\n# rc={rc} wall={wall:.2f}s\n" + text)
        return rc, text, wall

    def probe(self, onnx_path):
        """Is there a working CUDA mini-rt? Compiles and runs a tiny Conv+Relu model. -> (ok, reason)."""
        if not os.path.isfile(self.binary):
            return False, f"{self.binary} not found (build mini-rt first: scripts/setup.sh)"
        if not os.access(self.binary, os.X_OK):
            return False, f"{self.binary} is not executable"
        plan = os.path.join(self.work_dir, "probe.plan")
        rc, text, _ = self._call(["compile", onnx_path, "-o", plan, "--device", "cuda"], "probe.compile", 120)
        if rc != 0:
            return False, "compile --device cuda failed: " + last_error_line(text)
        js = os.path.join(self.work_dir, "probe.run.json")
        rc, text, _ = self._call(["run", plan, "--device", "cuda", "--iterations", "3", "--warmup", "1",
                                  "--cuda-graph", "--json", js], "probe.run", 60)
        if rc != 0:
            return False, "run --device cuda --cuda-graph failed: " + last_error_line(text)
        data, err = read_json(js)
        if data is None:
            return False, "run --json: " + err
        return True, "ok"

    def version(self):
        rc, text, _ = self._call(["--version"], "version", 20)
        return text.strip().splitlines()[0] if rc == 0 and text.strip() else None

    # -- one configuration -------------------------------------------------------------------
    def compile(self, onnx_path, plan, input_name, shape, precision, cache, tag, timeout):
        report = plan + ".report.json"
        for p in (plan, report):
            if os.path.exists(p):
                os.remove(p)
        args = ["compile", onnx_path, "-o", plan, "--device", "cuda",
                "--shapes", f"{input_name}:{'x'.join(str(d) for d in shape)}"]
        args += PRECISION_FLAGS[precision] + ["--timing-cache", cache, "--report", report]
        rc, text, wall = self._call(args, tag, timeout)
        rec = {"wall_s": wall}
        if rc != 0:
            rec["error"] = "compile failed: " + last_error_line(text)
            return rec
        data, err = read_json(report)
        if data is None:
            rec["notes"] = ["compile report: " + err]
            return rec
        rec["build_seconds"] = data.get("build_seconds")
        rec["timing_cache"] = data.get("timing_cache")
        rec["families"] = data.get("families")
        missing = [k for k in ("build_seconds", "timing_cache", "families") if k not in data]
        if missing:
            rec["notes"] = ["compile report lacks " + ", ".join(missing)]
        self._keep(report, tag + ".report.json")
        return rec

    def run(self, plan, tag, timeout, iterations, warmup, cuda_graph, profile, inputs=None, output_dir=None):
        js = os.path.join(self.work_dir, tag + ".json")
        if os.path.exists(js):
            os.remove(js)
        args = ["run", plan, "--device", "cuda", "--iterations", str(iterations), "--warmup", str(warmup)]
        if cuda_graph:
            args.append("--cuda-graph")
        if profile:
            args.append("--profile")
        for name, path in (inputs or {}).items():
            args += ["--input", f"{name}={path}"]
        if output_dir:
            args += ["--output-dir", output_dir]
        args += ["--json", js]
        rc, text, wall = self._call(args, tag, timeout)
        if rc != 0:
            return None, "run failed: " + last_error_line(text), wall
        data, err = read_json(js)
        if data is None:
            return None, "run --json: " + err, wall
        self._keep(js, tag + ".json")
        return data, None, wall

    def _keep(self, path, name):
        try:
            with open(path) as src, open(os.path.join(self.log_dir, name), "w") as dst:
                dst.write(src.read())
        except OSError:
            pass


def summarize_run(data, batch, notes):
    """The timing record of a run JSON; notes gets a line for every key the contract has and it lacks."""
    rec = {}
    gpu = data.get("gpu_compute_ms")
    host = data.get("latency_ms")
    if isinstance(gpu, dict) and gpu.get("median") is not None:
        stats, rec["timing_source"] = gpu, "gpu_compute_ms"
    elif isinstance(host, dict) and host.get("median") is not None:
        stats, rec["timing_source"] = host, "latency_ms"
        notes.append("run JSON lacks gpu_compute_ms: the median is host latency incl. H2D/D2H")
    else:
        notes.append("run JSON lacks gpu_compute_ms and latency_ms: no timing")
        return rec
    for k in ("min", "mean", "median", "p90", "p95", "p99"):
        if stats.get(k) is not None:
            rec[f"{k}_ms"] = float(stats[k])
    rec["throughput"] = batch * 1000.0 / rec["median_ms"] if rec.get("median_ms") else None
    if isinstance(host, dict):
        rec["host_latency_ms"] = {k: host[k] for k in host if isinstance(host[k], (int, float))}
    rec["h2d_ms"] = pick(data, "h2d_ms", "median")
    rec["d2h_ms"] = pick(data, "d2h_ms", "median")
    rec["throughput_qps"] = data.get("throughput_qps")
    rec["iterations"] = data.get("iterations")
    rec["cuda_graph"] = data.get("cuda_graph")
    rec["minirt_device"] = data.get("device")
    mem = data.get("device_memory_bytes")
    if isinstance(mem, dict):
        rec["memory_breakdown"] = mem
        if mem.get("total") is not None:
            rec["memory_bytes"] = int(mem["total"])
    if "memory_bytes" not in rec:
        notes.append("run JSON lacks device_memory_bytes.total")
    if data.get("cuda_graph") is False:
        notes.append("run JSON says cuda_graph=false")
    return rec


def summarize_profile(data, notes, top=10):
    """Per-family layers and time shares, and the slowest layers, from a --profile run JSON."""
    rec = {}
    fam = data.get("families")
    if isinstance(fam, dict):
        rec["families"] = fam
    else:
        notes.append("profile JSON lacks families")
    layers = data.get("layers")
    if isinstance(layers, list):
        rec["layer_count"] = len(layers)
        timed = [layer for layer in layers if isinstance(layer, dict) and layer.get("median_ms") is not None]
        timed.sort(key=lambda layer: -float(layer["median_ms"]))
        rec["slowest_layers"] = [{k: layer.get(k) for k in ("name", "op", "tactic", "family", "median_ms", "percent")}
                                 for layer in timed[:top]]
    else:
        notes.append("profile JSON lacks layers")
    return rec
