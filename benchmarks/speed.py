"""Speed and memory of the CycleGAN oversampler, against the machine's limit.

One command, one run, every number measured in that run::

    python benchmarks/speed.py [--quick] [--device cpu|cuda] [--markdown FILE]

1. fp32 matmul peak (GFLOP/s) on the shapes the networks multiply;
2. time per joint training iteration at the paper's scale (1582 features,
   four classes, generators 1000-500-1000, discriminators 1000-1000, batch 64)
   for :class:`CycleGANNet.train_step` and for the per-class loop of
   ``benchmarks/reference.py``, and both as a fraction of the peak;
3. generation throughput (rows/s) of ``CycleGANNet.transfer`` and of the
   public ``sample`` at the paper's scale;
4. wall time of a default ``fit_resample`` on EmoDB IS09 (four classes,
   TESS as source) beside SMOTE and CTGAN on the same data;
5. peak resident memory of a fit whose source is a 200,000 x 1582 float32
   ``numpy.memmap``, measured in a fresh process;
6. per-epoch cost of a small ("fast" preset) fit on EmoDB: skorch's loop
   against bare train steps and the matmul time at peak;
7. one default fit alone and two at once, for ``n_threads="auto"`` and None;
8. a default fit on EmoDB (TESS source) per phase against the matmul peak
   measured at its own shapes, and a profile of its joint epochs;
9. wall time of leave-one-speaker-out cross-validation on EmoDB with
   ``n_jobs=1`` and 2, for ``n_threads="auto"`` and None.

FLOPs are counted analytically (matmuls only, 2 per multiply-add) for what the
trainer computes: no input gradient for rows that need none, and no
discriminator weight gradient in generator steps (the trainer freezes them).
Timings interleave the contenders round by round, so a busy machine slows
them alike; the tables give the median and the best round.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reference import ReferenceCycleGANs  # noqa: E402

from benchmarks._paper_data import DATA, load_emodb, load_tess  # noqa: E402
from sklearn_cyclegan import CycleGANOversampler  # noqa: E402
from sklearn_cyclegan._net import CycleGANNet  # noqa: E402
from sklearn_cyclegan._presets import PRESETS  # noqa: E402
from sklearn_cyclegan._threads import limit_threads  # noqa: E402

PAPER = {
    "n_classes": 4,
    "n_features": 1582,
    "generator_hidden": (1000, 500, 1000),
    "discriminator_hidden": (1000, 1000),
    "classifier_hidden": (100, 100),
    "batch": 64,
}
FAST = PRESETS["fast"]


def _sizes(hidden):
    return "-".join(str(h) for h in hidden)


# -- FLOP counts -----------------------------------------------------------------


def _macs(sizes):
    """Multiply-adds per row of an MLP with layer widths ``sizes``."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def iteration_flops(
    n_classes,
    n_features,
    generator_hidden,
    discriminator_hidden,
    classifier_hidden,
    batch,
    generator_steps=2,
):
    """Matmul FLOPs of one joint iteration, as computed and as naively counted.

    With ``f(net) = 2 B macs(net)`` a forward pass over one class's batch and
    ``l(net) = 2 B d h_1`` its first layer, per class:

    * discriminator step: G, F forward without gradients (``2 f(G)``); four
      discriminator passes, each forward, weight gradient and input gradient
      below the first layer (``4 (3 f(D) - l(D))``);
    * generator step: G(s), F(t) forward and backward without the input
      gradient of the rows (``2 (3 f(G) - l(G))``); the cycle passes F(G(s)),
      G(F(t)) with both gradients (``2 * 3 f(G)``); the frozen discriminators
      on the fakes, forward and input gradient only (``2 * 2 f(D)``);

    plus the shared classifier on all ``K B`` fakes, ``3 * 2 K B macs(C)``
    per generator step.  The naive count takes every backward pass as twice
    its forward (input gradients of the data rows and discriminator weight
    gradients in generator steps included).
    """
    d, b, k = n_features, batch, n_classes
    G = [d, *generator_hidden, d]
    D = [d, *discriminator_hidden, 1]
    C = [d, *classifier_hidden, k]
    fG, fD = 2 * b * _macs(G), 2 * b * _macs(D)
    lG, lD = 2 * b * G[0] * G[1], 2 * b * D[0] * D[1]
    classifier = 3 * 2 * k * b * _macs(C)
    disc_step = k * (2 * fG + 4 * (3 * fD - lD))
    gen_step = k * (2 * (3 * fG - lG) + 2 * 3 * fG + 2 * 2 * fD) + classifier
    naive = k * (2 * fG + 4 * 3 * fD) + generator_steps * (
        k * (4 * 3 * fG + 2 * 3 * fD) + classifier
    )
    return {
        "discriminator_step": disc_step,
        "generator_step": gen_step,
        "iteration": disc_step + generator_steps * gen_step,
        "naive": naive,
    }


