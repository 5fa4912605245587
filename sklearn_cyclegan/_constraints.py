"""Parameter constraints that scikit-learn's validation does not provide.

They plug into ``_parameter_constraints`` so that bad values fail in ``fit``
validation with scikit-learn's ``InvalidParameterError``, as for the built-in
constraints.
"""

from numbers import Integral

import torch
from sklearn.utils._param_validation import Options


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
