"""The batched per-class networks' building blocks."""

import pytest
import torch

from sklearn_cyclegan._modules import GroupedMLP, dropout


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_dropout_keeps_the_right_share_and_is_unbiased(p):
    torch.manual_seed(0)
    x = torch.ones(400, 1000, requires_grad=True)
    out = dropout(x, p)
    kept = out != 0
    assert kept.float().mean().item() == pytest.approx(1 - p, abs=3e-3)
    assert out.mean().item() == pytest.approx(1.0, abs=6e-3)
    # Kept values are scaled by one constant: the inverse of the kept share.
    assert torch.unique(out[kept]).numel() == 1
    out.sum().backward()
    torch.testing.assert_close(x.grad, out.detach())


def test_dropout_draws_follow_torch_seed_and_spare_nothing_at_p_zero():
    x = torch.rand(3, 64, 100)
    torch.manual_seed(1)
    a = dropout(x, 0.3)
    torch.manual_seed(1)
    b = dropout(x, 0.3)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(a, dropout(x, 0.3))
    torch.testing.assert_close(dropout(x, 0.0), x, rtol=0, atol=0)
    assert torch.count_nonzero(dropout(x, 1.0)) == 0


def test_dropout_keeps_dtype():
    x = torch.rand(2, 8, 16, dtype=torch.float64)
    assert dropout(x, 0.2).dtype == torch.float64


def test_grouped_mlp_drops_only_in_training_mode():
    torch.manual_seed(0)
    net = GroupedMLP(3, 10, 4, hidden=(32, 32), dropout=0.5)
    x = torch.rand(3, 5, 10)
    net.eval()
    torch.testing.assert_close(net(x), net(x), rtol=0, atol=0)
    net.train()
    assert not torch.equal(net(x), net(x))


def test_grouped_mlp_groups_match_separate_networks():
    torch.manual_seed(0)
    net = GroupedMLP(4, 6, 3, hidden=(8,)).eval()
    x = torch.rand(2, 5, 6)
    picked = net(x, groups=torch.tensor([3, 1]))
    for block, k in zip(picked, (3, 1)):
        first, last = net.layers
        hidden = torch.nn.functional.leaky_relu(
            x[0 if k == 3 else 1] @ first.weight[k] + first.bias[k], 0.2
        )
        torch.testing.assert_close(block, hidden @ last.weight[k] + last.bias[k])