def generation_flops(rows, n_features, generator_hidden):
    return 2 * rows * _macs([n_features, *generator_hidden, n_features])


def _network_pass(calls, groups, rows, sizes, backward=True, weights=True, data=False):
    """Add one pass of an MLP with widths ``sizes`` over ``(groups, rows, .)``.

    Each layer runs its forward matmul and, with ``backward``, the weight
    gradient when its weights train (``weights``) and the input gradient
    except for the first layer's input when that is data (``data``).
    """
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shape = (groups, rows, n_in, n_out)
        calls[("forward", *shape)] = calls.get(("forward", *shape), 0) + 1
        if backward and weights:
            calls[("weight grad", *shape)] = calls.get(("weight grad", *shape), 0) + 1
        if backward and (i > 0 or not data):
            calls[("input grad", *shape)] = calls.get(("input grad", *shape), 0) + 1


def step_matmuls(
    phase,
    n_classes,
    n_features,
    generator_hidden,
    discriminator_hidden,
    classifier_hidden,
    batch,
    generator_steps=2,
):
    """Every matmul of one training step as ``{(kind, K, rows, in, out): calls}``.

    ``phase`` is ``"pretrain"`` (one cycle-only step) or ``"joint"`` (one
    discriminator step and ``generator_steps`` generator steps), with the
    passes :func:`iteration_flops` counts: the two give the same FLOPs.
    """
    k, b, d = n_classes, batch, n_features
    G = [d, *generator_hidden, d]
    D = [d, *discriminator_hidden, 1]
    C = [d, *classifier_hidden, k]
    calls = {}
    if phase == "pretrain":
        for _ in range(2):  # F(G(s)) and G(F(t))
            _network_pass(calls, k, b, G, data=True)
            _network_pass(calls, k, b, G)
        return calls
    for _ in range(2):  # discriminator step: the fakes, then D on real and fake
        _network_pass(calls, k, b, G, backward=False)
        for _ in range(2):
            _network_pass(calls, k, b, D, data=True)
    for _ in range(generator_steps):
        for _ in range(2):  # G(s) and F(t), the cycles, the frozen discriminators
            _network_pass(calls, k, b, G, data=True)
            _network_pass(calls, k, b, G)
            _network_pass(calls, k, b, D, weights=False)
        _network_pass(calls, 1, k * b, C)
    return calls


def matmul_flops(calls):
    return sum(
        2 * g * m * n_in * n_out * n for (_, g, m, n_in, n_out), n in calls.items()
    )


def _matmul_call(kind, groups, rows, n_in, n_out, device):
    """One matmul as the modules and autograd run it, on random operands."""
    x = torch.rand(groups, rows, n_in, device=device)
    w = torch.rand(groups, n_in, n_out, device=device)
    if kind == "forward":  # GroupedLinear.forward
        bias = torch.rand(groups, 1, n_out, device=device)
        return lambda: torch.baddbmm(bias, x, w)
    grad = torch.rand(groups, rows, n_out, device=device)
    if kind == "weight grad":  # baddbmm's backward for its second operand
        return lambda: torch.bmm(x.transpose(1, 2), grad)
    return lambda: torch.bmm(grad, w.transpose(1, 2))  # ... and for its first


