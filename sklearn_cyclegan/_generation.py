"""Synthetic rows: source rows through the trained generators, with guards.

Before training, ``check_output_size`` refuses an output larger than memory;
while generating, ``check_generated`` refuses rows of a diverged network.
"""

import os
from numbers import Integral

import numpy as np

from .exceptions import DivergenceError

__all__ = [
    "check_generated",
    "check_output_size",
    "generate",
    "pass_indices",
    "sample_counts",
    "shifts_source",
]

# Source rows per class pushed through the generators at once: large enough
# that each layer is one long, efficient matmul, small enough that a chunk of
# four classes at 1582 features stays near 100 MB.
GENERATION_ROWS = 4096

# Real rows scale into [0, 1]; a generated value this many ranges away is no
# row of any class.  Finite losses can hide such a blow-up (e.g. lr=10).
DIVERGED_RANGE = 100.0


def generate(net, source, target_scaler, classes, counts, rng):
    """Exactly ``counts[c]`` synthetic rows of each class ``c``, class by class.

    Parameters
    ----------
    net : CycleGANNet
        The fitted net.
    source : SourceRows
        The rows the generators translate.
    target_scaler : TargetScaler
        X's scaler, which maps generated rows back to X's units.
    classes : ndarray
        The fitted classes, in the order of the per-class networks.
    counts : dict
        Rows wanted per class; a class left out gets none.
    rng : numpy.random.Generator
        Chooses the source rows.

    Returns
    -------
    X_new : ndarray of shape (n_rows, n_encoded_features)
    y_new : ndarray of shape (n_rows,)
    """
    n_source = source.n_rows
    wanted = [k for k, c in enumerate(classes) if counts.get(c, 0) > 0]
    sizes = np.array([int(counts[classes[k]]) for k in wanted], dtype=np.int64)
    X_new = np.empty((int(sizes.sum()), target_scaler.scaler_.n_features_in_))
    if not wanted:
        return X_new, classes[:0]
    # Each class draws its own source rows: without replacement while the
    # source lasts, then whole new passes over it.
    picks = np.zeros((len(wanted), sizes.max()), dtype=np.int64)
    for i, size in enumerate(sizes):
        picks[i, :size] = source.offset(wanted[i]) + pass_indices(n_source, size, rng)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    shifts = shifts_source(net, source)
    # Chunk by chunk, each block goes from the generator straight into its
    # place in the output, so no second copy of all rows is ever held.
    for start in range(0, sizes.max(), GENERATION_ROWS):
        active = np.flatnonzero(sizes > start)
        chunk = picks[active, start : start + GENERATION_ROWS]
        rows = source.take(chunk)
        generated = net.transfer(rows, groups=[wanted[i] for i in active]).numpy()
        check_generated(generated)
        for block, given, index, i in zip(generated, rows, chunk, active):
            n = min(sizes[i] - start, GENERATION_ROWS)
            out = X_new[offsets[i] + start :][:n]
            if shifts:
                # Source and X share units: add the generator's change to
                # the exact source row instead of rescaling a float32 one.
                delta = block[:n] - given[:n].numpy()
                target_scaler.shift(source.source[index[:n]], delta, out=out)
            else:
                target_scaler.inverse_transform(block[:n], out=out)
    source.release()
    return X_new, np.repeat(classes[wanted], sizes)


def shifts_source(net, source):
    """Whether synthetic rows are source rows plus a residual generator's change."""
    return source.n_groups is not None and net.module_.generator.residual


def check_output_size(n_rows, n_features):
    """Refuse, before training, an output larger than this machine's memory."""
    # The float64 rows generated, then the output in X's dtype beside them.
    needed = 2 * n_rows * n_features * 8
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return  # memory size unknown (not POSIX): let numpy decide
    if needed > total:
        raise MemoryError(
            f"{n_rows:,} rows x {n_features} features were asked for: "
            f"about {needed / 2**30:,.1f} GiB to build, more than this machine's "
            f"{total / 2**30:,.1f} GiB of memory. Ask for fewer rows, or draw them "
            "in parts with sample()."
        )


def pass_indices(n, size, rng):
    """``size`` indices into ``n`` rows: without replacement while the rows
    last, then in whole new passes over them.

    Parameters
    ----------
    n, size : int
    rng : numpy.random.Generator

    Returns
    -------
    indices : ndarray of shape (size,)
    """
    passes = [rng.permutation(n) for _ in range(-(-size // n))]
    return np.concatenate(passes or [np.empty(0, dtype=np.int64)])[:size]


def check_generated(rows):
    """Raise DivergenceError for non-finite or exploded generated rows."""
    if not np.isfinite(rows).all():
        raise DivergenceError(
            "The generators produced non-finite rows; training diverged. Lower "
            "the learning rate or try another random_state."
        )
    worst = float(np.abs(rows - 0.5).max(initial=0.0))
    if worst > DIVERGED_RANGE:
        raise DivergenceError(
            f"The generators produced values {worst:.3g} feature ranges away from "
            "the data (real rows lie within 1); training diverged although the "
            "losses stayed finite. Lower the learning rate (lr) or try another "
            "random_state."
        )


def sample_counts(n_samples, classes, fitted):
    """``sample``'s request as ``{class: n_rows}``, checked against ``fitted``."""
    if isinstance(n_samples, dict):
        counts = dict(n_samples)
        bad = {
            c: n
            for c, n in counts.items()
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 0
        }
        if bad:
            raise ValueError(
                f"n_samples must map classes to non-negative ints; got {bad!r}."
            )
    else:
        if not isinstance(n_samples, Integral) or n_samples < 0:
            raise ValueError(
                f"n_samples must be a non-negative int or a dict, got {n_samples!r}."
            )
        wanted = fitted if classes is None else np.asarray(classes)
        counts = {c: int(n_samples) for c in wanted}
    unknown = [c for c in counts if c not in set(fitted.tolist())]
    if unknown:
        raise ValueError(
            f"Unknown classes {unknown}; the sampler was fitted on {fitted.tolist()}."
        )
    return counts
