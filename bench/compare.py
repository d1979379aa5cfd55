"""Merges Go benchmark output and the PyTorch timings (torch_bench.py) into
the comparison table of the README: milliseconds per operation and the ratio
torch / ours (above 1: ours is faster), with each target met or missed.

Usage: compare.py [--reference REFERENCE_JSONL] GO_BENCH_OUTPUT TORCH_JSONL
                  [TORCH_DEFAULT_ALLOCATOR_JSONL]

The optional third file holds PyTorch timings made with glibc's default
allocator settings (TORCH_JSONL's keep freed memory); they are listed after
the table beside the tuned ones. REFERENCE_JSONL holds timings of the paper's
published LML and DCEM code (reference_bench.py): the LML and DCEM targets
are ratios against that code, so their verdicts are in a table of their own.
"""

import json
import re
import sys

# workload label, torch name, Go benchmark (f64 name; f32 name), target on the
# float32 ratio (or None)
ROWS = [
    ("LML 64×100, k 10, fwd+bwd", "LML/64x100", "Project/64x100", "Project/64x100_f32", None),
    ("LML 1024×1000", "LML/1024x1000", "Project/1024x1000", "Project/1024x1000_f32", None),
    ("DCEM (1,2,100,10) fwd+bwd", "DCEM/B1_n2_S100_k10", "DCEM/B1_n2_S100_k10", "DCEM/B1_n2_S100_k10_f32", None),
    ("DCEM (16,10,1000,100)", "DCEM/B16_n10_S1000_k100", "DCEM/B16_n10_S1000_k100", "DCEM/B16_n10_S1000_k100_f32", None),
    ("DCEM (128,10,1000,100)", "DCEM/B128_n10_S1000_k100", "DCEM/B128_n10_S1000_k100", "DCEM/B128_n10_S1000_k100_f32", None),
    ("DCEM (128,100,1000,100)", "DCEM/B128_n100_S1000_k100", "DCEM/B128_n100_S1000_k100", "DCEM/B128_n100_S1000_k100_f32", None),
    ("DCEM (16,10,1000,100) in an arena", "DCEM/B16_n10_S1000_k100", "DCEMArena/B16_n10_S1000_k100",
     "DCEMArena/B16_n10_S1000_k100_f32", None),
    ("DCEM (128,10,1000,100) in an arena", "DCEM/B128_n10_S1000_k100", "DCEMArena/B128_n10_S1000_k100",
     "DCEMArena/B128_n10_S1000_k100_f32", None),
    ("DCEM (128,100,1000,100) in an arena", "DCEM/B128_n100_S1000_k100", "DCEMArena/B128_n100_S1000_k100",
     "DCEMArena/B128_n100_S1000_k100_f32", None),
    ("MLP 64→256→256→64, b 1000, fwd+bwd+Adam", "MLP64x256x256x64Batch1000Adam",
     "MLP64x256x256x64Batch1000Adam/f64", "MLP64x256x256x64Batch1000Adam/f32", 1.0),
    ("GRU 230→200, b 50, 50-step unroll, fwd+bwd", "GRU230x200Batch50Unroll50",
     "GRU230x200Batch50Unroll50/f64", "GRU230x200Batch50Unroll50/f32", 1.0),
    ("Energy MLP 2→128³→1 (softplus), b 1000", "EnergyMLP128Batch1000",
     "EnergyMLP128Batch1000/f64", "EnergyMLP128Batch1000/f32", 1.0),
    ("Softplus, 384k elements", "Softplus384k", "Softplus384k/f64", "Softplus384k/f32", None),
    ("Regression DCEM update (10 iters × 100 samples)", "RegressionUpdateDCEM10x100",
     "UpdateDCEM10x100/f64", "UpdateDCEM10x100/f32", 2),
    ("RSSM full-CEM decision (1000×12×10, 92 GFLOP), no grad", "RSSMPlanCEM1000x12x10",
     "PlanCEM1000x12x10/64", "PlanCEM1000x12x10/32", 1.0),
    ("RSSM CEM decision of the 100k runs (300×12×5, 13.9 GFLOP), no grad", "RSSMPlanCEM300x12x5", None,
     "PlanCEM300x12x5", 1.0),
    ("RSSM update, 50×50 chunks, fwd+bwd+Adam", "RSSMUpdate50x50", None, "Update50x50", 1.0),
    ("RSSM update, chunks over GradientWorkers (1 BLAS thread each)", "RSSMUpdate50x50", None, "Update50x50Workers", 1.0),
    ("latent DCEM decision (100×12×10, decoder 8→128²→72), no grad; 2 cores: goroutines", "LatentDecision100x12x10", None,
     "Decision/latentDCEM100x12x10/threads1", 1.0),
    ("latent DCEM decoder update, 10 start states, fwd+bwd+Adam; 2 cores: goroutines", "LatentDecoderUpdate10", None,
     "TrainStep/batch10/threads1/arena", None),
    ("PPO micro-batch through latent DCEM, 16 beliefs, fwd+bwd", "LatentPolicyMicroBatch16", None,
     "PolicyMicroBatch/threads1", None),
]