def own_shape_peak(calls, device, rounds):
    """Seconds the step's matmuls take alone, each shape timed in a tight loop.

    Shapes interleave round by round; each shape's median time per call,
    times its number of calls, summed over the shapes.  ``matmul_flops(calls)``
    over this time is the matmul peak *at the step's own shapes*: what the
    step would reach if everything but its matmuls were free.
    """
    contenders, repeats = {}, {}
    for key in calls:
        call = _matmul_call(*key, device)
        flops = matmul_flops({key: 1})
        repeats[key] = max(3, min(2000, int(2e8 / flops)))

        def run(call=call, n=repeats[key]):
            for _ in range(n):
                call()

        contenders[key] = run
    times = _interleaved(contenders, rounds, device)
    return sum(times[key][0] / repeats[key] * n for key, n in calls.items())


# -- timing helpers --------------------------------------------------------------


def _sync(device):
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def _timed(fn, device):
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def _interleaved(contenders, rounds, device, warmup=1):
    """Seconds per call of each contender, called round-robin ``rounds`` times."""
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(_timed(fn, device))
    return {name: (float(np.median(t)), float(np.min(t))) for name, t in times.items()}


def _user_env():
    """This process's environment without thread limits, as a user's Python starts."""
    limits = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    return {key: v for key, v in os.environ.items() if key not in limits}


# -- 1. matmul peak --------------------------------------------------------------


def matmul_peak(device, rounds):
    """Best fp32 GFLOP/s over the layer shapes of the paper's networks.

    Forward ``(K, B, in) @ (K, in, out)``, weight gradient
    ``(K, in, B) @ (K, B, out)`` and generation-sized ``(K, 4096, in) @ (K, in, out)``
    batched matmuls, each the first (largest) layer of a generator.
    """
    k, d, b = PAPER["n_classes"], PAPER["n_features"], PAPER["batch"]
    h = PAPER["generator_hidden"][0]
    shapes = {
        f"forward {k}x({b}x{d} @ {d}x{h})": (k, b, d, h),
        f"weight grad {k}x({d}x{b} @ {b}x{h})": (k, d, b, h),
        f"generation {k}x(4096x{d} @ {d}x{h})": (k, 4096, d, h),
    }
    rows = []
    for name, (g, m, n_in, n_out) in shapes.items():
        x = torch.rand(g, m, n_in, device=device)
        w = torch.rand(g, n_in, n_out, device=device)
        out = torch.empty(g, m, n_out, device=device)
        repeats = max(1, int(2e9 / (2 * g * m * n_in * n_out)))

        def run():
            for _ in range(repeats):
                torch.bmm(x, w, out=out)

        median, best = _interleaved({name: run}, rounds, device)[name]
        flops = 2 * g * m * n_in * n_out * repeats
        rows.append((name, flops / median / 1e9, flops / best / 1e9))
    return rows


# -- 2. training iteration -------------------------------------------------------


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

    return _interleaved(
        {"ours": ours, "reference": lambda: reference.train_step(source, target)},
        rounds,
        device,
    )


# -- 3. generation ---------------------------------------------------------------


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
    times = _interleaved(
        {
            "CycleGANNet.transfer": lambda: sampler.net_.transfer(rows),
            "CycleGANOversampler.sample": lambda: sampler.sample(rows_per_class),
        },
        rounds,
        device,
    )
    return times, p["n_classes"] * rows_per_class


# -- 4. fit_resample beside SMOTE and CTGAN -----------------------------------------


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
    ours = CycleGANOversampler(source=source, device=device, random_state=0, **kwargs)
    total_epochs = sum(ours._resolved(n) for n in ("pretrain_epochs", "max_epochs"))
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


# -- 5. memory with a memory-mapped source -------------------------------------------


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


