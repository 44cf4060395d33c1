#!/usr/bin/env python3
"""Writes docs/PERF.md from a results JSON of bench/run_benchmarks.py.

  python3 bench/perf_report.py RESULTS.json [-o docs/PERF.md]

Every number in the report comes from the results JSON of one run: a configuration that failed,
was skipped or did not run is written as such, with its reason, never with a number. Standard
library only (runs anywhere, no PyTorch needed).
"""
import argparse
import json
import os
import sys

ENGINE_LABEL = {
    "mini-rt": "mini-rt (CUDA graph)",
    "torch-compile": "torch.compile reduce-overhead",
    "torch-compile-max-autotune": "torch.compile max-autotune",
    "torch-eager": "PyTorch eager",
}
ENGINE_ORDER = ("mini-rt", "torch-compile", "torch-compile-max-autotune", "torch-eager")
PRECISION_ORDER = ("fp16", "tf32", "fp32")
FAMILY_LABEL = {"hand-written": "hand-written", "cudnn": "cuDNN", "cublas": "cuBLAS", "cpu-fallback": "CPU fallback"}
MODEL_ORDER = ("resnet50", "mobilenet_v2", "yolov8n", "ppocr_det")
MODEL_TITLE = {"resnet50": "ResNet-50", "mobilenet_v2": "MobileNetV2", "yolov8n": "YOLOv8n",
               "ppocr_det": "PP-OCRv4 det"}
HAND_WRITTEN_AIM = 0.30
COLD_COMPILE_LIMIT_S, WARM_COMPILE_LIMIT_S = 60.0, 10.0
DASH = "—"


# -- formatting ---------------------------------------------------------------------------------
def ms(v):
    if v is None:
        return DASH
    return f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}"


def rate(v):
    return DASH if v is None else f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def mib(b):
    return DASH if b is None else f"{b / 2**20:,.0f}"


def pct(x):
    return f"{100 * x:.1f}%"


def secs(v):
    return DASH if v is None else f"{v:.1f} s"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def cudnn_version(v):
    if isinstance(v, int):
        return f"{v // 10000}.{(v % 10000) // 100}.{v % 100}" if v >= 90000 else f"{v // 1000}.{(v % 1000) // 100}.{v % 100}"
    return str(v) if v else None


def title(model, results):
    return (results.get("models", {}).get(model, {}).get("title")) or MODEL_TITLE.get(model, model)


# -- lookups ------------------------------------------------------------------------------------
def find(results, model, batch, engine, precision):
    for r in results.get("results", []):
        if (r.get("model"), r.get("batch"), r.get("engine"), r.get("precision")) == (model, batch, engine, precision):
            return r
    return None


def ok(rec):
    return rec is not None and rec.get("status") == "ok" and rec.get("median_ms") is not None


def why_not(rec, what):
    if rec is None:
        return f"{what}: not run"
    if rec.get("status") == "unavailable":
        return f"{what}: not available"
    if rec.get("status") == "ok":
        return f"{what}: no timing"
    return f"{what}: {rec.get('status')} ({rec.get('reason', 'no reason recorded')})"


def best_peer(results, model, batch, precision):
    peers = [r for r in results.get("results", []) if r.get("model") == model and r.get("batch") == batch
             and r.get("precision") == precision and str(r.get("engine", "")).startswith("torch") and ok(r)]
    return min(peers, key=lambda r: r["median_ms"]) if peers else None


def family_entry(v):
    """(layers, time_ms, percent) from {layers, time_ms, percent} or a bare layer count."""
    if isinstance(v, dict):
        return v.get("layers"), v.get("time_ms"), v.get("percent")
    if isinstance(v, (int, float)):
        return v, None, None
    return None, None, None


def families_of(rec):
    """The run's families (with times) if it has them, else the compile report's layer counts."""
    fam = rec.get("families")
    if isinstance(fam, dict) and fam:
        return fam, "profile"
    fam = (rec.get("compile") or {}).get("families")
    if isinstance(fam, dict) and fam:
        return fam, "compile report"
    return None, None


