"""Checkpoints under interrupts: what saving costs, and what a killed fit resumes to.

Two measurements, on EmoDB IS09's four classes with the TESS source when the
shared data is there (else a generated table of the same shape)::

    python -m benchmarks.checkpoints                 # 10 SIGINT + 10 SIGKILL trials
    python -m benchmarks.checkpoints --trials 3 --markdown checkpoints.md

1. **Cost of saving.**  The default fit with and without a
   ``TrainingCheckpoint`` (``every="auto"``), interleaved rounds, each fit in
   this process with one thread; the checkpoint's own seconds are summed.
2. **Kill trials.**  A fit with a checkpoint runs in a child process; once
   its first save is on disk it gets SIGINT or SIGKILL at a random moment.
   It saves after every epoch (``every=1``), so a signal often lands inside a
   save.  A new fit then resumes from the folder.  Each trial ends in one of: the
   resumed rows are bit-identical to an uninterrupted fit's, the checkpoint is
   refused with a ``CheckpointError`` naming the folder, or the rows differ
   (the failure this benchmark exists to catch).
"""

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from skorch.callbacks import LoadInitState

from benchmarks._paper_data import load_emodb, load_tess
from benchmarks._paths import ROOT
from sklearn_cyclegan import CheckpointError, CycleGANOversampler, TrainingCheckpoint

SIGNALS = {"SIGINT": signal.SIGINT, "SIGKILL": signal.SIGKILL}


def load_data():
    """``(X, y, source, description)``: EmoDB + TESS if present, else generated."""
    try:
        X, y, _ = load_emodb("is09")
        source = load_tess()[0][X.columns].to_numpy()
    except FileNotFoundError:
        from sklearn.datasets import make_classification

        X, y = make_classification(
            n_samples=339, n_features=384, n_informative=20, n_classes=4, random_state=0
        )
        source = np.random.default_rng(0).normal(size=(2800, 384))
        return X, y, source, "generated (shared data absent)"
    # str, not object: the kill trials hand the data to a child through np.savez.
    return X.to_numpy(), y.astype(str), source, "EmoDB + TESS"


class _TimedCheckpoint(TrainingCheckpoint):
    def save_model(self, net):
        super().save_model(net)
        self.seconds_ = getattr(self, "seconds_", 0.0) + self.last_save_seconds_
        self.saves_ = getattr(self, "saves_", 0) + 1


def save_cost(X, y, source, rounds, params):
    """Median seconds without and with a checkpoint, and the saves' share."""
    plain, saved, own, saves = [], [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        CycleGANOversampler(source=source, random_state=0, **params).fit_resample(X, y)
        plain.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as folder:
            checkpoint = _TimedCheckpoint(dirname=folder)
            start = time.perf_counter()
            CycleGANOversampler(
                source=source, random_state=0, callbacks=[checkpoint], **params
            ).fit_resample(X, y)
            saved.append(time.perf_counter() - start)
        own.append(checkpoint.seconds_)
        saves.append(checkpoint.saves_)
    return {
        "without (s)": float(np.median(plain)),
        "with (s)": float(np.median(saved)),
        "saving (s)": float(np.median(own)),
        "saves": int(np.median(saves)),
    }


def _resumed(X, y, source, folder, params):
    checkpoint = TrainingCheckpoint(dirname=str(folder))
    sampler = CycleGANOversampler(
        source=source,
        random_state=0,
        callbacks=[checkpoint, LoadInitState(checkpoint)],
        **params,
    )
    return sampler.fit_resample(X, y)[0]


def kill_and_resume(data_file, folder, params, signal_number, delay, expected, every=1):
    """Kill a checkpointed fit ``delay`` s after its first save; resume; classify.

    Returns ``(outcome, saved_epoch)`` with outcome ``"identical"``,
    ``"refused"``, ``"differs"`` or ``"finished"`` (the fit ended first).
    """
    folder = Path(folder)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.checkpoints",
            "--child",
            str(data_file),
            str(folder),
            json.dumps(params),
            str(every),
        ],
        cwd=ROOT,  # where ``-m benchmarks.checkpoints`` resolves
        stderr=subprocess.DEVNULL,
    )
    manifest = folder / "manifest.json"
    while not manifest.exists() and process.poll() is None:
        time.sleep(0.005)
    time.sleep(delay)
    process.send_signal(signal_number)
    process.wait()
    saved = json.loads(manifest.read_text())["epoch"] if manifest.exists() else None
    total = params.get("pretrain_epochs", 0) + params.get("max_epochs", 0)
    if process.returncode == 0 and saved == total:
        return "finished", saved
    data = np.load(data_file)
    try:
        rows = _resumed(data["X"], data["y"], data["source"], folder, params)
    except CheckpointError as error:
        assert str(folder) in str(error), error
        return "refused", saved
    return ("identical" if np.array_equal(rows, expected) else "differs"), saved


def _child(data_file, folder, params, every):
    data = np.load(data_file)
    checkpoint = TrainingCheckpoint(dirname=folder, every=every)
    CycleGANOversampler(
        source=data["source"], random_state=0, callbacks=[checkpoint], **params
    ).fit_resample(data["X"], data["y"])


def kill_trials(X, y, source, trials, params, seed=0):
    """Rows of (signal, trial, delay, saved epoch, outcome)."""
    expected = CycleGANOversampler(
        source=source, random_state=0, **params
    ).fit_resample(X, y)[0]
    rng = np.random.default_rng(seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "data.npz"
        np.savez(data_file, X=X, y=y, source=source)
        for name, number in SIGNALS.items():
            for trial in range(trials):
                delay = float(rng.uniform(0, 2.0))
                outcome, saved = kill_and_resume(
                    data_file,
                    Path(tmp) / f"{name}{trial}",
                    params,
                    number,
                    delay,
                    expected,
                )
                rows.append((name, trial, round(delay, 2), saved, outcome))
                print(*rows[-1], flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10, help="per signal")
    parser.add_argument("--rounds", type=int, default=3, help="of the save cost")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(
            args.child[0], args.child[1], json.loads(args.child[2]), int(args.child[3])
        )
        return
    import torch

    torch.set_num_threads(1)
    X, y, source, description = load_data()
    params = {"n_threads": None}
    cost = save_cost(X, y, source, args.rounds, params)
    share = cost["saving (s)"] / (cost["with (s)"] - cost["saving (s)"])
    lines = [
        f"Data: {description}; default fit (fast preset), one thread; "
        f"{args.rounds} interleaved rounds, medians; "
        f"`python -m benchmarks.checkpoints --trials {args.trials}`.",
        "",
        "| without checkpoint (s) | with (s) | saving itself (s) | saves | "
        "saving / training |",
        "|---|---|---|---|---|",
        f"| {cost['without (s)']:.2f} | {cost['with (s)']:.2f} | "
        f"{cost['saving (s)']:.2f} | {cost['saves']} | {share:.1%} |",
        "",
    ]
    print("\n".join(lines), flush=True)
    # Short fits, so a trial lands anywhere from the first save to the end.
    trial_params = dict(params, pretrain_epochs=100, max_epochs=100)
    rows = kill_trials(X, y, source, args.trials, trial_params)
    outcomes = ("identical", "refused", "differs", "finished")
    lines += [
        "| signal | resumed bit-identical | refused (CheckpointError) | differs | "
        "fit finished first |",
        "|---|---|---|---|---|",
    ]
    for name in SIGNALS:
        counts = [sum(r[0] == name and r[4] == o for r in rows) for o in outcomes]
        lines.append(f"| {name} | " + " | ".join(map(str, counts)) + " |")
    print("\n".join(lines[-4:]))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
