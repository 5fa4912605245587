"""What a fit did, in words: the ``summary_`` of a fitted sampler.

``verbose`` prints it as one line, the demo names its rows by it, so that a
user can tell a fit that interpolated each class's rows (no epochs trained)
from one that translated a source through trained CycleGANs.
"""

import os

import numpy as np
import pandas as pd

__all__ = ["describe_source", "summary_line"]


def describe_source(source, interpolated):
    """The source of a fit, as the user gave it, in a few words."""
    if source is None:
        if interpolated:
            return "none: each class's own rows, interpolated"
        return "none: the rows of all classes, pooled"
    if isinstance(source, (str, os.PathLike)):
        return f"file {os.path.basename(os.fspath(source))}"
    if isinstance(source, np.memmap):
        return "memory-mapped array"
    if isinstance(source, pd.DataFrame):
        return "DataFrame"
    return "array"


def summary_line(summary):
    """``summary_`` as one line, e.g. for ``verbose``."""
    if summary["mode"] == "interpolate":
        what = (
            "interpolated each class's own rows (SMOTE-style; no CycleGAN "
            "epochs trained)"
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
    if summary["detection_auc"]:
        aucs = ", ".join(f"{c}: {a:.2f}" for c, a in summary["detection_auc"].items())
        line += f"; detection AUC {aucs}"
    return line + "."
