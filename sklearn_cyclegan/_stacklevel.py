"""Where a warning points: the first line of the user's own code.

A warning issued inside ``fit_resample`` passes through imbalanced-learn's
and scikit-learn's wrappers and the thread limiter, so a fixed
``stacklevel`` pointed at one of them (``_threads.py``) instead of the line
that called the sampler, or the ``cross_val_score`` that did.
"""

import os
import sys

import imblearn
import sklearn

__all__ = ["user_stacklevel"]

# Packages whose frames lie between the user's call and the warning.
_INTERNAL = tuple(
    os.path.dirname(module.__file__) + os.sep
    for module in (sys.modules[__name__.rpartition(".")[0]], imblearn, sklearn)
)


def user_stacklevel():
    """``stacklevel`` for a ``warnings.warn`` made by the caller of this function."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame, level = frame.f_back, level + 1
    return level
