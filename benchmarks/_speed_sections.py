"""The sections of ``python -m benchmarks.speed``: measure, then one table each.

Every section is a function of the run's settings (:class:`Run`) that returns
``(title, markdown)``; :data:`SECTIONS` lists them in report order under the
names ``--skip`` takes, with the data file each needs.
"""

import os
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from ._flops import (
    FAST,
    PAPER,
    generation_flops,
    iteration_flops,
    matmul_flops,
    step_matmuls,
)
from ._paper_data import DATA
from ._speed_children import contention, loso, memmap_fit
from ._speed_fits import (
    default_fit_rate,
    epoch_overhead,
    fit_resample_times,
    generation,
    profile_joint_epochs,
    training,
)
from ._timing import matmul_peak, own_shape_peak

MIB = 2**20


@dataclass(frozen=True)
class Run:
    """What every section reads: the device, the mode and the matmul peak.

    ``rounds`` is the number of interleaved timing rounds; ``peak`` the best
    median GFLOP/s of section 1, which later sections divide by.
    """

    device: str
    quick: bool
    peak: float = float("nan")

    @property
    def rounds(self):
        return 3 if self.quick else 9


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _sizes(hidden):
    return "-".join(str(h) for h in hidden)


def _load():
    return Path("/proc/loadavg").read_text().split()[0]


def machine(device):
    """One line naming the device (or the CPU), its threads and torch."""
    if str(device).startswith("cuda"):
        return torch.cuda.get_device_name(0)
    model = "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} logical CPUs, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )


def peak_section(run):
    """Section 1; returns ``(title, text, run with its peak)``."""
    peak_rows = matmul_peak(run.device, run.rounds)
    peak = max(row[1] for row in peak_rows)
    text = _table(
        ["shape", "GFLOP/s (median)", "GFLOP/s (best)"],
        [(name, f"{m:.1f}", f"{b:.1f}") for name, m, b in peak_rows],
    )
    text += f"\n\nPeak used below: **{peak:.1f} GFLOP/s** (best median)."
    return "1. fp32 matmul peak", text, replace(run, peak=peak)


def _paper_sizes():
    keys = ("n_features", "generator_hidden", "discriminator_hidden")
    keys += ("classifier_hidden", "batch")
    return [PAPER["n_classes"], *(PAPER[key] for key in keys)]


def _trainer_row(name, median, best, flops, own_seconds, peak):
    gflops = flops / median / 1e9
    return (
        name,
        f"{median:.3f}",
        f"{best:.3f}",
        f"{gflops:.1f}",
        f"{gflops / peak:.0%}",
        f"{own_seconds / median:.0%}",
    )


def training_section(run):
    """Section 2: one joint iteration at paper scale, ours and the reference."""
    flops = iteration_flops(*_paper_sizes())
    times = training(run.device, run.rounds)
    (ours_med, ours_best), (ref_med, ref_best) = times["ours"], times["reference"]
    it = flops["iteration"]
    own_seconds = own_shape_peak(
        step_matmuls("joint", *_paper_sizes()), run.device, min(run.rounds, 5)
    )
    header = ["trainer", "s/iteration (median)", "s/iteration (best)", "GFLOP/s"]
    header += ["fraction of peak", "fraction of own-shape peak"]
    rows = [
        ("CycleGANNet.train_step", ours_med, ours_best),
        ("reference loop (benchmarks/reference.py)", ref_med, ref_best),
    ]
    text = _table(
        header, [_trainer_row(*row, it, own_seconds, run.peak) for row in rows]
    )
    text += (
        f"\n\nSpeed-up reference/ours: **{ref_med / ours_med:.2f}x** (medians), "
        f"{ref_best / ours_best:.2f}x (best rounds).  Matmul work per iteration: "
        f"{it / 1e9:.1f} GFLOP as computed "
        f"(discriminator step {flops['discriminator_step'] / 1e9:.1f}, "
        f"each of 2 generator steps "
        f"{flops['generator_step'] / 1e9:.1f}); a naive count with full "
        "backward passes and "
        "discriminator weight gradients in generator steps gives "
        f"{flops['naive'] / 1e9:.1f}.  Peak at the step's own matmul shapes "
        f"(each forward, weight-gradient and input-gradient matmul of the "
        f"iteration timed alone, as `own_shape_peak` does): "
        f"**{it / own_seconds / 1e9:.1f} "
        f"GFLOP/s**, {own_seconds:.3f} s of matmuls per iteration."
    )
    return "2. One joint training iteration at paper scale", text


