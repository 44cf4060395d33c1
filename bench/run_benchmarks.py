#!/usr/bin/env python3
"""End-to-end benchmark: mini-rt (FP32 / TF32 / FP16, CUDA graphs) against PyTorch eager and
torch.compile on ResNet-50, MobileNetV2, YOLOv8n and the PP-OCRv4 text detector, in one process,
on one GPU, in under 9 minutes; writes a results JSON (after every configuration, so a partial run
still has one) and docs/PERF.md (bench/perf_report.py).

  python3 bench/run_benchmarks.py --results OUT/results.json --log-dir OUT/logs [--mini-rt build/bin/mini-rt]
      [--models resnet50,mobilenet_v2,yolov8n,ppocr_det] [--only-peers | --only-minirt] [--quick]
      [--max-autotune] [--budget-s 510] [--time-box-s 2] [--max-iterations 100] [--perf-md docs/PERF.md]

bench/run_on_gpu.sh is the usual entry (it sets LD_LIBRARY_PATH for cuDNN/cuBLAS). See bench/README.md.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import minirt_runner as mr  # noqa: E402
import perf_report  # noqa: E402

MODELS = {
    "resnet50": {"title": "ResNet-50", "input": "input", "chw": (3, 224, 224), "batches": (1, 32), "torch": True},
    "mobilenet_v2": {"title": "MobileNetV2", "input": "input", "chw": (3, 224, 224), "batches": (1, 32),
                     "torch": True},
    "yolov8n": {"title": "YOLOv8n", "input": "images", "chw": (3, 640, 640), "batches": (1, 16), "torch": True},
    "ppocr_det": {"title": "PP-OCRv4 det", "input": "x", "chw": (3, 640, 640), "batches": (1, 8), "torch": False,
                  "onnx": "models/ppocr/ch_PP-OCRv4_det_infer.onnx"},
}
PRECISIONS = ("fp16", "tf32", "fp32")
# The configurations the targets are judged on run first, torch.compile TF32 last: when the time
# budget runs out, what is left out is what matters least.
TARGET_PAIRS = (("resnet50", 32), ("yolov8n", 1))
COLD_COMPILE = ("resnet50", 32, "fp16")
DEFAULT_ESTIMATE_S = {"mini-rt": 20.0, "torch-eager": 5.0, "torch-compile": 60.0,
                      "torch-compile-max-autotune": 300.0}


class JobTimeout(Exception):
    pass


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def short_error(e):
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0][:300] if text else ''}".rstrip(": ")


def tier(job):
    """0: what the targets are judged on; 1: the rest of FP16 (mini-rt and both peers); 2: mini-rt and
    eager TF32/FP32; 3: torch.compile TF32 and max-autotune (15-25 s each, the least needed)."""
    if (job["model"], job["batch"]) in TARGET_PAIRS and job["precision"] == "fp16" and \
            job["engine"] in ("mini-rt", "torch-compile", "torch-eager"):
        return 0
    if job["precision"] == "fp16" and job["engine"] in ("mini-rt", "torch-compile", "torch-eager"):
        return 1
    if job["engine"] in ("mini-rt", "torch-eager"):
        return 2
    return 3


def make_jobs(args):
    jobs = []
    engines = []
    if not args.only_peers:
        engines += [("mini-rt", p) for p in PRECISIONS]
    if not args.only_minirt:
        engines += [("torch-eager", p) for p in PRECISIONS]
        engines += [("torch-compile", "fp16"), ("torch-compile", "tf32")]
        if args.max_autotune:
            engines.append(("torch-compile-max-autotune", "fp16"))
    for mi, m in enumerate(args.models):
        for b in MODELS[m]["batches"]:
            for ei, (engine, prec) in enumerate(engines):
                if engine != "mini-rt" and not MODELS[m]["torch"]:
                    continue
                jobs.append({"model": m, "batch": b, "engine": engine, "precision": prec, "order": (mi, b, ei)})
    jobs.sort(key=lambda j: (tier(j), j["order"]))
    for j in jobs:
        del j["order"]
    return jobs


def gpu_environment():
    env = {}
    try:
        q = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit",
                            "--format=csv,noheader"], capture_output=True, text=True, timeout=30)
        if q.returncode == 0 and q.stdout.strip():
            f = [x.strip() for x in q.stdout.strip().splitlines()[0].split(",")]
            env.update({"gpu": f[0], "driver": f[1], "gpu_memory": f[2], "max_sm_clock": f[3], "power_limit": f[4]})
        s = subprocess.run(["nvidia-smi"], capture_output=True, text=True, timeout=30)
        for token in s.stdout.split("|"):
            if "CUDA Version:" in token:
                env["cuda_driver_api"] = token.split("CUDA Version:")[1].split()[0]
    except (OSError, subprocess.SubprocessError) as e:
        env["nvidia_smi"] = f"unavailable ({e})"
    return env


class Bench:
    def __init__(self, args):
        self.args = args
        self.t0 = time.perf_counter()
        self.work = args.work_dir or tempfile.mkdtemp(prefix="minirt-bench-")
        os.makedirs(self.work, exist_ok=True)
        self.settings = {
            "time_box_s": args.time_box_s, "max_iterations": args.max_iterations, "min_iterations": 10,
            "warmup_iterations": 20, "warmup_s": 0.2 if args.quick else 0.5,
        }
        self.compile_settings = dict(self.settings, warmup_s=0.5 if args.quick else 1.0)
        self.results = {
            "schema": 1, "started_utc": utc_now(), "finished_utc": None, "complete": False,
            "command": args.command or " ".join(["python3"] + sys.argv),
            "budget_s": args.budget_s, "settings": dict(self.settings, quick=args.quick,
                                                         max_autotune=args.max_autotune),
            "env": gpu_environment(), "models": {}, "minirt": {"binary": args.mini_rt, "available": None},
            "compile": {}, "results": [], "skipped_for_budget": 0,
        }
        for m in args.models:
            self.results["models"][m] = {"title": MODELS[m]["title"], "input": MODELS[m]["input"],
                                         "chw": list(MODELS[m]["chw"]), "batches": list(MODELS[m]["batches"])}
        self.onnx, self.inputs, self.refs = {}, {}, {}
        self.durations = {}
        self.peers = None
        self.minirt = None

    # -- bookkeeping ------------------------------------------------------------------------
    def elapsed(self):
        return time.perf_counter() - self.t0

    def remaining(self):
        return self.args.budget_s - self.elapsed()

    def log(self, msg):
        print(f"[{self.elapsed():6.1f}s] {msg}", flush=True)

    def save(self):
        self.results["elapsed_s"] = round(self.elapsed(), 1)
        path = self.args.results
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.results, f, indent=1, default=str)
        os.replace(tmp, path)

    def estimate(self, engine):
        seen = self.durations.get(engine)
        if not seen:
            return DEFAULT_ESTIMATE_S[engine] * (0.5 if self.args.quick else 1.0)
        return max(seen) if engine.startswith("torch-compile") else sum(seen) / len(seen)

    # -- setup --------------------------------------------------------------------------------
    def setup_peers(self):
        try:
            import torch

            if not torch.cuda.is_available():
                raise RuntimeError("torch.cuda.is_available() is False")
            import torch_peers

            self.peers = torch_peers
            self.results["env"].update(torch_peers.environment())
            self.log(f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}) "
                     f"on {self.results['env'].get('device')}")
        except Exception as e:  # noqa: BLE001 - recorded, the mini-rt side can still run
            self.results["env"]["torch_error"] = short_error(e)
            self.log(f"PyTorch: not available ({short_error(e)})")
        for mod in ("onnx", "onnxruntime", "numpy"):
            try:
                self.results["env"][mod] = __import__(mod).__version__
            except Exception:  # noqa: BLE001
                pass

    def setup_minirt(self):
        info = self.results["minirt"]
        if self.args.only_peers:
            info.update(available=False, reason="not run (--only-peers)")
            return
        self.minirt = mr.MiniRT(self.args.mini_rt, os.path.join(self.work, "minirt"),
                                os.path.join(self.args.log_dir, "minirt"),
                                {"time_box_s": self.args.time_box_s})
        probe = os.path.join(self.work, "probe.onnx")
        try:
            write_probe_model(probe)
        except Exception as e:  # noqa: BLE001 - no onnx package: let each configuration try
            probe = None
            no_probe = short_error(e)
        if probe is not None:
            ok, reason = self.minirt.probe(probe)
        elif os.path.isfile(self.args.mini_rt):
            ok, reason = True, f"not probed (no probe model: {no_probe})"
        else:
            ok, reason = False, f"{self.args.mini_rt} not found (build mini-rt first: scripts/setup.sh)"
        info.update(available=ok, reason=reason)
        if ok:
            info["version"] = self.minirt.version()
            self.log(f"mini-rt: {self.args.mini_rt} works on the GPU ({info['version'] or 'no --version'})")
        else:
            self.log(f"mini-rt: not available ({reason})")

    # -- per model / batch, made once --------------------------------------------------------------
    def onnx_path(self, m):
        if m in self.onnx:
            if isinstance(self.onnx[m], Exception):
                raise self.onnx[m]
            return self.onnx[m]
        info = self.results["models"][m]
        try:
            if "onnx" in MODELS[m]:
                path = os.path.join(ROOT, MODELS[m]["onnx"])
                if not os.path.isfile(path):
                    raise FileNotFoundError(f"{MODELS[m]['onnx']} not found (carry models/ppocr)")
                info["source"] = MODELS[m]["onnx"]
            else:
                path, info["source"] = self._export(m)
                self._check_export(m, path, info)
            self.onnx[m] = path
            self.save()
            return path
        except Exception as e:  # noqa: BLE001
            info["error"] = short_error(e)
            self.onnx[m] = e
            raise

    def _export(self, m):
        out = os.path.join(self.work, "onnx")
        os.makedirs(out, exist_ok=True)
        t = time.perf_counter()
        try:
            if self.peers is None:
                raise RuntimeError("PyTorch is not available")
            path, how = self.peers.export_onnx(m, out)
            self.log(f"exported {m} in {time.perf_counter() - t:.1f} s ({how})")
            return path, "exported in this run: " + how
        except Exception as e:  # noqa: BLE001 - fall back to the copy fetch_models.sh made, if carried
            fallback = os.path.join(ROOT, "models", "torch", f"{m}.onnx")
            if os.path.isfile(fallback):
                self.log(f"export of {m} failed ({short_error(e)}): using models/torch/{m}.onnx")
                return fallback, f"models/torch/{m}.onnx (export in this run failed: {short_error(e)})"
            raise

    def _check_export(self, m, path, info):
        """The exported ONNX on ONNX Runtime (CPU) against PyTorch FP32 at batch 1: a changed exporter
        shows up here, not as a mini-rt accuracy flag."""
        try:
            ref, what = self.reference(m, 1)
            if ref is None:
                raise RuntimeError(what)
            x, _ = self.input_array(m, 1)
            got = ort_reference(path, MODELS[m]["input"], x)
            check = mr.judge_accuracy(mr.compare_outputs(got, ref), "fp32")
            info["export_check"] = {k: check[k] for k in ("rel_err", "cosine", "ok", "missing")}
            self.log(f"export check {m}: ONNX Runtime vs PyTorch rel err {check['rel_err']:.2e}, "
                     f"cosine {check['cosine']:.7f}{'' if check['ok'] else ' FLAGGED'}")
        except Exception as e:  # noqa: BLE001 - informative only
            info["export_check"] = {"error": short_error(e)}
            self.log(f"export check {m}: not done ({short_error(e)})")

    def input_array(self, m, b):
        """The seeded random input of (model, batch) as a numpy array and a .npy file."""
        key = (m, b)
        if key not in self.inputs:
            import numpy as np

            shape = (b,) + tuple(MODELS[m]["chw"])
            x = np.random.default_rng(1000 + b).standard_normal(shape, dtype=np.float32)
            path = os.path.join(self.work, "inputs", f"{m}_b{b}.npy")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            np.save(path, x)
            self.inputs[key] = (x, path)
        return self.inputs[key]

    def reference(self, m, b):
        """FP32 reference outputs: PyTorch eager with TF32 off; ONNX Runtime (CPU) for PP-OCR."""
        key = (m, b)
        if key not in self.refs:
            x, _ = self.input_array(m, b)
            t = time.perf_counter()
            try:
                if MODELS[m]["torch"]:
                    if self.peers is None:
                        raise RuntimeError("PyTorch is not available")
                    import torch

                    self.refs[key] = (self.peers.reference_outputs(m, torch.from_numpy(x)), "PyTorch FP32 eager")
                else:
                    self.refs[key] = (ort_reference(self.onnx_path(m), MODELS[m]["input"], x),
                                      "ONNX Runtime CPU")
                self.log(f"reference outputs for {m} b{b}: {self.refs[key][1]} ({time.perf_counter() - t:.1f} s)")
            except Exception as e:  # noqa: BLE001
                self.refs[key] = (None, f"no reference ({short_error(e)})")
                self.log(f"reference outputs for {m} b{b}: {self.refs[key][1]}")
        return self.refs[key]

    # -- jobs ---------------------------------------------------------------------------------
    def run_job(self, job):
        rec = dict(job, status="ok", notes=[])
        name = f"{job['model']} b{job['batch']} {job['engine']} {job['precision']}"
        engine = job["engine"]
        est = self.estimate(engine)
        if job["engine"] == "mini-rt" and not self.results["minirt"]["available"]:
            rec.update(status="unavailable", reason="mini-rt: not available (" + self.results["minirt"]["reason"] + ")")
        elif job["engine"] != "mini-rt" and self.peers is None:
            rec.update(status="unavailable", reason="PyTorch: not available (" +
                       self.results["env"].get("torch_error", "?") + ")")
        elif self.remaining() < est:
            rec.update(status="skipped", reason=f"time budget: {self.remaining():.0f} s of {self.args.budget_s:.0f} s "
                       f"left, this configuration takes about {est:.0f} s")
            self.results["skipped_for_budget"] += 1
        else:
            t = time.perf_counter()
            try:
                if engine == "mini-rt":
                    self.run_minirt(job, rec)
                else:
                    self.run_peer(job, rec)
            except JobTimeout as e:
                rec.update(status="failed", reason=f"stopped at the time budget ({e})")
            except Exception as e:  # noqa: BLE001 - one configuration's failure is recorded, not fatal
                rec.update(status="failed", reason=short_error(e))
                with open(os.path.join(self.args.log_dir, "errors.log"), "a") as f:
                    f.write(f"== {name}\n{traceback.format_exc()}\n")
            rec["seconds"] = round(time.perf_counter() - t, 2)
            self.durations.setdefault(engine, []).append(rec["seconds"])
        if not rec["notes"]:
            del rec["notes"]
        self.results["results"].append(rec)
        self.save()
        self.log(describe(name, rec))

    def run_peer(self, job, rec):
        import torch

        m, b = job["model"], job["batch"]
        x, _ = self.input_array(m, b)
        ref, ref_what = self.reference(m, b)
        if ref is None:
            rec["notes"].append(ref_what)
        settings = self.compile_settings if job["engine"].startswith("torch-compile") else self.settings
        hard_limit = max(10.0, self.remaining() + 20.0)
        with alarm(hard_limit):
            out = self.peers.run_peer(m, job["engine"], job["precision"], torch.from_numpy(x), settings, ref)
        rec["notes"] += out.pop("notes", [])
        rec.update(out)
        if ref is not None:
            rec["reference"] = ref_what

    def run_minirt(self, job, rec):
        m, b, prec = job["model"], job["batch"], job["precision"]
        onnx = self.onnx_path(m)
        shape = (b,) + tuple(MODELS[m]["chw"])
        inp = MODELS[m]["input"]
        tag = f"{m}_b{b}_{prec}"
        plan = os.path.join(self.minirt.work_dir, tag + ".plan")
        timeout = max(20.0, min(self.args.compile_timeout_s, self.remaining() + 20.0))
        if (m, b, prec) == COLD_COMPILE:
            cache = os.path.join(self.minirt.work_dir, "cold.timing-cache")
            if os.path.exists(cache):
                os.remove(cache)
            for kind in ("cold", "warm"):
                c = self.minirt.compile(onnx, plan, inp, shape, prec, cache, f"{tag}.compile-{kind}", timeout)
                self.results["compile"][kind] = dict(c, model=m, batch=b, precision=prec)
                self.save()
                if "error" in c:
                    break
        else:
            cache = os.path.join(self.minirt.work_dir, "shared.timing-cache")
            c = self.minirt.compile(onnx, plan, inp, shape, prec, cache, f"{tag}.compile", timeout)
        rec["compile"] = c
        rec["notes"] += c.pop("notes", [])
        if "error" in c:
            rec.update(status="failed", reason=c["error"])
            return
        run_timeout = max(20.0, min(self.args.run_timeout_s, self.remaining() + 20.0))
        prof, err, _ = self.minirt.run(plan, f"{tag}.profile", run_timeout, iterations=10, warmup=3,
                                       cuda_graph=False, profile=True)
        estimate_ms = None
        if prof is None:
            rec["notes"].append("profile run: " + err)
        else:
            rec.update(mr.summarize_profile(prof, rec["notes"]))
            estimate_ms = mr.pick(prof, "gpu_compute_ms", "median") or mr.pick(prof, "latency_ms", "median")
        iters = mr.clamp_iterations(estimate_ms, self.args.time_box_s, 10, self.args.max_iterations)
        x, npy = self.input_array(m, b)
        out_dir = os.path.join(self.minirt.work_dir, "outputs", tag)
        shutil.rmtree(out_dir, ignore_errors=True)
        data, err, _ = self.minirt.run(plan, f"{tag}.run", run_timeout, iterations=iters, warmup=20,
                                       cuda_graph=True, profile=False, inputs={inp: npy}, output_dir=out_dir)
        if data is None:
            rec.update(status="failed", reason=err)
            return
        rec.update(mr.summarize_run(data, b, rec["notes"]))
        if "families" not in rec and isinstance(data.get("families"), dict):
            rec["families"] = data["families"]
        if rec.get("median_ms") is None:
            rec.update(status="failed", reason="the run JSON has no timing (see notes)")
            return
        ref, ref_what = self.reference(m, b)
        if ref is None:
            rec["notes"].append(ref_what)
            return
        import numpy as np

        outputs = {}
        for name in ref:
            path = os.path.join(out_dir, mr.sanitize_file_name(name) + ".npy")
            if os.path.isfile(path):
                outputs[name] = np.load(path)
        rec["accuracy"] = mr.judge_accuracy(mr.compare_outputs(outputs, ref), prec)
        rec["reference"] = ref_what

    # -- the whole run ------------------------------------------------------------------------
    def run(self):
        self.log(f"mini-rt benchmark: models {', '.join(self.args.models)}; budget {self.args.budget_s:.0f} s; "
                 f"work dir {self.work}")
        self.setup_peers()
        self.setup_minirt()
        self.save()
        if self.args.export_check:
            for m in self.args.models:
                try:
                    self.onnx_path(m)
                except Exception as e:  # noqa: BLE001 - recorded in results["models"]
                    self.log(f"{m}: no ONNX model ({short_error(e)})")
        jobs = make_jobs(self.args)
        self.log(f"{len(jobs)} configurations")
        for job in jobs:
            self.run_job(job)
        self.results["complete"] = self.results["skipped_for_budget"] == 0


def describe(name, rec):
    if rec["status"] == "unavailable":
        return f"{name}: unavailable"
    if rec["status"] != "ok":
        return f"{name}: {rec['status']}: {rec.get('reason', '')}"
    parts = [f"{name}: median {rec['median_ms']:.3f} ms, p90 {rec.get('p90_ms') or 0:.3f} ms, "
             f"{rec['throughput']:.0f} samples/s ({rec.get('iterations')} it)"]
    if rec.get("memory_bytes") is not None:
        parts.append(f"{rec['memory_bytes'] / 2**20:.0f} MiB")
    if rec.get("compile_s") is not None:
        parts.append(f"compile {rec['compile_s']:.1f} s")
    c = rec.get("compile") or {}
    if c.get("build_seconds") is not None or c.get("wall_s") is not None:
        parts.append(f"build {c.get('build_seconds') or c.get('wall_s'):.1f} s")
    a = rec.get("accuracy")
    if a:
        parts.append(f"rel err {a['rel_err']:.2e} cos {a['cosine']:.6f}{'' if a['ok'] else ' FLAGGED'}")
    parts.append(f"{rec.get('seconds', 0):.1f} s")
    return ", ".join(parts)


class alarm:
    """Raises JobTimeout in the main thread after `seconds` (SIGALRM): a torch.compile that would run
    past the budget is stopped instead of overrunning the device call."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def fire(signum, frame):
            raise JobTimeout(f"{self.seconds:.0f} s")

        self.old = signal.signal(signal.SIGALRM, fire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        return False


def write_probe_model(path):
    """A 1x3x8x8 Conv(3->4, 3x3, pad 1) + Relu model: the smallest thing worth compiling for CUDA."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["y"])]
    graph = helper.make_graph(nodes, "probe", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def ort_reference(onnx_path, input_name, x):
    import onnxruntime as ort

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, {input_name: x})))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", default="/tmp/bench-out/results.json", help="results JSON (written as it goes)")
    p.add_argument("--log-dir", default=None, help="mini-rt logs and JSON files (default: next to --results)")
    p.add_argument("--perf-md", default=os.path.join(ROOT, "docs", "PERF.md"), help="the report to write")
    p.add_argument("--work-dir", default=None, help="exports, plans, inputs (default: a new temp dir)")
    p.add_argument("--mini-rt", default=os.path.join(ROOT, "build", "bin", "mini-rt"), help="the mini-rt binary")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    p.add_argument("--only-peers", action="store_true", help="PyTorch only (no mini-rt)")
    p.add_argument("--only-minirt", action="store_true", help="mini-rt only (PyTorch still gives the references)")
    p.add_argument("--quick", action="store_true", help="short time boxes (0.5 s) and warm-ups: a smoke test")
    p.add_argument("--max-autotune", action="store_true", help="also torch.compile mode=max-autotune (slow)")
    p.add_argument("--export-check", action="store_true",
                   help="export (and check against ONNX Runtime) every model up front, even without mini-rt")
    p.add_argument("--budget-s", type=float, default=510.0, help="stop starting configurations after this")
    p.add_argument("--time-box-s", type=float, default=None, help="timed work per configuration (default 2)")
    p.add_argument("--max-iterations", type=int, default=None, help="timed iterations at most (default 100)")
    p.add_argument("--compile-timeout-s", type=float, default=180.0)
    p.add_argument("--run-timeout-s", type=float, default=90.0)
    p.add_argument("--command", default=None, help="the command to record in the report")
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(",") if m.strip()]
    unknown = [m for m in a.models if m not in MODELS]
    if unknown:
        p.error(f"unknown model(s) {', '.join(unknown)}: choose from {', '.join(MODELS)}")
    if a.only_peers and a.only_minirt:
        p.error("--only-peers and --only-minirt exclude each other")
    a.time_box_s = a.time_box_s or (0.5 if a.quick else 2.0)
    a.max_iterations = a.max_iterations or (50 if a.quick else 100)
    a.log_dir = a.log_dir or os.path.join(os.path.dirname(os.path.abspath(a.results)), "logs")
    os.makedirs(a.log_dir, exist_ok=True)
    return a


def main(argv=None):
    args = parse_args(argv)
    bench = Bench(args)

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    status = 0
    try:
        bench.run()
    except KeyboardInterrupt as e:
        bench.results["interrupted"] = f"stopped early: {e or 'interrupted'}"
        bench.log(bench.results["interrupted"])
        status = 130
    finally:
        bench.results["finished_utc"] = utc_now()
        bench.save()
        try:
            perf_report.write_report(bench.results, args.perf_md)
            bench.log(f"wrote {args.perf_md} and {args.results}")
        except Exception:  # noqa: BLE001 - the results JSON is still there
            traceback.print_exc()
            status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
