"""Divergence and mode collapse: training that goes wrong is caught.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import warnings

import numpy as np
import pytest
from skorch.callbacks import Callback

from sklearn_cyclegan import (
    CycleGANOversampler,
    DivergenceError,
    ModeCollapseWarning,
)
from sklearn_cyclegan._diversity import COLLAPSE_THRESHOLD, diversity_ratios

from ._failures import SHORT, Poison, check_resampled
from .conftest import FAST, fast_net


class InjectNaN(Callback):
    """Poison the source rows of one batch, as corrupt input would."""

    def __init__(self, epoch=1):
        self.epoch = epoch

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if len(net.history) == self.epoch:
            batch[0].fill_(float("nan"))


def test_nan_in_a_batch_stops_training_naming_epoch_and_loss(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[InjectNaN(epoch=2)], **SHORT
    )
    with pytest.raises(
        DivergenceError, match=r"epoch 2 \(pretrain phase\): cycle_loss = nan"
    ):
        sampler.fit_resample(X, y)


def test_exploding_learning_rate_is_caught(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, lr=1e12, **dict(SHORT, max_epochs=20))
    with pytest.raises(
        DivergenceError,
        match=r"diverged at epoch \d+ \((pretrain|joint) "
        r"phase\): \w+_loss = (nan|inf)",
    ):
        sampler.fit_resample(X, y)


def test_non_finite_generator_output_is_refused(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[Poison(float("nan"))], **FAST
    )
    with pytest.raises(DivergenceError, match="non-finite rows"):
        sampler.fit_resample(X, y)


def _poisoned(value):
    """A fast sampler whose generator weights all become ``value`` after training.

    Its generators are plain: a residual generator with zero weights is the
    identity instead.
    """
    return CycleGANOversampler(
        random_state=0,
        callbacks=[Poison(value)],
        **{**FAST, **fast_net(module__residual=False)},
    )


def test_collapsed_generator_warns_and_reports_zero_diversity(imbalanced):
    X, y = imbalanced
    # Zero weights map every row to one point.
    sampler = _poisoned(0.0)
    with pytest.warns(ModeCollapseWarning, match="3 class"):
        X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.diversity_, 0.0)
    # The collapsed rows are still returned, and still only the ones asked for.
    check_resampled(X, y, X_res, y_res, sampler)


def test_healthy_fit_reports_diversity_without_warning(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **SHORT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModeCollapseWarning)
        sampler.fit_resample(X, y)
    assert sampler.diversity_.shape == (3,)
    assert (sampler.diversity_ > COLLAPSE_THRESHOLD).all()


def test_diversity_ratio_scale():
    rng = np.random.default_rng(0)
    real = rng.uniform(size=(200, 5))
    fresh = rng.uniform(size=(200, 5))
    point = np.full((200, 5), 0.5) + rng.normal(scale=1e-3, size=(200, 5))
    ratios = diversity_ratios(
        [real, real, real, np.ones((5, 5))], [fresh, point, real[:1], np.ones((5, 5))]
    )
    assert 0.8 < ratios[0] < 1.25  # same distribution: about 1
    assert ratios[1] < COLLAPSE_THRESHOLD  # one point plus tiny noise
    assert np.isnan(ratios[2])  # one synthetic row: nothing to compare
    assert ratios[3] == 1.0  # no spread in either


def test_exploded_generator_with_finite_losses_raises(imbalanced):
    # Weights of 1e3 give rows 1e5 feature ranges away: finite, but garbage.
    X, y = imbalanced
    sampler = _poisoned(1e3)
    with pytest.raises(DivergenceError, match="feature ranges away"):
        sampler.fit_resample(X, y)
