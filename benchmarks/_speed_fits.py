"""In-process measurements of the speed benchmark: training, generation, fits.

Sections 2, 3, 4, 6 and 8 of ``python -m benchmarks.speed``; each returns
numbers, and ``benchmarks._speed_sections`` turns them into tables.
"""

import time

import numpy as np
import torch
from skorch.callbacks import Callback

from sklearn_cyclegan import CycleGANOversampler
from sklearn_cyclegan._net import CycleGANNet
from sklearn_cyclegan._presets import PRESETS
from sklearn_cyclegan._threads import limit_threads

from ._flops import FAST, PAPER, fast_matmuls, matmul_flops, network_pass
from ._paper_data import load_emodb, load_tess
from ._timing import interleaved
from .reference import ReferenceCycleGANs


def _paper_net(device, **kwargs):
    p = PAPER
    net = CycleGANNet(
        module__n_classes=p["n_classes"],
        module__n_features=p["n_features"],
        module__generator_hidden=p["generator_hidden"],
        module__discriminator_hidden=p["discriminator_hidden"],
        module__classifier_hidden=p["classifier_hidden"],
        pretrain_epochs=0,
        max_epochs=1,
        batch_size=p["batch"],
        device=device,
        verbose=0,
        **kwargs,
    ).initialize()
    net.history.new_epoch()
    net.history.new_batch()
    return net


def training(device, rounds):
    """Section 2: seconds per joint iteration of ours and of the reference loop."""
    p = PAPER
    torch.manual_seed(0)
    net = _paper_net(device)
    reference = ReferenceCycleGANs.from_module(
        net.module_,
        generator_hidden=p["generator_hidden"],
        discriminator_hidden=p["discriminator_hidden"],
        classifier_hidden=p["classifier_hidden"],
    ).to(device)
    source, target = (
        torch.rand(p["n_classes"], p["batch"], p["n_features"], device=device)
        for _ in range(2)
    )

    def ours():
        # Keep the batch log from growing over the rounds.
        net.history[-1]["batches"].clear()
        net.history.new_batch()
        net.train_step((source, target))

    return interleaved(
        {"ours": ours, "reference": lambda: reference.train_step(source, target)},
        rounds,
        device,
    )


def generation(device, rounds, rows_per_class):
    """Rows/s of the bare generators and of the public ``sample``, paper-sized nets.

    The sampler is fitted with zero epochs: generation costs the same whatever
    the weights are.
    """
    p = PAPER
    rng = np.random.default_rng(0)
    n_fit = 100
    X = rng.random((p["n_classes"] * n_fit + 50, p["n_features"]))
    y = np.concatenate(
        [np.repeat(np.arange(p["n_classes"]), n_fit), np.zeros(50, dtype=int)]
    )
    sampler = CycleGANOversampler(
        source=rng.random((max(rows_per_class, 1000), p["n_features"])),
        preset="paper",
        pretrain_epochs=0,
        max_epochs=0,
        device=device,
        random_state=0,
    )
    sampler.fit_resample(X, y)
    rows = torch.rand(p["n_classes"], rows_per_class, p["n_features"])
    times = interleaved(
        {
            "CycleGANNet.transfer": lambda: sampler.net_.transfer(rows),
            "CycleGANOversampler.sample": lambda: sampler.sample(rows_per_class),
        },
        rounds,
        device,
    )
    return times, p["n_classes"] * rows_per_class


def _emodb_tess():
    X, y, _ = load_emodb("is09")
    source, _, _ = load_tess()
    return X, y, source


