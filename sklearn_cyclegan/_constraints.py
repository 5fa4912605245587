"""Parameter constraints that scikit-learn's validation does not provide.

They plug into ``_parameter_constraints`` so that bad values fail in ``fit``
validation with scikit-learn's ``InvalidParameterError``, as for the built-in
constraints.
"""

import os
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._floor import MODES
from ._presets import PRESETS

__all__ = ["PARAMETER_CONSTRAINTS", "LayerSizes", "TorchDevice"]


class _Predicate(Options):
    """A constraint defined by ``is_satisfied_by`` and ``__str__`` alone.

    scikit-learn's ``make_constraint`` takes only its own constraint classes,
    not any ``_Constraint``; an ``Options`` subclass passes through unchanged.
    """

    def __init__(self):
        super().__init__(object, set())


def _is_sequence(val):
    return not isinstance(val, (str, bytes, dict)) and hasattr(val, "__len__")


class LayerSizes(_Predicate):
    """A sequence of positive integers, one per hidden layer."""

    def is_satisfied_by(self, val):
        return _is_sequence(val) and all(
            isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in val
        )

    def __str__(self):
        return "a sequence of positive integers"


class TorchDevice(_Predicate):
    """A string torch reads as a device, such as "cpu", "cuda" or "cuda:1"."""

    def is_satisfied_by(self, val):
        if not isinstance(val, str):
            return False
        try:
            torch.device(val)
        except RuntimeError:
            return False
        return True

    def __str__(self):
        return "a torch device string such as 'cpu', 'cuda' or 'cuda:1'"


# The sampler's own parameters; imbalanced-learn's ``sampling_strategy``
# comes from ``BaseOverSampler``.
PARAMETER_CONSTRAINTS = {
    "source": ["array-like", str, os.PathLike, None],
    "mode": [StrOptions(set(MODES))],
    "preset": [StrOptions(set(PRESETS))],
    "enforce_min_max_values": ["boolean"],
    "categorical_features": [StrOptions({"auto"}), "array-like", None],
    "generator_hidden": [
        Interval(Integral, 1, None, closed="left"),
        LayerSizes(),
        StrOptions({"auto"}),
    ],
    "pretrain_epochs": [
        Interval(Integral, 0, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "max_epochs": [
        Interval(Integral, 0, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "lambda_cycle": [Interval(Real, 0, None, closed="left")],
    "lambda_cls": [Interval(Real, 0, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "callbacks": [list, None],
    "net_params": [dict, None],
    "device": [StrOptions({"auto"}), TorchDevice()],
    "n_threads": [
        StrOptions({"auto", "load"}),
        Interval(Integral, 1, None, closed="left"),
        None,
    ],
    "verbose": [StrOptions({"auto"}), "verbose"],
    "random_state": ["random_state"],
}
