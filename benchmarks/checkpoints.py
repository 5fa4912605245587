"""Checkpoints under interrupts: what saving costs, and what a killed fit resumes to.

Four measurements, on EmoDB IS09's four classes with the TESS source when the
shared data is there (else a generated table of the same shape)::

    python -m benchmarks.checkpoints                 # 10 SIGINT + 10 SIGKILL trials
    python -m benchmarks.checkpoints --trials 3 --markdown checkpoints.md
    python -m benchmarks.checkpoints --fingerprint-cost   # only that, film corpus

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
3. **Two fits sharing a folder** (``--shared-trials``): two child processes
   start at once on one ``dirname``, of two seeds (as two folds) or of one
   (the same fit twice, whose second must be refused at its start); each is
   then run again to resume.  No crash mid-fit, no different rows.
4. **Full disk** (``--disk-trials``, fault-injected): a random file of a
   random save is half written, then fails as a full disk does; the fit must
   stop with a ``CheckpointError`` that says so, leave no torn save, and
   resume bit-identically.
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

from benchmarks._checkpoint_faults import fault_tables
from benchmarks._paper_data import load_emodb, load_film_source, load_tess
from benchmarks._paths import ROOT
from benchmarks._translated import translated_rows
from sklearn_cyclegan import CheckpointError, TrainingCheckpoint

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
        translated_rows(X, y, source, params)
        plain.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as folder:
            checkpoint = _TimedCheckpoint(dirname=folder)
            start = time.perf_counter()
            translated_rows(X, y, source, params, callbacks=[checkpoint])
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
    return translated_rows(
        X, y, source, params, callbacks=[checkpoint, LoadInitState(checkpoint)]
    )


def saved_epoch(folder):
    """Epoch of the one fit's last complete save in ``folder``, else None."""
    for manifest in Path(folder).glob("fit-*/manifest.json"):
        try:
            return json.loads(manifest.read_text())["epoch"]
        except (OSError, ValueError):  # replaced while read
            continue
    return None


def child_command(data_file, folder, params, every=1, seed=0, out=None):
    """The command line of a checkpointed fit in a child process."""
    args = [str(data_file), str(folder), json.dumps(params), str(every), str(seed)]
    return [sys.executable, "-m", "benchmarks.checkpoints", "--child", *args] + (
        [str(out)] if out else []
    )


def kill_and_resume(data_file, folder, params, signal_number, delay, expected, every=1):
    """Kill a checkpointed fit ``delay`` s after its first save; resume; classify.

    Returns ``(outcome, saved_epoch)`` with outcome ``"identical"``,
    ``"refused"``, ``"differs"`` or ``"finished"`` (the fit ended first).
    """
    folder = Path(folder)
    process = subprocess.Popen(
        child_command(data_file, folder, params, every),
        cwd=ROOT,  # where ``-m benchmarks.checkpoints`` resolves
        stderr=subprocess.DEVNULL,
    )
    while saved_epoch(folder) is None and process.poll() is None:
        time.sleep(0.005)
    time.sleep(delay)
    process.send_signal(signal_number)
    process.wait()
    saved = saved_epoch(folder)
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


def _child(data_file, folder, params, every, seed=0, out=None):
    """Fit with a checkpoint (resuming any); save the rows, or the refusal."""
    # A parent started in the background without job control hands SIGINT
    # down ignored; the trial needs it to act as Ctrl-C does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    data = np.load(data_file)
    checkpoint = TrainingCheckpoint(dirname=folder, every=every)
    try:
        rows = translated_rows(
            data["X"],
            data["y"],
            data["source"],
            params,
            callbacks=[checkpoint, LoadInitState(checkpoint)],
            seed=seed,
        )
    except CheckpointError as error:
        if out is None:
            raise
        Path(out + ".refused").write_text(str(error))
        return
    if out is not None:
        np.save(out, rows)


def kill_trials(X, y, source, trials, params, seed=0):
    """Rows of (signal, trial, delay, saved epoch, outcome)."""
    expected = translated_rows(X, y, source, params)
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


def fingerprint_cost(rounds=3):
    """Seconds to fingerprint the film corpus as an ``.npy`` source.

    Against the scan every fit makes of a file source (its min and max, in
    chunks), median of ``rounds``, file in the page cache.
    """
    from sklearn_cyclegan._checkpoint_files import sha256_file
    from sklearn_cyclegan._scaling import SourceRows

    X, _, _ = load_emodb("is09")
    rows = load_film_source(X.columns).to_numpy()
    hashed, scanned = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "film.npy"
        np.save(path, rows)
        for _ in range(rounds):
            start = time.perf_counter()
            SourceRows(np.load(path, mmap_mode="r"))
            scanned.append(time.perf_counter() - start)
            start = time.perf_counter()
            sha256_file(path)
            hashed.append(time.perf_counter() - start)
        size = path.stat().st_size
    return rows.shape, size, float(np.median(hashed)), float(np.median(scanned))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10, help="per signal")
    parser.add_argument("--rounds", type=int, default=3, help="of the save cost")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--shared-trials", type=int, default=3, help="fit pairs")
    parser.add_argument("--disk-trials", type=int, default=5)
    parser.add_argument(
        "--fingerprint-cost",
        action="store_true",
        help="only time the fingerprint of the film corpus as an .npy source",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fingerprint_cost:
        shape, size, hashed, scanned = fingerprint_cost()
        print(
            f"film corpus {shape[0]} x {shape[1]} as .npy ({size / 1e6:.1f} MB): "
            f"SHA-256 of the file {hashed:.3f} s; the source scan of every fit "
            f"{scanned:.3f} s (medians of 3)"
        )
        return
    if args.child:
        data_file, folder, params, every, seed, *out = args.child
        _child(data_file, folder, json.loads(params), int(every), int(seed), *out)
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
        f"`python -m benchmarks.checkpoints --trials {args.trials} --rounds "
        f"{args.rounds} --shared-trials {args.shared_trials} --disk-trials "
        f"{args.disk_trials}`.",
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
    # Shorter fits still: each trial runs several, saving every epoch.
    fault_params = dict(params, pretrain_epochs=20, max_epochs=20)
    lines += [""] + fault_tables(
        X, y, source, fault_params, args.shared_trials, args.disk_trials, child_command
    )
    print("\n".join(lines[-12:]))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
