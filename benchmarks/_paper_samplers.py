"""Samplers the paper reproduction needs beyond imbalanced-learn's own.

``resampled`` runs an over-sampler as a pipeline step that can drop the
real rows, for the paper's "trained on synthetic data only" rows;
``CTGANOverSampler`` wraps CTGAN (Xu et al., 2019) as an imbalanced-learn
over-sampler, the GAN baseline users reach for first.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from imblearn import FunctionSampler
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone
from sklearn.utils import check_random_state

__all__ = ["CTGANOverSampler", "resampled"]


def _fit_resample(sampler, X, y):
    return sampler.fit_resample(X, y)


def _resample(X, y, sampler, keep, memory):
    fit = _fit_resample if memory is None else memory.cache(_fit_resample)
    X_res, y_res = fit(clone(sampler), X, y)
    if keep == "synthetic":
        # Over-samplers return the original rows first, the new rows after them.
        return X_res[len(X) :], y_res[len(y) :]
    return X_res, y_res


def resampled(sampler, keep="all", memory=None):
    """Pipeline step running ``sampler``; ``keep="synthetic"`` drops the real rows.

    The paper's "synthetic only" rows train on the generated rows alone.  With
    a joblib ``memory``, the "synthetic only" and "real + synthetic" steps of
    one fold share a single fit of ``sampler`` (same parameters, same rows).

    Parameters
    ----------
    sampler : imbalanced-learn over-sampler
    keep : {"all", "synthetic"}
    memory : joblib.Memory or None
    """
    if keep not in ("all", "synthetic"):
        raise ValueError(f"keep must be 'all' or 'synthetic', got {keep!r}.")
    return FunctionSampler(
        func=_resample,
        validate=False,
        kw_args={"sampler": sampler, "keep": keep, "memory": memory},
    )


class CTGANOverSampler(BaseOverSampler):
    """Over-sample with one class-conditional CTGAN.

    The label is a discrete column of the CTGAN's table, and the rows of each
    class are drawn with ``condition_column``/``condition_value``.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn.
    epochs : int, default=30
        CTGAN training epochs.
    batch_size : int, default=100
        CTGAN batch size (a multiple of its ``pac=10``).
    random_state : int or None, default=None
        Seeds CTGAN's torch and numpy generators.
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "epochs": [Integral],
        "batch_size": [Integral],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, sampling_strategy="auto", epochs=30, batch_size=100, random_state=None
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.epochs = epochs
        self.batch_size = batch_size
        self.random_state = random_state

    def _fit_resample(self, X, y):
        from ctgan import CTGAN

        # CTGAN and its rdt transformers need string column names.
        columns = [f"f{i}" for i in range(X.shape[1])]
        frame = pd.DataFrame(X, columns=columns)
        frame["label"] = np.asarray(y).astype(str)
        model = CTGAN(epochs=self.epochs, batch_size=self.batch_size, verbose=False)
        seed = check_random_state(self.random_state).randint(2**31)
        model.set_random_state(seed)
        model.fit(frame, discrete_columns=["label"])
        X_new, y_new = [X], [y]
        for label, n_rows in self.sampling_strategy_.items():
            if n_rows == 0:
                continue
            rows = model.sample(
                n_rows, condition_column="label", condition_value=str(label)
            )
            X_new.append(rows[columns].to_numpy(dtype=X.dtype))
            y_new.append(np.full(n_rows, label, dtype=y.dtype))
        return np.vstack(X_new), np.concatenate(y_new)
