"""Warnings about a source that a Pipeline or cross-validation mishandled.

Both concern how scikit-learn and imbalanced-learn route fit parameters to a
sampler: without metadata routing imbalanced-learn's Pipeline drops them, and
cross-validation slices any fit parameter with as many rows as X.
"""

import inspect
import os
import warnings

__all__ = ["warn_if_pipeline_dropped_params", "warn_if_sliced"]


def warn_if_sliced(source, X):
    """Warn when ``source`` has as many rows as X: cross-validation may cut it."""
    if source is None or _n_rows(source) != _n_rows(X):
        return
    # Cross-validation slices every fit parameter with len(X) rows along with
    # X, so such a source may have reached the sampler cut per fold.
    warnings.warn(
        f"source has as many rows as X ({_n_rows(X)}); if it was passed "
        "through cross-validation or a splitter, scikit-learn sliced it "
        "per fold like X. Pass it to the constructor "
        "(CycleGANOversampler(source=S)) or as a file path to keep it "
        "whole.",
        UserWarning,
        stacklevel=3,
    )


def warn_if_pipeline_dropped_params():
    """Warn when imbalanced-learn's Pipeline dropped this step's fit parameters.

    Without metadata routing its ``fit`` collects ``aug__source=S`` for the
    step but calls ``fit_resample`` without it (imbalanced-learn 0.13-0.14),
    and nothing else would tell the user that ``S`` was never used.  Call it
    from ``fit_resample`` itself: it looks a few frames up the caller's stack.
    """
    frame = inspect.currentframe()
    try:
        for _ in range(4):
            frame = frame.f_back
            if frame is None:
                return
            code = frame.f_code
            if code.co_name == "_fit_resample_one" and "imblearn" in code.co_filename:
                params = frame.f_locals.get("params") or {}
                dropped = sorted(params.get("fit", {}))
                break
        else:
            return
    finally:
        del frame
    if dropped and not params.get("fit_resample"):
        warnings.warn(
            f"imbalanced-learn's Pipeline did not pass {dropped} to "
            "CycleGANOversampler.fit_resample: without metadata routing it gives "
            "samplers no fit parameters. Set the source on the step instead "
            "(pipe.set_params(<step>__source=S)), or enable routing "
            "(sklearn.set_config(enable_metadata_routing=True)) and request it "
            "(CycleGANOversampler().set_fit_resample_request(source=True)).",
            UserWarning,
            stacklevel=3,
        )


def _n_rows(data):
    if isinstance(data, (str, os.PathLike)):
        return None  # a file is never sliced by cross-validation
    return data.shape[0] if hasattr(data, "shape") else len(data)
