"""The batched trainer computes what a plain per-class loop computes.

``benchmarks/reference.py`` trains one ``nn.Linear`` CycleGAN per class in a
Python loop with the standard ``torch.optim.Adam``; from the same weights and
batch, one step of :class:`CycleGANNet` (batched matmuls, fused Adam) must give
the same losses and the same updated weights.  Dropout is off so that both
sides see the same network function.
"""

import importlib.util
from pathlib import Path

import pytest
import torch

from sklearn_cyclegan._net import CycleGANNet

REFERENCE = Path(__file__).resolve().parents[1] / "benchmarks" / "reference.py"

SIZES = {
    "generator_hidden": (12, 7),
    "discriminator_hidden": (10,),
    "classifier_hidden": (6,),
    "dropout": 0.0,
    "classifier_dropout": 0.0,
}
K, D, B = 3, 9, 5
# A large step so that a wrong gradient moves weights far beyond float rounding.
LR = 1e-2


def _reference_class():
    spec = importlib.util.spec_from_file_location("reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ReferenceCycleGANs


def _net(pretrain_epochs, device="cpu", **kwargs):
    torch.manual_seed(0)
    net = CycleGANNet(
        module__n_classes=K,
        module__n_features=D,
        **{f"module__{k}": v for k, v in SIZES.items()},
        lr=LR,
        pretrain_epochs=pretrain_epochs,
        max_epochs=1,
        verbose=0,
        device=device,
        **kwargs,
    ).initialize()
    net.history.new_epoch()
    net.history.new_batch()
    return net


def _pair(pretrain_epochs, device="cpu", **kwargs):
    net = _net(pretrain_epochs, device, **kwargs)
    reference = _reference_class().from_module(net.module_, lr=LR, **SIZES).to(device)
    generator = torch.Generator().manual_seed(1)
    source, target = (
        torch.rand(K, B, D, generator=generator).to(device) for _ in range(2)
    )
    return net, reference, source, target


def _assert_same_weights(net, reference, parts):
    for name in parts:
        grouped = getattr(net.module_, name)
        plain = getattr(reference, name)
        plain = plain if isinstance(plain, torch.nn.ModuleList) else [plain]
        for k, mlp in enumerate(plain):
            linears = [m for m in mlp if isinstance(m, torch.nn.Linear)]
            for layer, linear in zip(grouped.layers, linears):
                torch.testing.assert_close(
                    layer.weight[k].T, linear.weight, rtol=1e-5, atol=1e-6
                )
                torch.testing.assert_close(
                    layer.bias[k, 0], linear.bias, rtol=1e-5, atol=1e-6
                )


PARTS = (
    "generator",
    "inverse",
    "discriminator_target",
    "discriminator_source",
    "classifier",
)


def _check_joint_step(net, reference, source, target):
    before = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}
    net.train_step((source, target))
    expected = reference.train_step(source, target, generator_steps=net.generator_steps)
    recorded = net.history[-1]["batches"][-1]
    for name in (
        "discriminator_loss",
        "adversarial_loss",
        "cycle_loss",
        "classifier_loss",
    ):
        assert recorded[name] == pytest.approx(
            expected[name].item(), rel=1e-5, abs=1e-6
        ), name
    _assert_same_weights(net, reference, PARTS)
    # Every network moved by about the learning rate (so the comparison is not vacuous).
    for key, value in net.module_.state_dict().items():
        if key.endswith("weight"):
            assert (value - before[key]).abs().max() > LR / 2, key


def test_joint_step_matches_reference():
    """One discriminator step and two generator steps, as in the paper."""
    net, reference, source, target = _pair(pretrain_epochs=0)
    assert net.optimizer_generator_.defaults["fused"]
    _check_joint_step(net, reference, source, target)


def test_joint_step_matches_reference_with_plain_adam():
    """The fused-kernel default changes nothing: explicit ``fused=False`` agrees too."""
    net, reference, source, target = _pair(pretrain_epochs=0, optimizer__fused=False)
    assert not net.optimizer_generator_.defaults["fused"]
    _check_joint_step(net, reference, source, target)


def test_pretrain_step_matches_reference():
    net, reference, source, target = _pair(pretrain_epochs=1)
    assert net.phase_ == "pretrain"
    frozen = {
        k: v.clone() for k, v in net.module_.discriminator_target.state_dict().items()
    }
    net.train_step((source, target))
    expected = reference.pretrain_step(source, target)
    recorded = net.history[-1]["batches"][-1]["cycle_loss"]
    assert recorded == pytest.approx(expected["cycle_loss"].item(), rel=1e-5)
    _assert_same_weights(net, reference, ("generator", "inverse"))
    for key, value in net.module_.discriminator_target.state_dict().items():
        torch.testing.assert_close(value, frozen[key], rtol=0, atol=0)


def test_transfer_matches_reference():
    net, reference, source, _ = _pair(pretrain_epochs=0)
    torch.testing.assert_close(
        net.transfer(source), reference.transfer(source), rtol=1e-5, atol=1e-6
    )
    # A subset of generators, as sample() asks for when some classes need no rows.
    torch.testing.assert_close(
        net.transfer(source[[0, 2]], groups=[0, 2]),
        reference.transfer(source)[[0, 2]],
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_joint_step_matches_reference_on_cuda():
    net, reference, source, target = _pair(pretrain_epochs=0, device="cuda")
    assert net.optimizer_generator_.defaults["fused"]
    assert source.is_cuda and next(reference.parameters()).is_cuda
    _check_joint_step(net, reference, source, target)
