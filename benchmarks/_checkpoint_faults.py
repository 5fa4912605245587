"""Checkpoint trials under faults: two fits sharing a folder, a full disk.

Part of ``python -m benchmarks.checkpoints``; each trial ends in an outcome
counted there, and two outcomes must never occur: a crash in the middle of a
fit, and rows that differ from an uninterrupted fit's.
"""

import errno
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from skorch.callbacks import LoadInitState

from benchmarks._paths import ROOT
from benchmarks._translated import translated_rows
from sklearn_cyclegan import CheckpointError, TrainingCheckpoint

# What torch's zip writer raised when the disk filled (issue 20).
TORCH_DISK_FULL = (
    "[enforce fail at inline_container.cc:672] . unexpected pos 43584 vs 43472"
)


def _outcome(out, expected):
    """How one child fit ended: identical, refused at start, crashed, differs."""
    if Path(f"{out}.refused").exists():
        text = Path(f"{out}.refused").read_text()
        return "refused at start" if "in use by another fit" in text else "crashed"
    if not Path(f"{out}.npy").exists():
        return "crashed"
    return "identical" if np.array_equal(np.load(f"{out}.npy"), expected) else "differs"


def shared_folder_trials(data_file, expected, trials, params, child_command):
    """Two fits at once in one checkpoint folder, then each resumed from it.

    Odd trials pair two fits of different seeds (as cross-validation folds
    differ), even ones two fits of one seed, whose second must be refused at
    its start.  Returns rows of (trial, seeds, outcomes of the pair, outcomes
    of the resumed fits).
    """
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for trial in range(trials):
            seeds = (0, 1) if trial % 2 == 0 else (0, 0)
            folder = Path(tmp) / f"shared{trial}"
            pair = _run_together(
                [
                    child_command(
                        data_file, folder, params, 1, s, Path(tmp) / f"t{trial}-{i}"
                    )
                    for i, s in enumerate(seeds)
                ]
            )
            first = [
                _outcome(Path(tmp) / f"t{trial}-{i}", expected[s])
                for i, s in enumerate(seeds)
            ]
            # Resumed afterwards, each fit finds its own finished save.
            _run_together(
                [
                    child_command(
                        data_file, folder, params, 1, s, Path(tmp) / f"r{trial}-{i}"
                    )
                    for i, s in enumerate(seeds)
                ],
                together=False,
            )
            again = [
                _outcome(Path(tmp) / f"r{trial}-{i}", expected[s])
                for i, s in enumerate(seeds)
            ]
            rows.append((trial, seeds, first, again, pair))
            print(trial, seeds, first, again, flush=True)
    return rows


def _run_together(commands, together=True):
    """Return codes of child processes started at once (or one by one)."""
    if not together:
        return [
            subprocess.run(c, cwd=ROOT, stderr=subprocess.DEVNULL).returncode
            for c in commands
        ]
    processes = [
        subprocess.Popen(c, cwd=ROOT, stderr=subprocess.DEVNULL) for c in commands
    ]
    return [p.wait() for p in processes]


class _FillingDisk(TrainingCheckpoint):
    """Writes part of file ``at_file`` of save ``at_save``, then fails as a full
    disk does: OSError ENOSPC, or torch's zip-writer RuntimeError."""

    def __init__(self, dirname, at_save, at_file, torch_style, every=1):
        super().__init__(dirname=dirname, every=every)
        self.at_save, self.at_file, self.torch_style = at_save, at_file, torch_style

    def _get_param_names(self):
        return super()._get_param_names() + ["at_save", "at_file", "torch_style"]

    def initialize(self):
        super().initialize()
        self.files_ = 0
        return self

    def _save_params(self, f, net, f_name, log_name):
        save, index = divmod(self.files_, len(self._file_names()))
        self.files_ += 1
        if (save + 1, index) == (self.at_save, self.at_file):
            with open(f, "wb") as file:
                file.write(b"PK\x03\x04" + bytes(1000))
            if self.torch_style:
                raise RuntimeError(TORCH_DISK_FULL)
            raise OSError(errno.ENOSPC, "No space left on device", f)
        super()._save_params(f, net, f_name, log_name)


