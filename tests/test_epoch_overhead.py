"""Per-epoch bookkeeping stays cheap and does not change what a fit draws."""

from types import SimpleNamespace

import numpy as np
import torch

from sklearn_cyclegan import CycleGANOversampler
from sklearn_cyclegan._callbacks import EpochSeed, QuietPrintLog

from .conftest import FAST


def _fail(*args, **kwargs):
    raise AssertionError("called on a CPU epoch")


def test_epoch_seed_seeds_the_cpu_generator_alone(monkeypatch):
    # torch.manual_seed would also queue CUDA/MPS/XPU seeding with a stack trace.
    net = SimpleNamespace(history=[{}] * 5, device="cpu")
    monkeypatch.setattr(torch, "manual_seed", _fail)
    EpochSeed(3).on_epoch_begin(net)
    drawn = torch.rand(8)
    monkeypatch.undo()

    torch_seed, _ = np.random.SeedSequence([3, 5]).generate_state(2)
    torch.manual_seed(int(torch_seed))
    torch.testing.assert_close(drawn, torch.rand(8), rtol=0, atol=0)


def test_silent_fit_formats_no_log_table(imbalanced, monkeypatch, capsys):
    X, y = imbalanced
    monkeypatch.setattr(QuietPrintLog, "table", _fail)
    CycleGANOversampler(random_state=0, verbose=0, **FAST).fit_resample(X, y)
    monkeypatch.undo()

    CycleGANOversampler(random_state=0, verbose=2, **FAST).fit_resample(X, y)
    assert "cycle_loss" in capsys.readouterr().out