def _memmap_child(path, epochs):
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
        [sys.executable, __file__, "--memmap-child", source, "--epochs", str(epochs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- 6. per-epoch overhead of small fits ---------------------------------------------


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


def _fast_matmuls(phase, k, d, b):
    return step_matmuls(
        phase,
        k,
        d,
        FAST["generator_hidden"],
        FAST["discriminator_hidden"],
        FAST["classifier_hidden"],
        b,
        FAST["generator_steps"],
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
        results[phase] = _interleaved(
            {"skorch": lambda: net.partial_fit(data, epochs=1), "bare": bare},
            rounds,
            device,
            warmup=3,
        )
    pretrain_flops, joint_flops = (
        matmul_flops(_fast_matmuls(phase, k, d, b)) for phase in ("pretrain", "joint")
    )
    at_peak = {
        "pretrain": pretrain_flops / peak_gflops / 1e9,
        "joint": joint_flops / peak_gflops / 1e9,
    }
    return results, at_peak, (k, b, d)


# -- report ----------------------------------------------------------------------------


# -- 7. two fits at once: thread policies under contention --------------------------


def _contention_child(policy, epochs):
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
    command = [sys.executable, __file__, "--contention-child", policy]
    children = [
        subprocess.Popen(
            [*command, "--epochs", str(epochs)],
            stdout=subprocess.PIPE,
            text=True,
            env=_user_env(),
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


# -- 8. a default fit against the matmul peak at its own shapes -----------------------


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
    _network_pass(
        calls["generation"],
        len(new),
        max(new.values()),
        [d, *FAST["generator_hidden"], d],
        backward=False,
    )
    n_epochs = {"pretrain": n_pretrain, "joint": len(stamps) - 1 - n_pretrain}
    for phase, n in n_epochs.items():
        calls[phase] = {key: c * n for key, c in _fast_matmuls(phase, k, d, b).items()}
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


# -- 9. leave-one-speaker-out cross-validation ------------------------------------


def _loso_child(config, epochs):
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
            command = [sys.executable, __file__, "--loso-child", f"{policy},{n_jobs}"]
            try:
                out = subprocess.run(
                    [*command, "--epochs", str(epochs)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=_user_env(),
                    timeout=limit,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
            except subprocess.TimeoutExpired:
                result = {"seconds": None, "uar": None, "folds": None}
            results[policy, n_jobs] = {**result, "load": load}
    return results, limit


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(device):
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds, shorter fits, a 20,000-row memmap",
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=[
            "train",
            "generation",
            "fit",
            "memmap",
            "epochs",
            "contention",
            "rate",
            "loso",
        ],
        help="leave out sections 2, 3, 4, 5, 6, 7, 8 or 9",
    )
    parser.add_argument("--memmap-child", help=argparse.SUPPRESS)
    parser.add_argument("--contention-child", help=argparse.SUPPRESS)
    parser.add_argument("--loso-child", help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memmap_child:
        return _memmap_child(args.memmap_child, args.epochs)
    if args.contention_child:
        return _contention_child(args.contention_child, args.epochs)
    if args.loso_child:
        return _loso_child(args.loso_child, args.epochs)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device is available")
    device = args.device
    rounds = 3 if args.quick else 9
    out = [
        f"Machine: {_machine(device)}; device `{device}`; "
        f"`python {' '.join(sys.argv if argv is None else ['speed.py', *argv])}`; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
    ]

    def show(title, text):
        out.extend([f"### {title}", "", text, ""])
        print(f"\n### {title}\n\n{text}", flush=True)
        if args.markdown:  # after every section, so an interrupted run keeps its tables
            Path(args.markdown).write_text("\n".join(out))

    print(out[0], flush=True)
    peak_rows = matmul_peak(device, rounds)
    peak = max(row[1] for row in peak_rows)
    show(
        "1. fp32 matmul peak",
        _table(
            ["shape", "GFLOP/s (median)", "GFLOP/s (best)"],
            [(name, f"{m:.1f}", f"{b:.1f}") for name, m, b in peak_rows],
        )
        + f"\n\nPeak used below: **{peak:.1f} GFLOP/s** (best median).",
    )

    p = PAPER
    flops = iteration_flops(
        p["n_classes"],
        p["n_features"],
        p["generator_hidden"],
        p["discriminator_hidden"],
        p["classifier_hidden"],
        p["batch"],
    )
    if "train" not in args.skip:
        times = training(device, rounds)
        (ours_med, ours_best), (ref_med, ref_best) = times["ours"], times["reference"]
        it = flops["iteration"]
        own_seconds = own_shape_peak(
            step_matmuls(
                "joint",
                p["n_classes"],
                p["n_features"],
                p["generator_hidden"],
                p["discriminator_hidden"],
                p["classifier_hidden"],
                p["batch"],
            ),
            device,
            min(rounds, 5),
        )
        own_peak = it / own_seconds / 1e9
        show(
            "2. One joint training iteration at paper scale",
            _table(
                [
                    "trainer",
                    "s/iteration (median)",
                    "s/iteration (best)",
                    "GFLOP/s",
                    "fraction of peak",
                    "fraction of own-shape peak",
                ],
                [
                    (
                        "CycleGANNet.train_step",
                        f"{ours_med:.3f}",
                        f"{ours_best:.3f}",
                        f"{it / ours_med / 1e9:.1f}",
                        f"{it / ours_med / 1e9 / peak:.0%}",
                        f"{own_seconds / ours_med:.0%}",
                    ),
                    (
                        "reference loop (benchmarks/reference.py)",
                        f"{ref_med:.3f}",
                        f"{ref_best:.3f}",
                        f"{it / ref_med / 1e9:.1f}",
                        f"{it / ref_med / 1e9 / peak:.0%}",
                        f"{own_seconds / ref_med:.0%}",
                    ),
                ],
            )
            + f"\n\nSpeed-up reference/ours: **{ref_med / ours_med:.2f}x** (medians), "
            f"{ref_best / ours_best:.2f}x (best rounds).  Matmul work per iteration: "
            f"{it / 1e9:.1f} GFLOP as computed "
            f"(discriminator step {flops['discriminator_step'] / 1e9:.1f}, "
            f"each of 2 generator steps "
            f"{flops['generator_step'] / 1e9:.1f}); a naive count with full "
            "backward passes and "
            "discriminator weight gradients in generator steps gives "
            f"{flops['naive'] / 1e9:.1f}.  Peak at the step's own matmul shapes "
            f"(each forward, weight-gradient and input-gradient matmul of the "
            f"iteration timed alone, as `own_shape_peak` does): **{own_peak:.1f} "
            f"GFLOP/s**, {own_seconds:.3f} s of matmuls per iteration.",
        )

    if "generation" not in args.skip:
        rows_per_class = 4096 if args.quick else 8192
        gen_times, n_rows = generation(device, min(rounds, 5), rows_per_class)
        gflop = generation_flops(n_rows, p["n_features"], p["generator_hidden"]) / 1e9
        show(
            "3. Generation at paper scale",
            _table(
                [
                    "path",
                    "rows/s (median)",
                    "rows/s (best)",
                    "GFLOP/s",
                    "fraction of peak",
                ],
                [
                    (
                        name,
                        f"{n_rows / m:,.0f}",
                        f"{n_rows / b:,.0f}",
                        f"{gflop / m:.1f}",
                        f"{gflop / m / peak:.0%}",
                    )
                    for name, (m, b) in gen_times.items()
                ],
            )
            + f"\n\n{n_rows:,} rows ({p['n_classes']} classes x "
            f"{rows_per_class:,}) per call; "
            "`sample` includes drawing and scaling source rows and the float64 "
            "inverse scaling.",
        )

    if "fit" not in args.skip and (DATA / "emodb_is09.csv.gz").exists():
        epochs = (30, 30) if args.quick else None
        fits, total_epochs, shape = fit_resample_times(device, epochs)
        show(
            "4. fit_resample on EmoDB IS09, four classes, TESS source",
            _table(
                ["sampler", "wall seconds"], [(k, f"{v:.3g}") for k, v in fits.items()]
            )
            + f"\n\nX: {shape[0]} rows x {shape[1]} features; CycleGAN "
            f"{'30 + 30 epochs' if epochs else 'default (fast preset)'}; CTGAN with "
            f"the same total number of epochs ({total_epochs}), label as a "
            "discrete column, "
            "each class drawn by conditional sampling.",
        )

    if "memmap" not in args.skip and (DATA / "emodb_is10.csv.gz").exists():
        n_rows = 20_000 if args.quick else 200_000
        fits = memmap_fit(n_rows, epochs=2)
        m, control = fits["memmap"], fits["in-memory"]
        mib = 2**20
        rows = []
        for name, r in (
            ("memmap source", m),
            ("1,000-row in-memory source (control)", control),
        ):
            rows.append(
                (
                    name,
                    f"{r['baseline'] / mib:,.0f} MiB",
                    f"{r['before_fit'] / mib:,.0f} MiB",
                    f"{r['peak'] / mib:,.0f} MiB",
                    f"{(r['peak'] - r['before_fit']) / mib:,.0f} MiB",
                    f"{r['peak'] / m['memmap_bytes']:.2f}",
                    f"{(r['peak'] - r['before_fit']) / m['memmap_bytes']:.2f}",
                )
            )
        show(
            "5. Peak memory of a fit with a memory-mapped source",
            _table(
                [
                    "fit",
                    "RSS after imports",
                    "RSS before fit",
                    "peak RSS",
                    "growth during fit",
                    "peak / memmap size",
                    "growth / memmap size",
                ],
                rows,
            )
            + f"\n\nSource: {m['n_rows']:,} x {p['n_features']} float32 `.npy` "
            f"({m['memmap_bytes'] / mib:,.0f} MiB) opened with "
            "`np.load(mmap_mode='r')`; "
            "X: EmoDB IS10 four classes; fast preset, 2 + 2 epochs; each fit in a "
            "fresh "
            f"process (VmHWM from /proc), {m['fit_seconds']:.1f} s and "
            f"{control['fit_seconds']:.1f} s.  The memmap source itself costs "
            f"{(m['peak'] - control['peak']) / mib:+,.0f} MiB of peak RSS against "
            "the control.",
        )

    if "epochs" not in args.skip and (DATA / "emodb_is09.csv.gz").exists():
        results, at_peak, (k, b, d) = epoch_overhead(
            device, 10 if args.quick else 30, peak
        )
        show(
            "6. Per-epoch cost of a fast-preset fit on EmoDB IS09 (one batch per "
            "epoch)",
            _table(
                [
                    "phase",
                    "skorch epoch",
                    "bare train_step",
                    "skorch per-epoch work",
                    "matmul time at peak",
                ],
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
            + f"\n\nMedians of interleaved rounds.  Batch: {k} classes x {b} rows "
            f"x {d} "
            "features; the fast preset (generators "
            f"{_sizes(FAST['generator_hidden'])}, "
            f"discriminators {_sizes(FAST['discriminator_hidden'])}, "
            f"{FAST['generator_steps']} generator step per discriminator step); "
            "`partial_fit(epochs=1)` "
            "runs one epoch with the net's callbacks (timer, loss scoring, "
            "learning-rate "
            "decay, divergence guard, epoch seeding).",
        )

    if "contention" not in args.skip and device == "cpu":
        epochs = 20 if args.quick else 100
        med, loads = contention(rounds=2 if args.quick else 3, epochs=epochs)
        show(
            "7. One fit alone and two at once, per thread policy",
            _table(
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
            + f"\n\nMedians over interleaved rounds; each fit a fresh process on "
            f"EmoDB IS09 (fast preset, {epochs} + {epochs} epochs).  "
            f"`auto` alone against torch's default: "
            f"{med['auto', 1] / med['torch', 1]:.2f}x.  1-minute load average "
            f"before each round: {', '.join(loads)}.",
        )

    if "rate" not in args.skip and (DATA / "emodb_is09.csv.gz").exists():
        epochs = (10, 30) if args.quick else None
        seconds, calls, n_epochs, sampler, (k, b, d, n_new) = default_fit_rate(
            device, 2 if args.quick else 3, epochs
        )
        own = {
            phase: own_shape_peak(c, device, 3 if args.quick else 5)
            for phase, c in calls.items()
        }
        calls["fit"] = {}
        for phase in ("pretrain", "joint", "generation"):
            for key, n in calls[phase].items():
                calls["fit"][key] = calls["fit"].get(key, 0) + n
        own["fit"] = sum(own[phase] for phase in ("pretrain", "joint", "generation"))
        rows = []
        for phase, label in (
            ("pretrain", f"pre-training ({n_epochs['pretrain']} epochs)"),
            ("joint", f"joint training ({n_epochs['joint']} epochs)"),
            ("generation", f"generation (`sample`, {n_new} rows)"),
            ("fit", "whole `fit_resample`"),
        ):
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
        profile_rows, profiled, n_aten = profile_joint_epochs(
            sampler, 20 if args.quick else 50
        )
        joint_epoch = seconds["joint"] / n_epochs["joint"]
        show(
            "8. A default fit against the matmul peak at its own shapes",
            _table(
                [
                    "phase",
                    "matmul GFLOP",
                    "seconds",
                    "GFLOP/s",
                    "peak at own shapes (GFLOP/s)",
                    "fraction of that peak",
                ],
                rows,
            )
            + f"\n\n`CycleGANOversampler(source=TESS, random_state=0)` on EmoDB "
            f"IS09 ({k} classes, {d} features, one batch of {b} rows per class and "
            f"epoch), fast preset, `n_threads={sampler.n_threads}` (this "
            f"process's threads, also those of the peak); medians of "
            f"{2 if args.quick else 3} fits.  Pre-training and joint training "
            "are wall time between epoch ends, all callbacks included; "
            "`whole fit_resample` adds scaling, setup, the diversity check and "
            "generation.  The peak at own shapes times each matmul of the phase "
            "(forward `baddbmm`, weight- and input-gradient `bmm`, the "
            "classifier's single group) alone in a tight loop; the fraction is "
            "those matmuls' time over the phase's time.  1-minute load average "
            f"after the fits: {Path('/proc/loadavg').read_text().split()[0]}."
            "\n\nWhere a joint epoch goes (`torch.profiler`, self CPU time, "
            f"{20 if args.quick else 50} more joint epochs of the same net; "
            f"{profiled * 1e3:.1f} ms per epoch under the profiler against "
            f"{joint_epoch * 1e3:.1f} ms without; {n_aten:,.0f} `aten::` op "
            "calls per epoch, nested ones included):\n\n"
            + _table(
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
            ),
        )

    if "loso" not in args.skip and (DATA / "emodb_is09.csv.gz").exists():
        epochs = 30 if args.quick else 0
        results, limit = loso(epochs)
        folds = {r["folds"] for r in results.values()} - {None}
        show(
            "9. Leave-one-speaker-out cross-validation on EmoDB",
            _table(
                [
                    "n_threads",
                    "n_jobs",
                    "wall seconds",
                    "UAR",
                    "1-minute load before",
                ],
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
            + f"\n\n`cross_val_score(make_pipeline(CycleGANOversampler(source=TESS, "
            f"random_state=0), StandardScaler(), MLPClassifier(random_state=0)), "
            f"groups=speaker, cv=LeaveOneGroupOut())` on EmoDB IS09, four classes, "
            f"{', '.join(map(str, folds))} folds, "
            f"{'fast preset' if not epochs else f'{epochs} + {epochs} epochs'}; "
            "each run a fresh process without `OMP_NUM_THREADS` and the like, as "
            "a user's Python starts.",
        )

    return None


if __name__ == "__main__":
    main()