def layer_counts(fam):
    counts = {k: family_entry(v)[0] for k, v in fam.items()}
    return {k: int(v) for k, v in counts.items() if v is not None}


# -- targets ------------------------------------------------------------------------------------
def status_word(met):
    return "**met**" if met else "**missed**"


def target_rows(results):
    rows = []
    mr = find(results, "resnet50", 32, "mini-rt", "fp16")
    tc = find(results, "resnet50", 32, "torch-compile", "fp16")
    goal = "ResNet-50 b32 FP16: mini-rt throughput ≥ torch.compile reduce-overhead"
    if ok(mr) and ok(tc):
        rows.append((goal, f"{rate(mr['throughput'])} samples/s{host_note(mr)}", f"{rate(tc['throughput'])} samples/s",
                     status_word(mr["throughput"] >= tc["throughput"])))
    else:
        rows.append((goal, rate(mr["throughput"]) + " samples/s" if ok(mr) else DASH,
                     rate(tc["throughput"]) + " samples/s" if ok(tc) else DASH,
                     "not measured: " + "; ".join(why_not(r, w) for r, w in ((mr, "mini-rt"), (tc, "torch.compile"))
                                                  if not ok(r))))
    mr = find(results, "yolov8n", 1, "mini-rt", "fp16")
    tc = find(results, "yolov8n", 1, "torch-compile", "fp16")
    goal = "YOLOv8n b1 FP16: mini-rt median latency ≤ torch.compile reduce-overhead"
    if ok(mr) and ok(tc):
        rows.append((goal, f"{ms(mr['median_ms'])} ms{host_note(mr)}", f"{ms(tc['median_ms'])} ms",
                     status_word(mr["median_ms"] <= tc["median_ms"])))
    else:
        rows.append((goal, ms(mr["median_ms"]) + " ms" if ok(mr) else DASH,
                     ms(tc["median_ms"]) + " ms" if ok(tc) else DASH,
                     "not measured: " + "; ".join(why_not(r, w) for r, w in ((mr, "mini-rt"), (tc, "torch.compile"))
                                                  if not ok(r))))
    rows.append(hand_written_row(results))
    for kind, limit in (("cold", COLD_COMPILE_LIMIT_S), ("warm", WARM_COMPILE_LIMIT_S)):
        goal = (f"{kind} compile of ResNet-50 b32 FP16 ({'fresh' if kind == 'cold' else 'the same'} timing cache)"
                f" ≤ {limit:.0f} s")
        c = results.get("compile", {}).get(kind)
        t = compile_seconds(c)
        if t is None:
            reason = (c or {}).get("error") or ("not run" if c is None else "no time recorded")
            rows.append((goal, DASH, DASH, f"not measured: {reason}"))
        else:
            rows.append((goal, secs(t), DASH, status_word(t <= limit)))
    return rows


def host_note(rec):
    return " (host latency incl. H2D/D2H: no gpu_compute_ms)" if rec.get("timing_source") == "latency_ms" else ""


def compile_seconds(c):
    if not c or c.get("error"):
        return None
    return c.get("build_seconds") if c.get("build_seconds") is not None else c.get("wall_s")


