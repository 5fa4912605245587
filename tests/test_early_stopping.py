"""Early stopping on held-back rows.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import warnings

import numpy as np
import pytest
from skorch.callbacks import Callback

from sklearn_cyclegan import (
    CycleGANOversampler,
    ModeCollapseWarning,
)

from ._failures import check_resampled
from .conftest import FAST


def test_early_stopping_stops_on_held_back_rows_and_keeps_all_rows(imbalanced):
    X, y = imbalanced
    # A high learning rate: the distance falls within a few epochs, then rises.
    sampler = CycleGANOversampler(
        random_state=0,
        early_stopping=True,
        n_iter_no_change=2,
        lr=1e-2,
        **dict(FAST, max_epochs=60),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # stopping early is no interruption
        warnings.simplefilter("ignore", ModeCollapseWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    history = sampler.history_
    joint = [row for row in history if row["phase"] == "joint"]
    assert all(
        "valid_distance" not in row for row in history[: FAST["pretrain_epochs"]]
    )
    assert all(np.isfinite(row["valid_distance"]) for row in joint)
    assert history[-1]["stopped_early"] is True
    assert len(joint) < 60
    # Stopped after `patience` joint epochs without improvement on the best.
    distances = [row["valid_distance"] for row in joint]
    assert min(distances[-2:]) >= min(distances[:-2]) * (1 - 1e-4)
    check_resampled(X, y, X_res, y_res, sampler)


class RecordClassSizes(Callback):
    def on_train_begin(self, net, X=None, **kwargs):
        self.class_sizes_ = X.class_sizes.tolist()


def test_early_stopping_trains_without_the_held_back_rows(imbalanced):
    X, y = imbalanced
    record = RecordClassSizes()
    sampler = CycleGANOversampler(
        random_state=0,
        early_stopping=True,
        validation_fraction=0.25,
        callbacks=[record],
        **FAST,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModeCollapseWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    held = [
        len(rows) for rows in dict(sampler.net_.callbacks_)["valid_distance"].valid_rows
    ]
    assert held == [30, 15, 5]  # a quarter of 120, 60 and 20 rows
    assert record.class_sizes_ == [90, 45, 15]
    check_resampled(X, y, X_res, y_res, sampler)


def test_early_stopping_refuses_classes_too_small_to_split():
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 8 + [1] * 2)
    with pytest.raises(ValueError, match="at least 3 rows"):
        CycleGANOversampler(early_stopping=True, **FAST).fit_resample(X, y)
