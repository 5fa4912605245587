"""What a fit did, in words: the ``summary_`` of a fitted sampler.

``verbose`` prints it as one line, the demo names its rows by it, so that a
user can tell a fit that interpolated each class's rows (no epochs trained)
from one that picked a source's rows or translated them through trained
CycleGANs, and, for ``mode="auto"`` with a source, what the inner folds scored.
"""

import os
import time

import numpy as np
import pandas as pd

__all__ = ["describe_source", "fit_summary", "summary_line"]


def describe_source(source, interpolated):
    """The source of a fit, as the user gave it, in a few words."""
    if source is None:
        if interpolated:
            return "none: each class's own rows, interpolated"
        return "none: the rows of all classes, pooled"
    if isinstance(source, (str, os.PathLike)):
        what = f"file {os.path.basename(os.fspath(source))}"
    elif isinstance(source, np.memmap):
        what = "memory-mapped array"
    elif isinstance(source, pd.DataFrame):
        what = "DataFrame"
    else:
        what = "array"
    if interpolated:
        return f"{what}, not used: each class's own rows, interpolated"
    return what


def fit_summary(
    sampler, source, interpolated, started, inner, resolved_source, resolved
):
    """What ``sampler``'s fit did, as its ``summary_`` dict.

    Parameters
    ----------
    sampler : CycleGANOversampler
        The fitted sampler, read for its parameters and fitted attributes.
    source : array-like, str, path-like or None
        The source as the user gave it.
    interpolated : bool
        Whether each class's own rows were interpolated.
    started : float
        ``time.perf_counter()`` at the start of the fit.
    inner : dict or None
        The inner folds' UAR per mode, when they chose the mode.
    resolved_source : SourceRows
        The source the fit drew from (its ``n_rows``).
    resolved : dict
        What the preset's "auto" values became (None where unused).
    """
    history, aucs = sampler.history_, sampler.detection_auc_
    net = sampler.net_
    if inner is not None:
        chosen_by = "inner folds"
    elif sampler.mode != "auto":
        chosen_by = "mode"
    elif source is not None and sampler.mode_ == "interpolate":
        # "auto" with a source interpolates without inner folds only when the
        # source is smaller than the rows asked for (_floor.source_too_small).
        chosen_by = "source size"
    else:
        chosen_by = "preset"
    return {
        "mode": sampler.mode_,
        "chosen_by": chosen_by,
        "inner_uar": None
        if inner is None
        else {m: round(float(np.mean(v)), 2) if v else None for m, v in inner.items()},
        "inner_uar_folds": None
        if inner is None
        else {m: [round(u, 2) for u in v] for m, v in inner.items()},
        "source": describe_source(source, interpolated),
        "source_rows": int(resolved_source.n_rows),
        "preset": sampler.preset,
        **resolved,
        "epochs_planned": 0 if net is None else int(net.total_epochs),
        "epochs_run": len(history),
        "stopped_early": bool(len(history) and history[-1].get("stopped_early", False)),
        "detection_auc": None
        if np.isnan(aucs).all()
        else dict(zip(sampler.classes_.tolist(), aucs.round(3).tolist())),
        "seconds": round(time.perf_counter() - started, 2),
    }


def summary_line(summary):
    """``summary_`` as one line, e.g. for ``verbose``."""
    if summary["mode"] == "interpolate":
        what = (
            "interpolated each class's own rows (SMOTE-style; no CycleGAN "
            "epochs trained)"
        )
    elif summary["mode"] == "select":
        what = (
            f"picked each class's most likely rows of {summary['source_rows']:,} "
            f"source rows ({summary['source']}), aligned to X, untranslated"
        )
    else:
        what = (
            f"translated {summary['source_rows']:,} source rows ({summary['source']}) "
            f"through CycleGANs trained {summary['epochs_run']} of "
            f"{summary['epochs_planned']} epochs"
        )
        if summary["stopped_early"]:
            what += ", stopped early"
    line = f"CycleGANOversampler: {what} in {summary['seconds']:.1f} s"
    inner = summary.get("inner_uar")
    if inner:
        scores = ", ".join(
            f"{m} {u:.1f}" if u is not None else f"{m} -" for m, u in inner.items()
        )
        line += f"; chosen by inner folds (UAR %: {scores})"
    if summary["detection_auc"]:
        aucs = ", ".join(f"{c}: {a:.2f}" for c, a in summary["detection_auc"].items())
        line += f"; detection AUC {aucs}"
    return line + "."
