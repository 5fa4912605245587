"""Over-sampling by CycleGAN style transfer, for scikit-learn and imbalanced-learn."""

from ._callbacks import DivergenceError
from ._oversampler import CycleGANOversampler

__all__ = ["CycleGANOversampler", "DivergenceError"]
__version__ = "0.1.0"
