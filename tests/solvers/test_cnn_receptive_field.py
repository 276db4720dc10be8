"""receptive_field and dilated_kernel: which input pixels really influence one output unit.

The brute force runs the actual layers (valid sliding windows with dilation and stride, strictly
positive weights so nothing cancels) on every one-hot input at once and counts the input pixels
whose impulse reaches the chosen output unit. It is done in 2-D, so the side of the influencing
square is measured, not assumed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_receptive_field import effective_kernel, receptive_field

SEEDS = range(220)


def layer_1d(x: np.ndarray, k: int, s: int, d: int) -> np.ndarray:
    """Apply a positive-weight layer along the last axis of a batch x (..., n)."""
    eff = d * (k - 1) + 1
    win = sliding_window_view(x, eff, axis=-1)[..., ::s, ::d]  # keep every d-th tap
    return win.sum(axis=-1)


def influence_1d(layers, n: int) -> np.ndarray:
    """Row i: how input pixel i (an impulse) shows up in every output unit."""
    x = np.eye(n)
    for k, s, d in layers:
        x = layer_1d(x, k, s, d)
    return x  # (n inputs, n_out)


def brute_rf_side(layers) -> int:
    """Side of the 2-D input patch reaching the middle unit of the last layer."""
    span = 1
    jump = 1
    for k, s, d in layers:  # a generous input: enough room for every window
        span += (k - 1) * d * jump + 2 * jump
        jump *= s
    n = span * 2 + 8
    infl = influence_1d(layers, n)
    assert infl.shape[1] >= 1
    mid = infl.shape[1] // 2
    col = infl[:, mid] > 0
    # 2-D: layers are separable (kernel = outer product of positive 1-D taps), so the influence of
    # pixel (i, j) on unit (mid, mid) is col[i] * col[j]; measure the patch from that 2-D mask
    mask = np.outer(col, col)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    side = rows[-1] - rows[0] + 1
    assert side == cols[-1] - cols[0] + 1
    return int(side)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_receptive_field_by_impulses(difficulty):
    for seed in SEEDS:
        prob = make_problem("receptive_field", seed, difficulty)
        ksd = [(L["kernel"], L["stride"], L["dilation"]) for L in prob.params["layers"]]
        assert prob.answer == {"receptive_field": brute_rf_side(ksd)}, (seed, ksd)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_dilated_stack_by_impulses(difficulty):
    for seed in SEEDS:
        prob = make_problem("dilated_kernel", seed, difficulty)
        F, dil = prob.params["kernel_size"], prob.params["dilations"]
        # effective kernel: the span of one layer's taps on an impulse
        effs = [brute_rf_side([(F, 1, d)]) for d in dil]
        assert prob.answer["effective_kernels"] == effs
        assert prob.answer["receptive_field"] == brute_rf_side([(F, 1, d) for d in dil]), (seed, dil)


def test_worked_examples_by_hand():
    # three 3x3 convs: 1 + 2 + 2 + 2 = 7
    assert solve_params("receptive_field", {"layers": [[3, 1], [3, 1], [3, 1]]}).answer == {"receptive_field": 7}
    # conv3 s1, pool2 s2, conv3 s1: r = 1+2 = 3; 3+1*1 = 4; 4 + 2*2 = 8
    assert receptive_field([(3, 1, 1), (2, 2, 1), (3, 1, 1)]) == [3, 4, 8]
    # AlexNet conv1 (11, s4) then pool (3, s2): 11; 11 + 2*4 = 19
    assert receptive_field([(11, 4, 1), (3, 2, 1)]) == [11, 19]
    # dilations 1, 2, 4 on 3x3: effective 3, 5, 9; rf = 1 + 2 + 4 + 8 = 15
    prob = solve_params("dilated_kernel", {"kernel_size": 3, "dilations": [1, 2, 4]})
    assert prob.answer == {"effective_kernels": [3, 5, 9], "receptive_field": 15}
    assert effective_kernel(3, 2) == 5


def test_mistake_values_for_a_strided_stack():
    prob = solve_params("receptive_field", {"layers": [[3, 2], [3, 2]]})
    # right: 1 + 2 = 3, j=2; 3 + 2*2 = 7.  ignored strides: 1+2+2 = 5;
    # own stride too: 1 + 2*2 + 2*4 = 13; summed kernels: 6
    assert prob.answer == {"receptive_field": 7}
    assert {m.id: m.answer["receptive_field"] for m in prob.mistakes} == {
        "ignored_strides": 5, "included_own_stride": 13, "summed_kernels": 6}


layer = st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3))


@settings(max_examples=150, deadline=None)
@given(layers=st.lists(layer, min_size=1, max_size=4), extra=layer)
def test_rf_grows_with_depth_and_matches_impulses(layers, extra):
    rfs = receptive_field(layers)
    assert rfs == sorted(rfs)  # never shrinks
    deeper = receptive_field(layers + [extra])
    assert deeper[-1] >= rfs[-1]
    assert (deeper[-1] > rfs[-1]) == (extra[0] > 1)  # grows unless the new kernel is 1x1
    assert rfs[-1] == brute_rf_side(layers)


@pytest.mark.parametrize("kind, bad, name", [
    ("receptive_field", {}, "layers"),
    ("receptive_field", {"layers": []}, "layers"),
    ("receptive_field", {"layers": [[3, 1], [3]]}, "layers[2]"),
    ("receptive_field", {"layers": [[3, 0]]}, "layers[1].stride"),
    ("receptive_field", {"layers": [{"type": "fc", "kernel": 3}]}, "layers[1]"),
    ("dilated_kernel", {"dilations": [1, 2]}, "kernel_size"),
    ("dilated_kernel", {"kernel_size": 3, "dilations": 2}, "dilations"),
    ("dilated_kernel", {"kernel_size": 3, "dilations": [1, 0]}, "dilations"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name