def hand_written_row(results):
    goal = (f"hand-written share of mini-rt layers, FP16 plans (smallest batch), four models "
            f"≥ {HAND_WRITTEN_AIM:.0%}")
    hand = total = 0
    have, lacking = [], []
    for m in MODEL_ORDER:
        counts = {}
        recs = [r for r in results.get("results", []) if r.get("model") == m and r.get("engine") == "mini-rt"
                and r.get("precision") == "fp16" and r.get("status") == "ok"]
        for rec in sorted(recs, key=lambda r: r.get("batch") or 0):
            fam = families_of(rec)[0]
            counts = layer_counts(fam) if fam else {}
            if counts and sum(counts.values()) > 0:
                break
        if not counts or sum(counts.values()) == 0:
            lacking.append(MODEL_TITLE[m])
            continue
        have.append(MODEL_TITLE[m])
        hand += counts.get("hand-written", 0)
        total += sum(counts.values())
    if not have:
        return goal, DASH, DASH, "not measured: no mini-rt FP16 plan reported its tactic families"
    share = hand / total
    value = f"{pct(share)} ({hand} of {total} layers)"
    if lacking:
        return goal, value, DASH, (f"incomplete: {len(have)} of 4 models (no data: {', '.join(lacking)}); "
                                   f"{'at or above' if share >= HAND_WRITTEN_AIM else 'below'} the aim so far")
    return goal, value, DASH, status_word(share >= HAND_WRITTEN_AIM)


# -- per model ----------------------------------------------------------------------------------
def accuracy_cell(rec):
    a = rec.get("accuracy")
    if not a:
        return DASH
    text = f"{a.get('rel_err', float('nan')):.1e} / {a.get('cosine', float('nan')):.6f}"
    if a.get("missing"):
        text += f" (missing {', '.join(a['missing'])})"
    return text if a.get("ok") else f"**{text} FLAGGED**"


def notes_cell(rec):
    notes = []
    if rec.get("compile_s") is not None:
        notes.append(f"compiled in {rec['compile_s']:.0f} s")
    c = rec.get("compile") or {}
    t = compile_seconds(c)
    if t is not None:
        notes.append(f"build {t:.1f} s")
    host = rec.get("host_latency_ms") or {}
    if host.get("median") is not None:
        notes.append(f"host latency {ms(host['median'])} ms incl. H2D {ms(rec.get('h2d_ms'))} / "
                     f"D2H {ms(rec.get('d2h_ms'))} ms")
    notes += rec.get("notes", [])
    return "; ".join(notes)


