"""Helpers of the failure-mode tests: a schedule, a weight poisoner, a check."""

import torch
from skorch.callbacks import Callback

from .conftest import FAST, assert_resampled

# A tiny schedule that still crosses from pre-training into joint training.
SHORT = dict(FAST, pretrain_epochs=3, max_epochs=3)


class Poison(Callback):
    """Overwrite every generator weight with ``value`` once training ends."""

    def __init__(self, value=0.0):
        self.value = value

    def on_train_end(self, net, **kwargs):
        with torch.no_grad():
            for p in net.module_.generator.parameters():
                p.fill_(self.value)


def check_resampled(X, y, X_res, y_res, sampler):
    """Resampled as the fitted sampler's ``sampling_strategy_`` asks."""
    asked = {c: k for c, k in sampler.sampling_strategy_.items() if k > 0}
    assert_resampled(X, y, X_res, y_res, asked)
