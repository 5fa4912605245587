"""The matmul inventory of the speed benchmark against its FLOP formulas."""

import pytest

from benchmarks._flops import PAPER, iteration_flops, macs, matmul_flops, step_matmuls
from benchmarks._timing import own_shape_peak

FAST_EMODB = (4, 384, (128,), (128,), (100, 100), 62)
PAPER_SIZES = tuple(
    PAPER[key]
    for key in (
        "n_classes",
        "n_features",
        "generator_hidden",
        "discriminator_hidden",
        "classifier_hidden",
        "batch",
    )
)


@pytest.mark.parametrize("sizes", [FAST_EMODB, PAPER_SIZES])
@pytest.mark.parametrize("generator_steps", [1, 2])
def test_joint_matmuls_add_up_to_the_iteration_flops(sizes, generator_steps):
    calls = step_matmuls("joint", *sizes, generator_steps=generator_steps)
    flops = iteration_flops(*sizes, generator_steps=generator_steps)
    assert matmul_flops(calls) == flops["iteration"]


def test_pretraining_matmuls_are_two_cycles_without_data_gradients():
    k, d, hidden, _, _, b = FAST_EMODB
    G = [d, *hidden, d]
    calls = step_matmuls("pretrain", *FAST_EMODB)
    # Four generator passes, each forward + both gradients, less the input
    # gradient of the first layer of the two passes that read data rows.
    assert matmul_flops(calls) == k * (4 * 3 * 2 * b * macs(G) - 2 * 2 * b * d * G[1])
    assert calls[("input grad", k, b, d, hidden[0])] == 2
    assert calls[("weight grad", k, b, d, hidden[0])] == 4


@pytest.mark.parametrize("kind", ["forward", "weight grad", "input grad"])
def test_own_shape_peak_runs_each_kind_of_matmul(kind):
    seconds = own_shape_peak({(kind, 2, 8, 16, 4): 3}, "cpu", rounds=1)
    assert 0 < seconds < 1
