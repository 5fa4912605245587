"""Measurements of the speed benchmark that need fresh processes.

Sections 5, 7 and 9 of ``python -m benchmarks.speed``: peak memory of a fit
with a memory-mapped source, fits competing for the cores, and
leave-one-speaker-out cross-validation.  Each child is
``python -m benchmarks.speed --<name>-child ...`` started in the repository
root; it prints one JSON line that the parent reads.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sklearn_cyclegan import CycleGANOversampler

from ._flops import PAPER
from ._paper_data import load_emodb, load_tess
from ._paths import ROOT
from ._timing import user_env

SPEED = [sys.executable, "-m", "benchmarks.speed"]


def _rss():
    """Current and peak resident set size of this process, in bytes."""
    status = Path("/proc/self/status").read_text().split("\n")
    fields = {line.split(":")[0]: line.split(":")[1] for line in status if ":" in line}
    if "VmRSS" in fields:
        return (
            int(fields["VmRSS"].split()[0]) * 1024,
            int(fields["VmHWM"].split()[0]) * 1024,
        )
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return peak, peak


def memmap_child(path, epochs):
    """Run in a fresh process: fit with the memmap at ``path`` as source, print RSS.

    ``path="in-memory"`` runs the same fit with a 1,000-row in-memory source:
    the control that shows what the fit costs whatever the source.
    """
    baseline, _ = _rss()
    X, y, _ = load_emodb("is10")
    X = X.to_numpy(np.float32)
    if path == "in-memory":
        source = np.random.default_rng(0).random((1000, X.shape[1]), dtype=np.float32)
    else:
        source = np.load(path, mmap_mode="r")
    before_fit, _ = _rss()
    start = time.perf_counter()
    sampler = CycleGANOversampler(
        mode="translate",
        source=source,
        pretrain_epochs=epochs,
        max_epochs=epochs,
        device="cpu",
        random_state=0,
    )
    X_res, _ = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    _, peak = _rss()
    print(
        json.dumps(
            {
                "baseline": baseline,
                "before_fit": before_fit,
                "peak": peak,
                "fit_seconds": seconds,
                "rows_out": len(X_res),
                "n_features": X.shape[1],
            }
        )
    )


def memmap_fit(n_rows, epochs):
    """Section 5: RSS of a fit with an ``n_rows`` memmap source, and the control."""
    n_features = PAPER["n_features"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "source.npy")
        array = np.lib.format.open_memmap(
            path, mode="w+", dtype=np.float32, shape=(n_rows, n_features)
        )
        rng = np.random.default_rng(0)
        for start in range(0, n_rows, 8192):
            stop = min(start + 8192, n_rows)
            array[start:stop] = rng.random((stop - start, n_features), dtype=np.float32)
        array.flush()
        size = array.nbytes
        del array
        results = {
            kind: _child_fit(source, epochs)
            for kind, source in (("memmap", path), ("in-memory", "in-memory"))
        }
    for result in results.values():
        result["memmap_bytes"] = size
        result["n_rows"] = n_rows
    return results


def _child_fit(source, epochs):
    out = subprocess.run(
        [*SPEED, "--memmap-child", source, "--epochs", str(epochs)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def contention_child(policy, epochs):
    """Time one default-preset fit on EmoDB IS09 with ``n_threads=policy``."""
    X, y, _ = load_emodb("is09")
    n_threads = None if policy == "torch" else "auto"
    sampler = CycleGANOversampler(
        n_threads=n_threads,
        pretrain_epochs=epochs,
        max_epochs=epochs,
        device="cpu",
        random_state=0,
    )
    start = time.perf_counter()
    sampler.fit_resample(X, y)
    print(json.dumps({"seconds": time.perf_counter() - start}))


def _spawn_fits(policy, n_fits, epochs):
    """Start ``n_fits`` fits in fresh processes at once; their wall seconds."""
    command = [*SPEED, "--contention-child", policy]
    children = [
        subprocess.Popen(
            [*command, "--epochs", str(epochs)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            env=user_env(),
        )
        for _ in range(n_fits)
    ]
    outs = [child.communicate()[0] for child in children]
    return [json.loads(out.strip().splitlines()[-1])["seconds"] for out in outs]


def contention(rounds, epochs):
    """Median seconds of one fit alone and of each of two at once, per policy.

    Policies and fit counts are interleaved within each round so that changes
    in the machine's other load fall on all of them alike.
    """
    times = {(p, n): [] for p in ("torch", "auto") for n in (1, 2)}
    loads = []
    for _ in range(rounds):
        for policy, n_fits in times:
            loads.append(Path("/proc/loadavg").read_text().split()[0])
            times[policy, n_fits].extend(_spawn_fits(policy, n_fits, epochs))
    return {key: float(np.median(v)) for key, v in times.items()}, loads


def loso_child(config, epochs):
    """Time a 10-fold LOSO ``cross_val_score`` of the sampler in a pipeline."""
    import warnings

    from imblearn.pipeline import make_pipeline
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import LeaveOneGroupOut, cross_val_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    policy, n_jobs = config.split(",")
    X, y, speakers = load_emodb("is09")
    source, _, _ = load_tess()
    kwargs = {} if epochs == 0 else {"pretrain_epochs": epochs, "max_epochs": epochs}
    model = make_pipeline(
        CycleGANOversampler(
            mode="translate",
            source=source,
            random_state=0,
            n_threads=None if policy == "None" else "auto",
            **kwargs,
        ),
        StandardScaler(),
        MLPClassifier(random_state=0),
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    start = time.perf_counter()
    scores = cross_val_score(
        model,
        X,
        y,
        groups=speakers,
        cv=LeaveOneGroupOut(),
        scoring="balanced_accuracy",
        n_jobs=int(n_jobs),
    )
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "uar": float(scores.mean()),
                "folds": len(scores),
            }
        )
    )


def loso(epochs, limit=300):
    """Wall seconds of LOSO on EmoDB per ``(n_threads, n_jobs)``, fresh processes.

    ``epochs=0`` keeps the preset's schedule; each run also gives the
    1-minute load average when it started.  A run past ``limit`` seconds
    (oversubscribed threads on a busy machine) is stopped and reported as such.
    """
    results = {}
    for n_jobs in (1, 2):
        for policy in ("auto", "None"):
            load = Path("/proc/loadavg").read_text().split()[0]
            command = [*SPEED, "--loso-child", f"{policy},{n_jobs}"]
            try:
                out = subprocess.run(
                    [*command, "--epochs", str(epochs)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env=user_env(),
                    timeout=limit,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
            except subprocess.TimeoutExpired:
                result = {"seconds": None, "uar": None, "folds": None}
            results[policy, n_jobs] = {**result, "load": load}
    return results, limit