def model_section(results, model):
    lines = []
    info = results.get("models", {}).get(model, {})
    chw = "x".join(str(d) for d in info.get("chw", [])) or "?"
    lines.append(f"## {title(model, results)}")
    lines.append("")
    if info:
        src = info.get("source") or (f"not prepared ({info['error']})" if info.get("error") else None)
        check = info.get("export_check") or {}
        if check.get("rel_err") is not None:
            src = (src or "?") + (f"; ONNX Runtime vs PyTorch FP32 at batch 1: max rel error {check['rel_err']:.1e}, "
                                  f"cosine {check['cosine']:.6f}" + ("" if check.get("ok") else " **FLAGGED**"))
        lines.append(f"Input `{info.get('input', '?')}` Bx{chw}" + (f"; model: {src}." if src else "."))
        lines.append("")
    batches = sorted({r["batch"] for r in results.get("results", []) if r.get("model") == model})
    for b in batches:
        recs = [r for r in results["results"] if r.get("model") == model and r.get("batch") == b]
        recs.sort(key=lambda r: (PRECISION_ORDER.index(r["precision"]) if r.get("precision") in PRECISION_ORDER else 9,
                                 ENGINE_ORDER.index(r["engine"]) if r.get("engine") in ENGINE_ORDER else 9))
        lines.append(f"### {title(model, results)}, batch {b}")
        lines.append("")
        lines.append("| engine | precision | median ms | p90 ms | samples/s | vs best PyTorch | memory MiB "
                     "| error vs FP32 ref (max rel / cosine) | notes |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for r in recs:
            engine = ENGINE_LABEL.get(r.get("engine"), r.get("engine"))
            prec = str(r.get("precision", "?")).upper()
            if not ok(r):
                reason = f"{r.get('status', '?')}: {r.get('reason', '')}"
                if r.get("status") == "unavailable":
                    reason = "not available (see the header)"
                lines.append(f"| {engine} | {prec} | {DASH} | {DASH} | {DASH} | {DASH} | {DASH} | {DASH} | "
                             f"{cell(reason)} |")
                continue
            peer = best_peer(results, model, b, r["precision"])
            ratio = f"{peer['median_ms'] / r['median_ms']:.2f}×" if peer else "no peer"
            lines.append(f"| {engine} | {prec} | {ms(r['median_ms'])} | {ms(r.get('p90_ms'))} | "
                         f"{rate(r.get('throughput'))} | {ratio} | {mib(r.get('memory_bytes'))} | "
                         f"{cell(accuracy_cell(r))} | {cell(notes_cell(r))} |")
        lines.append("")
        lines += family_table(recs)
    return lines


def family_table(recs):
    rows = []
    names = []
    for r in recs:
        if r.get("engine") != "mini-rt" or r.get("status") != "ok":
            continue
        fam, source = families_of(r)
        if not fam:
            continue
        for k in fam:
            if k not in names:
                names.append(k)
        rows.append((r, fam, source))
    if not rows:
        return []
    names.sort(key=lambda k: list(FAMILY_LABEL).index(k) if k in FAMILY_LABEL else 99)
    out = ["mini-rt tactic families (layers, share of layers, share of profiled time):", "",
           "| precision | layers | " + " | ".join(FAMILY_LABEL.get(k, k) for k in names) + " | from |",
           "| --- | ---: | " + " | ".join("---" for _ in names) + " | --- |"]
    for r, fam, source in rows:
        counts = layer_counts(fam)
        total = sum(counts.values())
        cells = []
        for k in names:
            n, _, p = family_entry(fam.get(k, 0))
            if n is None:
                cells.append(DASH)
                continue
            text = f"{int(n)} ({pct(n / total) if total else DASH})"
            if p is not None:
                text += f", {p:.1f}% of time"
            cells.append(text)
        out.append(f"| {str(r['precision']).upper()} | {total} | " + " | ".join(cells) + f" | {source} |")
    out.append("")
    return out


def slowest_layers(results):
    out = []
    for m, b in (("resnet50", 32), ("yolov8n", 1)):
        rec = find(results, m, b, "mini-rt", "fp16")
        if not rec or not rec.get("slowest_layers"):
            continue
        out += [f"{title(m, results)} b{b} FP16, slowest layers (--profile, no CUDA graph):", "",
                "| layer | op | tactic | family | median ms | share |", "| --- | --- | --- | --- | ---: | ---: |"]
        for layer in rec["slowest_layers"][:5]:
            share = layer.get("percent")
            out.append(f"| {cell(layer.get('name'))} | {cell(layer.get('op'))} | {cell(layer.get('tactic'))} | "
                       f"{cell(layer.get('family'))} | {ms(layer.get('median_ms'))} | "
                       f"{DASH if share is None else f'{share:.1f}%'} |")
        out.append("")
    return out


# -- the document -------------------------------------------------------------------------------
def header(results):
    env = results.get("env", {})
    device = env.get("gpu") or env.get("device") or "unknown device"
    parts = []
    if env.get("driver"):
        parts.append(f"driver {env['driver']}")
    if env.get("cuda_driver_api"):
        parts.append(f"CUDA {env['cuda_driver_api']} (driver API)")
    if env.get("torch"):
        parts.append(f"PyTorch {env['torch']} (CUDA {env.get('cuda_runtime', '?')}, "
                     f"cuDNN {cudnn_version(env.get('cudnn')) or '?'})")
    elif env.get("torch_error"):
        parts.append(f"PyTorch not available ({env['torch_error']})")
    for k, label in (("torchvision", "torchvision"), ("onnxruntime", "ONNX Runtime"), ("python", "Python")):
        if env.get(k):
            parts.append(f"{label} {env[k]}")
    m = results.get("minirt", {})
    if m.get("available"):
        minirt = f"`{m.get('binary')}`" + (f" ({m['version']})" if m.get("version") else "")
        if m.get("reason") and m["reason"] != "ok":
            minirt += f" ({m['reason']})"
    else:
        minirt = f"not available ({m.get('reason', 'not run')})"
    done = results.get("results", [])
    counts = {}
    for r in done:
        counts[r.get("status")] = counts.get(r.get("status"), 0) + 1
    state = "complete" if results.get("complete") else "**partial**"
    if results.get("interrupted"):
        state += f" ({results['interrupted']})"
    if results.get("skipped_for_budget"):
        state += f" ({results['skipped_for_budget']} configurations skipped at the time budget)"
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    s = results.get("settings", {})
    lines = [
        "# Performance records", "",
        "Every speed claim of mini-rt is measured on the GPU with CUDA events (warm-up, median of many runs) "
        "and recorded here with the date, device, command and numbers, next to the peers measured in the same run. "
        "This file is generated by `bench/perf_report.py` from the results JSON of one `bench/run_benchmarks.py` run; "
        "a configuration that did not produce a number says why instead.", "",
        f"- **Run**: {results.get('started_utc', '?')} to {results.get('finished_utc') or '?'} "
        f"({secs(results.get('elapsed_s'))}); {state}; configurations: {tally or 'none'}",
        f"- **Device**: {device}" + (f" ({env['gpu_memory']})" if env.get("gpu_memory") else "")
        + (f", {env['sm']}" if env.get("sm") else ""),
        f"- **Software**: {', '.join(parts) or 'unknown'}",
        f"- **mini-rt**: {minirt}",
        f"- **Command**: `{results.get('command', '?')}`",
        f"- **Settings**: time box {s.get('time_box_s', '?')} s of timed work per configuration, at most "
        f"{s.get('max_iterations', '?')} timed iterations (at least {s.get('min_iterations', '?')}), warm-up at least "
        f"{s.get('warmup_iterations', '?')} iterations; time budget {results.get('budget_s', '?')} s"
        + ("; **quick mode**" if s.get("quick") else ""), "",
    ]
    return lines


def method_section():
    return [
        "## How the numbers are taken", "",
        "- **Latency** is GPU compute time per inference (one batch): for PyTorch, CUDA events on the current stream "
        "around each call, synchronized after each; for mini-rt, `gpu_compute_ms` of `mini-rt run --json` (events "
        "around the enqueue; CUDA graph replay). No host-device copies in either; mini-rt's host latency with H2D "
        "and D2H is in the notes. Median and p90 over the timed iterations, after a warm-up.",
        "- **samples/s** = batch / median latency. **vs best PyTorch** = the fastest PyTorch configuration "
        "(eager or torch.compile) at the same precision, its median divided by this row's median: above 1.00× "
        "this row is faster.",
        "- **Precisions**: FP32 = TF32 off everywhere (mini-rt `--no-tf32`); TF32 = TF32 allowed (mini-rt default); "
        "FP16 = mini-rt `--fp16`, PyTorch `model.half()` in channels_last. cudnn.benchmark is on for PyTorch; "
        "torch.compile runs with `dynamic=False` and Inductor's defaults (no freezing).",
        "- **Memory**: PyTorch `torch.cuda.max_memory_reserved()` over the timed iterations, weights included, "
        "after `empty_cache()` and `reset_peak_memory_stats()` at the end of the warm-up (so cudnn.benchmark's "
        "trial workspaces do not count); reserved rather than allocated because CUDA graph trees keep "
        "torch.compile's activations in private pools that `max_memory_allocated()` does not count (the results "
        "JSON keeps it as `allocated_bytes`). mini-rt: `device_memory_bytes.total` (weights + activation arena + "
        "workspace).",
        "- **Error** is against PyTorch FP32 eager (TF32 off) on the same seeded random input (ONNX Runtime CPU for "
        "PP-OCR, which has no PyTorch model): max |out − ref| / max |ref| and cosine similarity, the worst over the "
        "outputs. Flagged beyond FP32 1e-3 / 0.99999, TF32 3e-2 / 0.9995, FP16 5e-2 / 0.999 (random weights: "
        "a flag asks for a look, it does not fail the run).",
        "- **Batches**: 1 and 32 for the classifiers, 1 and 16 for YOLOv8n, 1 and 8 for the PP-OCR detector "
        "(640x640; it runs at batch 1 and 8 only). Models have seeded random weights "
        "(`scripts/export_torch_models.py`).", "",
    ]


def reproduce_section(results):
    return [
        "## How to reproduce", "",
        "On a machine with an NVIDIA GPU, the CUDA toolkit, cuDNN, and Python with PyTorch, torchvision, onnx and "
        "onnxruntime:", "",
        "```sh",
        "scripts/setup.sh                 # builds build/bin/mini-rt",
        "scripts/fetch_models.sh          # models/ppocr/ch_PP-OCRv4_det_infer.onnx",
        "bench/run_on_gpu.sh              # < 9 minutes on an H100; results in $OUT (or /tmp/bench-out), this file",
        "python3 bench/perf_report.py /tmp/bench-out/results.json -o docs/PERF.md   # re-render from a results JSON",
        "```", "",
        f"This run: `{results.get('command', '?')}`. Options: `bench/run_benchmarks.py --help` and bench/README.md.",
        "",
    ]


ANALYSIS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")


def analysis_section():
    """bench/analysis.md: the findings written by hand after a run (why a target was missed, what a
    flag means). It names the run it was written for; a later run keeps it until it is rewritten."""
    if not os.path.exists(ANALYSIS):
        return []
    with open(ANALYSIS) as f:
        return [f.read().rstrip(), ""]


def render(results):
    lines = header(results)
    lines += ["## Targets", "", "| target | mini-rt | torch.compile | status |", "| --- | --- | --- | --- |"]
    for goal, mine, peer, status in target_rows(results):
        lines.append(f"| {cell(goal)} | {cell(mine)} | {cell(peer)} | {cell(status)} |")
    lines.append("")
    for kind in ("cold", "warm"):
        c = results.get("compile", {}).get(kind)
        if c and not c.get("error"):
            tc = c.get("timing_cache") or {}
            hits = f", timing cache {tc.get('hits', '?')} hits / {tc.get('misses', '?')} misses" if tc else ""
            lines.append(f"- {kind} compile: build_seconds {secs(c.get('build_seconds'))}, "
                         f"wall {secs(c.get('wall_s'))}{hits}")
    if any(results.get("compile", {}).get(k) for k in ("cold", "warm")):
        lines.append("")
    lines += analysis_section()
    lines += slowest_layers(results)
    models = [m for m in MODEL_ORDER if any(r.get("model") == m for r in results.get("results", []))]
    models += sorted({r.get("model") for r in results.get("results", [])} - set(models) - {None})
    for m in models:
        lines += model_section(results, m)
    flagged = [r for r in results.get("results", []) if (r.get("accuracy") or {}).get("ok") is False]
    lines += ["## Correctness flags", ""]
    if flagged:
        for r in flagged:
            a = r["accuracy"]
            lines.append(f"- {title(r['model'], results)} b{r['batch']} {ENGINE_LABEL.get(r['engine'], r['engine'])} "
                         f"{r['precision'].upper()}: max rel error {a.get('rel_err'):.2e}, cosine "
                         f"{a.get('cosine'):.6f} (tolerance {a.get('tolerance')})")
    else:
        checked = sum(1 for r in results.get("results", []) if r.get("accuracy"))
        lines.append(f"None: all {checked} checked configurations are within tolerance." if checked
                     else "No configuration was checked in this run.")
    lines.append("")
    lines += method_section()
    lines += reproduce_section(results)
    return "\n".join(lines)


def write_report(results, path):
    text = render(results)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return text


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results")
    p.add_argument("-o", "--output", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                          "docs", "PERF.md"))
    a = p.parse_args(argv)
    with open(a.results) as f:
        results = json.load(f)
    write_report(results, a.output)
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