# The paper's published LML and DCEM code against ours, float32 on one thread:
# workload label, reference name (reference_bench.py), our Go benchmarks on the
# heap and in an arena (None: no arena variant), target on the ratio.
REFERENCE_ROWS = [
    ("LML 64×100, k 10, fwd+bwd", "LML/64x100", "Project/64x100_f32", None, 10),
    ("LML 1024×1000", "LML/1024x1000", "Project/1024x1000_f32", None, None),
    ("DCEM (16,10,1000,100)", "DCEM/B16_n10_S1000_k100", "DCEM/B16_n10_S1000_k100_f32",
     "DCEMArena/B16_n10_S1000_k100_f32", 3),
    ("DCEM (128,10,1000,100)", "DCEM/B128_n10_S1000_k100", "DCEM/B128_n10_S1000_k100_f32",
     "DCEMArena/B128_n10_S1000_k100_f32", 3),
    ("DCEM (128,100,1000,100)", "DCEM/B128_n100_S1000_k100", "DCEM/B128_n100_S1000_k100_f32",
     "DCEMArena/B128_n100_S1000_k100_f32", 1.5),
]

# Targets in milliseconds per operation, on one thread and on two (None: no
# target), and the Go benchmark of the two-thread column where it is not the
# float32 one run with -cpu 2.
ABSOLUTE = {
    "RSSM full-CEM decision (1000×12×10, 92 GFLOP), no grad": (900, 500),
    "RSSM CEM decision of the 100k runs (300×12×5, 13.9 GFLOP), no grad": (None, 60),
    "RSSM update, 50×50 chunks, fwd+bwd+Adam": (100, 70),
    "RSSM update, chunks over GradientWorkers (1 BLAS thread each)": (None, 70),
    "latent DCEM decision (100×12×10, decoder 8→128²→72), no grad; 2 cores: goroutines": (None, 50),
    "latent DCEM decoder update, 10 start states, fwd+bwd+Adam; 2 cores: goroutines": (None, 1200),
    # twice as fast as 0.6 s per belief per pass
    "PPO micro-batch through latent DCEM, 16 beliefs, fwd+bwd": (None, 16 * 300),
}
TWO_THREADS = {
    "latent DCEM decision (100×12×10, decoder 8→128²→72), no grad; 2 cores: goroutines": "Decision/latentDCEM100x12x10/workers",
    "latent DCEM decoder update, 10 start states, fwd+bwd+Adam; 2 cores: goroutines": "TrainStep/batch10/threads1/workers",
    "PPO micro-batch through latent DCEM, 16 beliefs, fwd+bwd": "PolicyMicroBatch/threads2",
}