def generation_section(run):
    """Section 3: rows/s of the bare generators and of ``sample``."""
    rows_per_class = 4096 if run.quick else 8192
    gen_times, n_rows = generation(run.device, min(run.rounds, 5), rows_per_class)
    gflop = generation_flops(n_rows, PAPER["n_features"], PAPER["generator_hidden"])
    gflop /= 1e9
    text = _table(
        ["path", "rows/s (median)", "rows/s (best)", "GFLOP/s", "fraction of peak"],
        [
            (
                name,
                f"{n_rows / m:,.0f}",
                f"{n_rows / b:,.0f}",
                f"{gflop / m:.1f}",
                f"{gflop / m / run.peak:.0%}",
            )
            for name, (m, b) in gen_times.items()
        ],
    )
    text += (
        f"\n\n{n_rows:,} rows ({PAPER['n_classes']} classes x "
        f"{rows_per_class:,}) per call; "
        "`sample` includes drawing and scaling source rows and the float64 "
        "inverse scaling."
    )
    return "3. Generation at paper scale", text


def fit_section(run):
    """Section 4: ``fit_resample`` on EmoDB beside SMOTE and CTGAN."""
    epochs = (30, 30) if run.quick else None
    fits, total_epochs, shape = fit_resample_times(run.device, epochs)
    text = _table(
        ["sampler", "wall seconds"], [(k, f"{v:.3g}") for k, v in fits.items()]
    )
    text += (
        f"\n\nX: {shape[0]} rows x {shape[1]} features; CycleGAN "
        f"{'30 + 30 epochs' if epochs else 'default (fast preset)'}; CTGAN with "
        f"the same total number of epochs ({total_epochs}), label as a "
        "discrete column, "
        "each class drawn by conditional sampling."
    )
    return "4. fit_resample on EmoDB IS09, four classes, TESS source", text


def _memory_row(name, r, memmap_bytes):
    growth = r["peak"] - r["before_fit"]
    return (
        name,
        f"{r['baseline'] / MIB:,.0f} MiB",
        f"{r['before_fit'] / MIB:,.0f} MiB",
        f"{r['peak'] / MIB:,.0f} MiB",
        f"{growth / MIB:,.0f} MiB",
        f"{r['peak'] / memmap_bytes:.2f}",
        f"{growth / memmap_bytes:.2f}",
    )


def memmap_section(run):
    """Section 5: peak memory of a fit whose source is a ``numpy.memmap``."""
    fits = memmap_fit(20_000 if run.quick else 200_000, epochs=2)
    m, control = fits["memmap"], fits["in-memory"]
    header = ["fit", "RSS after imports", "RSS before fit", "peak RSS"]
    header += ["growth during fit", "peak / memmap size", "growth / memmap size"]
    text = _table(
        header,
        [
            _memory_row("memmap source", m, m["memmap_bytes"]),
            _memory_row(
                "1,000-row in-memory source (control)", control, m["memmap_bytes"]
            ),
        ],
    )
    text += (
        f"\n\nSource: {m['n_rows']:,} x {PAPER['n_features']} float32 `.npy` "
        f"({m['memmap_bytes'] / MIB:,.0f} MiB) opened with "
        "`np.load(mmap_mode='r')`; "
        "X: EmoDB IS10 four classes; fast preset, 2 + 2 epochs; each fit in a "
        "fresh "
        f"process (VmHWM from /proc), {m['fit_seconds']:.1f} s and "
        f"{control['fit_seconds']:.1f} s.  The memmap source itself costs "
        f"{(m['peak'] - control['peak']) / MIB:+,.0f} MiB of peak RSS against "
        "the control."
    )
    return "5. Peak memory of a fit with a memory-mapped source", text


