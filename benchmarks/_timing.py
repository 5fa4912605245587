"""Timing helpers of the speed benchmark: interleaved rounds and matmul peaks.

Timings interleave the contenders round by round, so a busy machine slows
them alike; callers report the median and the best round.
"""

import os
import time

import numpy as np
import torch

from ._flops import PAPER, matmul_flops


def _sync(device):
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, device):
    """Wall seconds of ``fn()``, device work included."""
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def interleaved(contenders, rounds, device, warmup=1):
    """Seconds per call of each contender, called round-robin ``rounds`` times."""
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(timed(fn, device))
    return {name: (float(np.median(t)), float(np.min(t))) for name, t in times.items()}


def user_env():
    """This process's environment without thread limits, as a user's Python starts."""
    limits = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    return {key: v for key, v in os.environ.items() if key not in limits}


def matmul_call(kind, groups, rows, n_in, n_out, device):
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
        call = matmul_call(*key, device)
        flops = matmul_flops({key: 1})
        repeats[key] = max(3, min(2000, int(2e8 / flops)))

        def run(call=call, n=repeats[key]):
            for _ in range(n):
                call()

        contenders[key] = run
    times = interleaved(contenders, rounds, device)
    return sum(times[key][0] / repeats[key] * n for key, n in calls.items())


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

        median, best = interleaved({name: run}, rounds, device)[name]
        flops = 2 * g * m * n_in * n_out * repeats
        rows.append((name, flops / median / 1e9, flops / best / 1e9))
    return rows
