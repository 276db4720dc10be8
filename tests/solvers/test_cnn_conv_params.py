"""conv_params and conv_macs: counted on real NumPy weight tensors and a real all-ones convolution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_conv_params import conv_mac_count, conv_param_count, need_bool

SEEDS = range(250)


def conv_layer_tensors(C_in, C_out, F, bias):
    """The layer as frameworks store it: weight (C_out, C_in, F, F), bias (C_out,)."""
    weight = np.zeros((C_out, C_in, F, F))
    b = np.zeros(C_out) if bias else np.zeros(0)
    return weight, b


def conv_forward(x, weight, bias, S, P):
    """A real multi-channel conv: x (C_in, H, W) -> (C_out, O, O), cross-correlation."""
    F = weight.shape[-1]
    xp = np.pad(x, ((0, 0), (P, P), (P, P)), constant_values=1.0)  # ones, so every tap counts
    win = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::S, ::S]  # (C_in, O, O, F, F)
    out = np.einsum("cijkl,ockl->oij", win, weight)
    return out + (bias[:, None, None] if bias.size else 0)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_conv_params_counts_real_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("conv_params", seed, difficulty)
        p = prob.params
        w, b = conv_layer_tensors(p["in_channels"], p["out_channels"], p["kernel_size"], p["bias"])
        assert prob.answer == {"params": w.size + b.size}, (seed, p)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_conv_macs_from_an_all_ones_convolution(difficulty):
    # One channel pair convolved for real with all-ones input (padding also ones) and kernel: each
    # output value is the number of taps, so the sum is O*O*F*F multiply-adds; the channel pairs
    # multiply that (checked fully, channels included, in the hypothesis test below).
    for seed in SEEDS:
        prob = make_problem("conv_macs", seed, difficulty)
        p = prob.params
        F = p["kernel_size"]
        x = np.ones((1, p["input_size"], p["input_size"]))
        y = conv_forward(x, np.ones((1, 1, F, F)), np.zeros(0), p["stride"], p["padding"])
        assert prob.answer["output_size"] == y.shape[1] == y.shape[2], (seed, p)
        assert prob.answer["macs"] == int(y.sum()) * p["in_channels"] * p["out_channels"], (seed, p)


@settings(max_examples=100, deadline=None)
@given(W=st.integers(1, 12), Ci=st.integers(1, 4), Co=st.integers(1, 4), F=st.integers(1, 4),
       S=st.integers(1, 3), P=st.integers(0, 2))
def test_macs_with_channels_by_real_conv(W, Ci, Co, F, S, P):
    if F > W + 2 * P:
        return
    prob = solve_params("conv_macs", dict(input_size=W, in_channels=Ci, out_channels=Co, kernel_size=F,
                                          stride=S, padding=P))
    y = conv_forward(np.ones((Ci, W, W)), np.ones((Co, Ci, F, F)), np.zeros(0), S, P)
    assert prob.answer == {"output_size": y.shape[1], "macs": int(y.sum())}


@settings(max_examples=150, deadline=None)
@given(Ci=st.integers(1, 512), Co=st.integers(1, 512), F=st.integers(1, 11), bias=st.booleans())
def test_params_linear_in_out_channels_and_size_free(Ci, Co, F, bias):
    one = conv_param_count(Ci, 1, F, bias)
    assert conv_param_count(Ci, Co, F, bias) == Co * one  # linear in C_out
    assert conv_param_count(Ci, Co, F, True) - conv_param_count(Ci, Co, F, False) == Co
    # the answer for a problem never mentions an image size: weights are shared over positions
    assert "input_size" not in get_kind("conv_params").check_params(
        {"in_channels": Ci, "out_channels": Co, "kernel_size": F, "bias": bias})


def test_worked_examples_by_hand():
    # LeNet C1: 6 kernels 5x5 on 1 channel: 6*1*5*5 + 6 = 150 + 6 = 156
    assert solve_params("conv_params", {"in_channels": 1, "out_channels": 6, "kernel_size": 5}).answer == {
        "params": 156}
    # 3x3, 64 -> 128, no bias: 128*64*9 = 73728
    prob = solve_params("conv_params", {"in_channels": 64, "out_channels": 128, "kernel_size": 3, "bias": "no"})
    assert prob.answer == {"params": 73728}
    assert {m.id: m.answer["params"] for m in prob.mistakes} == {
        "forgot_in_channels": 128 * 9, "bias_per_weight": 147456, "bias_per_channel": 73728 + 8192,
        "added_bias": 73728 + 128}
    # 32x32x3, 6 kernels 5x5, S=1, P=0: O = 28; MACs = 28*28*6*75 = 352800
    assert conv_mac_count(28, 3, 6, 5) == 352800
    assert solve_params("conv_macs", dict(input_size=32, in_channels=3, out_channels=6,
                                          kernel_size=5)).answer == {"output_size": 28, "macs": 352800}


@pytest.mark.parametrize("value, expected", [(True, True), ("yes", True), ("False", False), (0, False)])
def test_need_bool_accepts_plain_spellings(value, expected):
    assert need_bool({"bias": value}, "bias") is expected


@pytest.mark.parametrize("kind, bad, name", [
    ("conv_params", {"out_channels": 4, "kernel_size": 3}, "in_channels"),
    ("conv_params", {"in_channels": 3, "out_channels": 0, "kernel_size": 3}, "out_channels"),
    ("conv_params", {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "bias": "maybe"}, "bias"),
    ("conv_params", {"in_channels": 3, "out_channels": 4, "kernel_size": 1.5}, "kernel_size"),
    ("conv_macs", {"input_size": 3, "in_channels": 3, "out_channels": 4, "kernel_size": 5}, "kernel_size"),
    ("conv_macs", {"input_size": 8, "in_channels": 3, "out_channels": 4, "kernel_size": 3, "stride": 0},
     "stride"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name


def test_mac_counts_fit_an_exam_calculator():
    # hard once asked for 1549208387584 (13 digits), which a 10-digit calculator cannot show
    limits = {"easy": 10 ** 6, "medium": 10 ** 9, "hard": 10 ** 10 - 1}
    for d in DIFFICULTIES:
        for seed in range(300):
            assert make_problem("conv_macs", seed, d).answer["macs"] <= limits[d], (d, seed)