def epochs_section(run):
    """Section 6: a skorch epoch of a fast-preset fit against a bare step."""
    results, at_peak, (k, b, d) = epoch_overhead(
        run.device, 10 if run.quick else 30, run.peak
    )
    header = ["phase", "skorch epoch", "bare train_step", "skorch per-epoch work"]
    header += ["matmul time at peak"]
    text = _table(
        header,
        [
            (
                phase,
                f"{r['skorch'][0] * 1e3:.1f} ms",
                f"{r['bare'][0] * 1e3:.1f} ms",
                f"{(r['skorch'][0] - r['bare'][0]) * 1e3:.1f} ms",
                f"{at_peak[phase] * 1e3:.1f} ms",
            )
            for phase, r in results.items()
        ],
    )
    text += (
        f"\n\nMedians of interleaved rounds.  Batch: {k} classes x {b} rows "
        f"x {d} "
        "features; the fast preset (generators "
        f"{_sizes(FAST['generator_hidden'])}, "
        f"discriminators {_sizes(FAST['discriminator_hidden'])}, "
        f"{FAST['generator_steps']} generator step per discriminator step); "
        "`partial_fit(epochs=1)` "
        "runs one epoch with the net's callbacks (timer, loss scoring, "
        "learning-rate "
        "decay, divergence guard, epoch seeding)."
    )
    title = "6. Per-epoch cost of a fast-preset fit on EmoDB IS09 (one batch per epoch)"
    return title, text


def contention_section(run):
    """Section 7: one fit alone and two at once, per thread policy."""
    epochs = 20 if run.quick else 100
    med, loads = contention(rounds=2 if run.quick else 3, epochs=epochs)
    text = _table(
        ["n_threads", "one fit (s)", "each of two at once (s)", "ratio"],
        [
            (
                "None (torch's default threads)" if p == "torch" else '"auto"',
                f"{med[p, 1]:.1f}",
                f"{med[p, 2]:.1f}",
                f"{med[p, 2] / med[p, 1]:.2f}x",
            )
            for p in ("torch", "auto")
        ],
    )
    text += (
        f"\n\nMedians over interleaved rounds; each fit a fresh process on "
        f"EmoDB IS09 (fast preset, {epochs} + {epochs} epochs).  "
        f"`auto` alone against torch's default: "
        f"{med['auto', 1] / med['torch', 1]:.2f}x.  1-minute load average "
        f"before each round: {', '.join(loads)}."
    )
    return "7. One fit alone and two at once, per thread policy", text


def _rate_rows(run, seconds, calls, n_epochs, n_new):
    """Section 8's rows: each phase's matmul work against its own-shape peak."""
    rounds = 3 if run.quick else 5
    own = {phase: own_shape_peak(c, run.device, rounds) for phase, c in calls.items()}
    phases = ("pretrain", "joint", "generation")
    calls["fit"] = {}
    for phase in phases:
        for key, n in calls[phase].items():
            calls["fit"][key] = calls["fit"].get(key, 0) + n
    own["fit"] = sum(own[phase] for phase in phases)
    labels = {
        "pretrain": f"pre-training ({n_epochs['pretrain']} epochs)",
        "joint": f"joint training ({n_epochs['joint']} epochs)",
        "generation": f"generation (`sample`, {n_new} rows)",
        "fit": "whole `fit_resample`",
    }
    rows = []
    for phase, label in labels.items():
        gflop = matmul_flops(calls[phase]) / 1e9
        rows.append(
            (
                label,
                f"{gflop:.2f}",
                f"{seconds[phase]:.3f}",
                f"{gflop / seconds[phase]:.1f}",
                f"{gflop / own[phase]:.1f}",
                f"{own[phase] / seconds[phase]:.0%}",
            )
        )
    return rows


def _profile_table(sampler, n_epochs, joint_epoch):
    """Section 8's profile of more joint epochs: where an epoch's time goes."""
    profile_rows, profiled, n_aten = profile_joint_epochs(sampler, n_epochs)
    table = _table(
        ["op", "calls per epoch", "ms per epoch", "share of the epoch"],
        [
            (
                name,
                "" if np.isnan(n) else f"{n:.0f}",
                f"{ms:.2f}",
                f"{ms / profiled / 1e3:.0%}",
            )
            for name, n, ms in profile_rows
        ],
    )
    return (
        "\n\nWhere a joint epoch goes (`torch.profiler`, self CPU time, "
        f"{n_epochs} more joint epochs of the same net; "
        f"{profiled * 1e3:.1f} ms per epoch under the profiler against "
        f"{joint_epoch * 1e3:.1f} ms without; {n_aten:,.0f} `aten::` op "
        "calls per epoch, nested ones included):\n\n" + table
    )