LINE = re.compile(r"^Benchmark(\S+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op")


def read_go(path):
    """Returns {(name, threads): ms}."""
    res = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                name, cpu, ns = m.group(1), int(m.group(2) or 1), float(m.group(3))
                res[(name, cpu)] = ns / 1e6
    return res


def read_torch(path):
    res = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                res[(r["name"], r["dtype"])] = r["ms"]
    return res


def fmt(v):
    if v is None:
        return "—"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def ratio_verdict(target, r, why_missing=""):
    """Met or missed for a ratio target ("" without a target)."""
    if target is None:
        return ""
    if r is None:
        return f"≥ {target}×: not measured{why_missing}"
    return f"≥ {target}×: {'met' if r >= target else 'missed'}"


def reference_table(go, ref):
    """Prints the published code's timings against ours, with the targets."""
    print()
    print("The paper's published LML and DCEM code (PyTorch, float32, one thread, memory kept) against ours:")
    print()
    print("| workload | published code ms | ours f32 ms | ours in an arena ms | ratio | ratio, arena | target |")
    print("|---|---|---|---|---|---|---|")
    for label, rname, heap, arena, target in REFERENCE_ROWS:
        r = ref.get((rname, "f32")) if ref else None
        oh, oa = go.get((heap, 1)), go.get((arena, 1)) if arena else None
        rh = r / oh if r and oh else None
        ra = r / oa if r and oa else None
        best = max((x for x in (rh, ra) if x is not None), default=None)
        verdict = ratio_verdict(target, best, "" if r else " (REFERENCE=…)")
        print(f"| {label} | {fmt(r)} | {fmt(oh)} | {fmt(oa)} | {ratio(rh)} | {ratio(ra)} | {verdict} |")


def main():
    args = sys.argv[1:]
    ref = None
    if args[:1] == ["--reference"]:
        ref = read_torch(args[1])
        args = args[2:]
    sys.argv = [sys.argv[0]] + args
    go, torch = read_go(sys.argv[1]), read_torch(sys.argv[2])
    print("| workload | torch f32 ms | torch f64 ms | ours f32 ms | ours f64 ms | ours f32, 2 threads ms "
          "| f32 ratio | f64 ratio | target (f32) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, tname, g64, g32, target in ROWS:
        t32, t64 = torch.get((tname, "f32")), torch.get((tname, "f64"))
        o32, o64, o32x2 = go.get((g32, 1)), go.get((g64, 1)), go.get((g32, 2))
        if label in TWO_THREADS:
            o32x2 = go.get((TWO_THREADS[label], 2))
        r32 = t32 / o32 if t32 and o32 else None
        r64 = t64 / o64 if t64 and o64 else None
        verdict = ratio_verdict(target, r32)
        for limit, got, where in zip(ABSOLUTE.get(label, (None, None)), (o32, o32x2), ("1 thread", "2 threads")):
            if limit is not None:
                state = "not measured" if got is None else ("met" if got <= limit else "missed")
                verdict += ("; " if verdict else "") + f"≤ {limit} ms on {where}: {state}"
        print(f"| {label} | {fmt(t32)} | {fmt(t64)} | {fmt(o32)} | {fmt(o64)} | {fmt(o32x2)} "
              f"| {ratio(r32)} | {ratio(r64)} | {verdict} |")
    reference_table(go, ref)
    if len(sys.argv) > 3:
        default = read_torch(sys.argv[3])
        print()
        print("PyTorch with glibc's default allocator settings against the table's (memory kept):")
        print()
        print("| workload | dtype | default ms | memory kept ms | ratio |")
        print("|---|---|---|---|---|")
        for (name, dt), ms in sorted(default.items()):
            kept = torch.get((name, dt))
            r = f"{ms / kept:.2f}×" if kept else "—"
            print(f"| {name} | {dt} | {fmt(ms)} | {fmt(kept)} | {r} |")


if __name__ == "__main__":
    main()