def fit_resample_times(device, epochs):
    """Wall seconds of each sampler's fit_resample on EmoDB IS09 (TESS source)."""
    import pandas as pd
    from ctgan import CTGAN
    from imblearn.over_sampling import SMOTE

    X, y, source = _emodb_tess()
    kwargs = (
        {}
        if epochs is None
        else {"pretrain_epochs": epochs[0], "max_epochs": epochs[1]}
    )
    # The translation: the mode that trains the CycleGANs this section times.
    ours = CycleGANOversampler(
        source=source, mode="translate", device=device, random_state=0, **kwargs
    )
    fast = PRESETS["fast"]
    total_epochs = sum(
        kwargs.get(n, fast[n]) for n in ("pretrain_epochs", "max_epochs")
    )
    results = {}
    start = time.perf_counter()
    _, y_res = ours.fit_resample(X, y)
    results["CycleGANOversampler (fast preset)"] = time.perf_counter() - start
    counts = {c: int(n) for c, n in zip(*np.unique(y_res, return_counts=True))}
    original = {c: int(n) for c, n in zip(*np.unique(y, return_counts=True))}

    start = time.perf_counter()
    SMOTE(random_state=0).fit_resample(X, y)
    results["SMOTE"] = time.perf_counter() - start

    # CTGAN models the label as a discrete column and samples each class by
    # conditioning on it; column names must be strings.
    table = X.copy()
    table.columns = [str(c) for c in table.columns]
    table["label"] = pd.Series(y, dtype=str)
    start = time.perf_counter()
    model = CTGAN(epochs=total_epochs, enable_gpu=str(device).startswith("cuda"))
    model.fit(table, discrete_columns=["label"])
    for c in original:
        n_new = counts[c] - original[c]
        if n_new:
            model.sample(n_new, condition_column="label", condition_value=str(c))
    results[f"CTGAN ({total_epochs} epochs)"] = time.perf_counter() - start
    return results, total_epochs, X.shape


def _fast_data(X, y, source):
    """The ``CycleGANData`` of a fast-preset fit of ``X, y`` (min-max scaled)."""
    from sklearn.preprocessing import MinMaxScaler

    from sklearn_cyclegan._data import CycleGANData
    from sklearn_cyclegan._scaling import SourceRows

    scaled = MinMaxScaler().fit_transform(X).astype(np.float32)
    return CycleGANData(
        SourceRows(np.asarray(source, dtype=np.float32)),
        [scaled[y == c] for c in np.unique(y)],
        np.random.default_rng(0),
    )


def epoch_overhead(device, rounds, peak_gflops):
    """Seconds per fast-preset epoch on EmoDB: a skorch epoch against a bare step.

    EmoDB's smallest class (62 rows) makes an epoch one batch of 62 rows per
    class, so the difference is skorch's per-epoch work: callbacks, history,
    the epoch's shuffles and batch gathering.  Rounds interleave the two.
    """
    from sklearn_cyclegan._callbacks import EpochSeed
    from sklearn_cyclegan._data import EpochBatches

    X, y, source = _emodb_tess()
    fast = FAST
    data = _fast_data(X, y, source)
    classes = np.unique(y)
    k, d = len(classes), X.shape[1]
    net = CycleGANNet(
        module__n_classes=k,
        module__n_features=d,
        module__generator_hidden=fast["generator_hidden"],
        module__discriminator_hidden=fast["discriminator_hidden"],
        module__classifier_hidden=fast["classifier_hidden"],
        lr=fast["lr"],
        optimizer__betas=fast["betas"],
        generator_steps=fast["generator_steps"],
        pretrain_epochs=0,
        max_epochs=0,
        device=device,
        verbose=0,
        callbacks=[("epoch_seed", EpochSeed(0))],
    ).initialize()
    batch = next(iter(EpochBatches(data, net.batch_size, device)))
    b = batch[1].shape[1]

    def bare():
        net.history.new_batch()
        net.train_step(batch)

    results = {}
    for phase, pretrain_epochs in (("pretrain", 10**9), ("joint", -1)):
        net.pretrain_epochs = pretrain_epochs
        results[phase] = interleaved(
            {"skorch": lambda: net.partial_fit(data, epochs=1), "bare": bare},
            rounds,
            device,
            warmup=3,
        )
    pretrain_flops, joint_flops = (
        matmul_flops(fast_matmuls(phase, k, d, b)) for phase in ("pretrain", "joint")
    )
    at_peak = {
        "pretrain": pretrain_flops / peak_gflops / 1e9,
        "joint": joint_flops / peak_gflops / 1e9,
    }
    return results, at_peak, (k, b, d)


class _PhaseClock(Callback):
    """Wall-clock time at the start of training and at the end of each epoch.

    Added after the net's own callbacks, so an epoch's time includes all of
    its bookkeeping.
    """

    def on_train_begin(self, net, **kwargs):
        self.stamps_ = [time.perf_counter()]

    def on_epoch_end(self, net, **kwargs):
        self.stamps_.append(time.perf_counter())