def rate_section(run):
    """Section 8: a default fit per phase against the peak at its own shapes."""
    n_fits = 2 if run.quick else 3
    seconds, calls, n_epochs, sampler, (k, b, d, n_new) = default_fit_rate(
        run.device, n_fits, (10, 30) if run.quick else None
    )
    header = ["phase", "matmul GFLOP", "seconds", "GFLOP/s"]
    header += ["peak at own shapes (GFLOP/s)", "fraction of that peak"]
    text = _table(header, _rate_rows(run, seconds, calls, n_epochs, n_new))
    text += (
        f"\n\n`CycleGANOversampler(source=TESS, random_state=0)` on EmoDB "
        f"IS09 ({k} classes, {d} features, one batch of {b} rows per class and "
        f"epoch), fast preset, `n_threads={sampler.n_threads}` (this "
        f"process's threads, also those of the peak); medians of "
        f"{n_fits} fits.  Pre-training and joint training "
        "are wall time between epoch ends, all callbacks included; "
        "`whole fit_resample` adds scaling, setup, the diversity check and "
        "generation.  The peak at own shapes times each matmul of the phase "
        "(forward `baddbmm`, weight- and input-gradient `bmm`, the "
        "classifier's single group) alone in a tight loop; the fraction is "
        "those matmuls' time over the phase's time.  1-minute load average "
        f"after the fits: {_load()}."
    )
    joint_epoch = seconds["joint"] / n_epochs["joint"]
    text += _profile_table(sampler, 20 if run.quick else 50, joint_epoch)
    return "8. A default fit against the matmul peak at its own shapes", text


def loso_section(run):
    """Section 9: leave-one-speaker-out on EmoDB per ``n_threads`` and ``n_jobs``."""
    epochs = 30 if run.quick else 0
    results, limit = loso(epochs)
    folds = {r["folds"] for r in results.values()} - {None}
    text = _table(
        ["n_threads", "n_jobs", "wall seconds", "UAR", "1-minute load before"],
        [
            (
                '"auto"' if policy == "auto" else "None (torch's default)",
                n_jobs,
                f"> {limit} (stopped)"
                if r["seconds"] is None
                else f"{r['seconds']:.1f}",
                "" if r["uar"] is None else f"{r['uar']:.3f}",
                r["load"],
            )
            for (policy, n_jobs), r in results.items()
        ],
    )
    text += (
        f"\n\n`cross_val_score(make_pipeline(CycleGANOversampler(source=TESS, "
        f"random_state=0), StandardScaler(), MLPClassifier(random_state=0)), "
        f"groups=speaker, cv=LeaveOneGroupOut())` on EmoDB IS09, four classes, "
        f"{', '.join(map(str, folds))} folds, "
        f"{'fast preset' if not epochs else f'{epochs} + {epochs} epochs'}; "
        "each run a fresh process without `OMP_NUM_THREADS` and the like, as "
        "a user's Python starts."
    )
    return "9. Leave-one-speaker-out cross-validation on EmoDB", text


# ``--skip`` name: (section, the shared data file it reads or None).
SECTIONS = {
    "train": (training_section, None),
    "generation": (generation_section, None),
    "fit": (fit_section, "emodb_is09.csv.gz"),
    "memmap": (memmap_section, "emodb_is10.csv.gz"),
    "epochs": (epochs_section, "emodb_is09.csv.gz"),
    "contention": (contention_section, "emodb_is09.csv.gz"),
    "rate": (rate_section, "emodb_is09.csv.gz"),
    "loso": (loso_section, "emodb_is09.csv.gz"),
}


def applies(name, run):
    """Whether section ``name`` can run: its data is there, and its device."""
    if name == "contention" and run.device != "cpu":
        return False  # thread policies are a CPU matter
    needed = SECTIONS[name][1]
    return needed is None or (DATA / needed).exists()