def disk_full_trials(X, y, source, expected, trials, params, seed=1):
    """Fault-injected full disks at a random file of a random save; resumed.

    Returns rows of (trial, save, file, error style, outcome, saves left,
    resumed outcome).  The outcome is "refused clearly" when the fit raised a
    ``CheckpointError`` that names the folder and the full disk.
    """
    rng = np.random.default_rng(seed)
    total = params["pretrain_epochs"] + params["max_epochs"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for trial in range(trials):
            folder = str(Path(tmp) / f"full{trial}")
            at_save, at_file = int(rng.integers(2, total + 1)), int(rng.integers(5))
            style = "torch RuntimeError" if trial % 2 else "OSError ENOSPC"
            checkpoint = _FillingDisk(folder, at_save, at_file, trial % 2 == 1)
            try:
                translated_rows(X, y, source, params, callbacks=[checkpoint])
                outcome = "finished"
            except CheckpointError as error:
                clear = "disk is full" in str(error) and folder in str(error)
                outcome = "refused clearly" if clear else "crashed"
            except Exception:
                outcome = "crashed"
            left = len(list(Path(folder).glob("fit-*/save-*")))
            plain = TrainingCheckpoint(dirname=folder)
            rows_resumed = translated_rows(
                X, y, source, params, callbacks=[plain, LoadInitState(plain)]
            )
            resumed = (
                "identical" if np.array_equal(rows_resumed, expected) else "differs"
            )
            rows.append((trial, at_save, at_file, style, outcome, left, resumed))
            print(*rows[-1], flush=True)
    return rows


def fault_tables(X, y, source, params, shared_trials, disk_trials, child_command):
    """Run both kinds of trial; return their Markdown tables as lines."""
    expected = {
        seed: translated_rows(X, y, source, params, seed=seed) for seed in (0, 1)
    }
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "data.npz"
        np.savez(data_file, X=X, y=y, source=source)
        shared = shared_folder_trials(
            data_file, expected, shared_trials, params, child_command
        )
    outcomes = ("identical", "refused at start", "crashed", "differs")
    lines += [
        f"Two fits started at once in one folder ({shared_trials} trials, "
        "alternately seeds 0 and 1, like two folds, and seeds 0 and 0, the same "
        "fit twice), then each fit run again to resume from the folder:",
        "",
        "| fits | " + " | ".join(outcomes) + " | resumed: identical | resumed: other |",
        "|---|" + "---|" * (len(outcomes) + 2),
    ]
    for seeds in ((0, 1), (0, 0)):
        picked = [r for r in shared if r[1] == seeds]
        first = [o for r in picked for o in r[2]]
        again = [o for r in picked for o in r[3]]
        counts = [first.count(o) for o in outcomes]
        same = again.count("identical")
        lines.append(
            f"| seeds {seeds[0]} and {seeds[1]} | "
            + " | ".join(map(str, counts))
            + f" | {same} | {len(again) - same} |"
        )
    disk = disk_full_trials(X, y, source, expected[0], disk_trials, params)
    lines += [
        "",
        f"Full disk, fault-injected ({disk_trials} trials): one file of a random "
        "save is half written, then its write raises what a full disk raises "
        "(`OSError` ENOSPC, or torch's zip-writer `RuntimeError`); the fit is "
        "then resumed from the folder:",
        "",
        '| refused clearly (CheckpointError naming the folder, "disk is full") | '
        "crashed otherwise | torn saves left | resumed identical | resumed differs |",
        "|---|---|---|---|---|",
        f"| {sum(r[4] == 'refused clearly' for r in disk)} | "
        f"{sum(r[4] not in ('refused clearly', 'finished') for r in disk)} | "
        f"{sum(r[5] - 1 for r in disk)} | "
        f"{sum(r[6] == 'identical' for r in disk)} | "
        f"{sum(r[6] == 'differs' for r in disk)} |",
    ]
    return lines