def default_fit_rate(device, rounds, epochs=None):
    """Seconds and matmul work of each phase of a default fit on EmoDB.

    The fit is ``CycleGANOversampler(source=TESS, random_state=0)`` on EmoDB
    IS09's four classes (``epochs`` overrides the preset's), with this
    process's thread count fixed so that the peak is measured alike;
    generation is ``sample`` of the rows the fit added.  Medians over
    ``rounds`` fits.
    """
    X, y, source = _emodb_tess()
    kwargs = (
        {} if epochs is None else dict(zip(("pretrain_epochs", "max_epochs"), epochs))
    )
    seconds = {name: [] for name in ("pretrain", "joint", "generation", "fit")}
    for _ in range(rounds):
        clock = _PhaseClock()
        sampler = CycleGANOversampler(
            mode="translate",
            source=source,
            random_state=0,
            n_threads=torch.get_num_threads(),
            device=device,
            callbacks=[("phase_clock", clock)],
            **kwargs,
        )
        start = time.perf_counter()
        X_res, y_res = sampler.fit_resample(X, y)
        seconds["fit"].append(time.perf_counter() - start)
        n_pretrain = sampler.net_.pretrain_epochs
        stamps = clock.stamps_
        seconds["pretrain"].append(stamps[n_pretrain] - stamps[0])
        seconds["joint"].append(stamps[-1] - stamps[n_pretrain])
        new = dict(zip(*np.unique(y_res[len(y) :], return_counts=True)))
        start = time.perf_counter()
        sampler.sample(new)
        seconds["generation"].append(time.perf_counter() - start)
    k, d = len(sampler.classes_), X.shape[1]
    b = int(np.unique(y, return_counts=True)[1].min().clip(max=sampler.batch_size))
    calls = {"generation": {}}
    # sample() pads the classes it draws to the largest count.
    network_pass(
        calls["generation"],
        len(new),
        max(new.values()),
        [d, *FAST["generator_hidden"], d],
        backward=False,
    )
    n_epochs = {"pretrain": n_pretrain, "joint": len(stamps) - 1 - n_pretrain}
    for phase, n in n_epochs.items():
        calls[phase] = {key: c * n for key, c in fast_matmuls(phase, k, d, b).items()}
    return (
        {name: float(np.median(t)) for name, t in seconds.items()},
        calls,
        n_epochs,
        sampler,
        (k, b, d, sum(new.values())),
    )


def profile_joint_epochs(sampler, n_epochs, top=8):
    """Self CPU time per joint epoch of the ``top`` torch ops, and the rest.

    Continues the fitted net for ``n_epochs`` joint epochs (one batch each)
    under ``torch.profiler``.  Returns ``(rows, wall)``: ``(op, calls per
    epoch, ms per epoch)`` rows, first the matmuls and the top ops, then the
    time inside no torch op (Python, skorch, callbacks); the profiled wall
    time per epoch; and the ``aten::`` calls per epoch, nested ones included.
    """
    from torch.profiler import ProfilerActivity, profile

    X, y, source = _emodb_tess()
    data = _fast_data(X, y, source)
    net = sampler.net_
    with limit_threads(sampler.n_threads):
        net.partial_fit(data, epochs=3)  # warm up
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            start = time.perf_counter()
            net.partial_fit(data, epochs=n_epochs)
            wall = (time.perf_counter() - start) / n_epochs
    ops = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    per_epoch = [
        (e.key, e.count / n_epochs, e.self_cpu_time_total / 1e3 / n_epochs) for e in ops
    ]
    matmuls = [row for row in per_epoch if row[0] in ("aten::bmm", "aten::baddbmm")]
    rows = [
        (
            "matmuls (aten::bmm + aten::baddbmm)",
            sum(r[1] for r in matmuls),
            sum(r[2] for r in matmuls),
        ),
        *[row for row in per_epoch if row not in matmuls][:top],
        (
            "inside no torch op (Python, skorch, callbacks)",
            float("nan"),
            wall * 1e3 - sum(r[2] for r in per_epoch),
        ),
    ]
    n_aten = sum(row[1] for row in per_epoch if row[0].startswith("aten::"))
    return rows, wall, n_aten
