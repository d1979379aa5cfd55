"""Times the published reference LML and DCEM code (the paper's own PyTorch
implementation) on the LML and DCEM workloads of torch_bench.py, float32 on
one CPU thread, for `make bench-compare REFERENCE=...`.

The reference code is not part of this project: point the script at a
checkout of each repository (github.com/locuslab/lml, which holds lml.py,
and github.com/facebookresearch/dcem, which holds dcem/dcem.py). Its DCEM
stops early once the mean moves less than iter_eps; the timings here pass
iter_eps = 0 so that it runs all 10 iterations, as ours and torch_bench.py do.

Usage: reference_bench.py [--quick] LML_CHECKOUT DCEM_CHECKOUT
Prints one JSON object per line: {"name": ..., "dtype": "f32", "ms": median}.
"""

import json
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bench import timeit  # noqa: E402  (one thread, median of the repetitions)

torch.set_num_threads(1)


class _Version:
    """Enough of semantic_version.Version for lml.py's one comparison of
    torch versions, when that package is not installed."""

    def __init__(self, s):
        self.parts = tuple(int(p) for p in s.split("+")[0].split(".")[:3] if p.isdigit())

    def __lt__(self, other):
        return self.parts < other.parts


def load_reference(lml_dir, dcem_dir):
    try:
        import semantic_version  # noqa: F401
    except ImportError:
        sys.modules["semantic_version"] = types.SimpleNamespace(Version=_Version)
    for d, f in ((lml_dir, "lml.py"), (dcem_dir, os.path.join("dcem", "dcem.py"))):
        if not os.path.isfile(os.path.join(d, f)):
            sys.exit(f"reference_bench.py: {d} has no {f}: want a checkout of "
                     + ("locuslab/lml" if f == "lml.py" else "facebookresearch/dcem"))
    sys.path.insert(0, lml_dir)
    sys.path.insert(0, os.path.join(dcem_dir, "dcem"))
    from lml import LML
    from dcem import dcem
    return LML, dcem


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    if len(args) != 2:
        sys.exit(__doc__)
    LML, dcem = load_reference(*args)

    def lml_run(rows, cols):
        gen = torch.Generator().manual_seed(1)
        x = torch.randn(rows, cols, generator=gen)
        g = torch.randn(rows, cols, generator=gen)

        def run():
            xv = x.clone().requires_grad_()
            LML(N=10, eps=1e-3)(xv).backward(g)
        return run

    def dcem_run(b, n, s, k):
        c = torch.randn(b, 1, n, generator=torch.Generator().manual_seed(1), requires_grad=True)
        torch.manual_seed(1)

        def run():
            f = lambda x: 0.5 * ((x - c) ** 2).sum(-1)
            mu = dcem(f, n, n_batch=b, n_sample=s, n_elite=k, n_iter=10, temp=1.0, iter_eps=0)
            mu.sum().backward()
        return run

    work = [
        ("LML/64x100", lml_run(64, 100), 200),
        ("LML/1024x1000", lml_run(1024, 1000), 10),
        ("DCEM/B16_n10_S1000_k100", dcem_run(16, 10, 1000, 100), 10),
        ("DCEM/B128_n10_S1000_k100", dcem_run(128, 10, 1000, 100), 5),
        ("DCEM/B128_n100_S1000_k100", dcem_run(128, 100, 1000, 100), 3),
    ]
    for name, fn, reps in work:
        ms = timeit(fn, max(1, reps // 5) if quick else reps, warm=1 if quick else 2)
        print(json.dumps({"name": name, "dtype": "f32", "ms": round(ms, 4)}), flush=True)


if __name__ == "__main__":
    main()
