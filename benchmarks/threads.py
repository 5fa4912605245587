"""Thread policy: one fit alone against two at once, and 1 thread against 2.

Every fit is a fresh process (a fast-preset translating fit, mode="translate",
on EmoDB IS09 with TESS as
the source, ``--epochs`` pre-training and joint epochs), so no process
inherits another's thread settings.  Configurations are interleaved within
each round so that the machine's other load falls on all of them alike; the
medians and their ratios come from one run::

    python -m benchmarks.threads [--rounds 3] [--epochs 50]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks._paper_data import load_emodb, load_tess
from benchmarks._paths import ROOT

# name: (n_threads, fits started at once)
CONFIGS = {
    "auto alone": ("auto", 1),
    "auto, two at once": ("auto", 2),
    "2 threads alone": (2, 1),
    "2 threads, two at once": (2, 2),
}


def child(n_threads, epochs):
    """Time one translating fit with ``n_threads``; print its seconds as JSON."""
    from sklearn_cyclegan import CycleGANOversampler

    X, y, _ = load_emodb("is09")
    tess, _, _ = load_tess()
    sampler = CycleGANOversampler(
        source=tess[X.columns].to_numpy(float),
        # The threads train the CycleGANs: the mode that trains them.
        mode="translate",
        n_threads=n_threads,
        pretrain_epochs=epochs,
        max_epochs=epochs,
        device="cpu",
        random_state=0,
    )
    start = time.perf_counter()
    X_res, _ = sampler.fit_resample(X.to_numpy(float), y)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "sum": float(X_res.sum())}))


def spawn(n_threads, n_fits, epochs):
    """Start ``n_fits`` fits at once; their seconds and result checksums."""
    command = [sys.executable, "-m", "benchmarks.threads", "--child", str(n_threads)]
    procs = [
        subprocess.Popen(
            [*command, "--epochs", str(epochs)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(n_fits)
    ]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    return [o["seconds"] for o in outs], [o["sum"] for o in outs]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        n = args.child
        child(n if n == "auto" else int(n), args.epochs)
        return
    times = {name: [] for name in CONFIGS}
    sums = {name: set() for name in CONFIGS}
    loads = []
    for _ in range(args.rounds):
        for name, (n_threads, n_fits) in CONFIGS.items():
            loads.append(Path("/proc/loadavg").read_text().split()[0])
            seconds, checksums = spawn(n_threads, n_fits, args.epochs)
            times[name] += seconds
            sums[name].update(checksums)
    median = {name: float(np.median(v)) for name, v in times.items()}
    print("| configuration | median seconds per fit | distinct results |")
    print("|---|---|---|")
    for name in CONFIGS:
        print(f"| {name} | {median[name]:.2f} | {len(sums[name])} |")
    ratio = {
        "auto two at once / alone": median["auto, two at once"] / median["auto alone"],
        "2 threads two at once / alone": (
            median["2 threads, two at once"] / median["2 threads alone"]
        ),
        "1 thread (auto) / 2 threads, alone": (
            median["auto alone"] / median["2 threads alone"]
        ),
    }
    print("\n" + "; ".join(f"{k}: {v:.2f}x" for k, v in ratio.items()))
    print("1-minute load before each configuration:", " ".join(loads))


if __name__ == "__main__":
    main()
