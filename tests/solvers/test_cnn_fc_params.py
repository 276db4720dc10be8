"""fc_params and fc_as_conv: a real flatten + matmul against a real full-size convolution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_fc_params import fc_param_count

SEEDS = range(250)


def fc_layer(H, W, C, N, bias):
    """Build the layer's tensors for a real input and count what is stored."""
    x = np.ones((H, W, C))
    flat = x.reshape(-1)
    # one weight per (unit, input) pair; a read-only broadcast view has the full shape without
    # allocating gigabytes for the hard items
    weight = np.broadcast_to(np.float32(0.5), (N, flat.size))
    b = np.zeros(N) if bias else np.zeros(0)
    y = weight[:8] @ flat + (b[:8] if bias else 0)  # the shapes line up (checked on a few units)
    assert y.shape == (min(N, 8),)
    return weight.size + b.size


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_fc_params_counts_real_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("fc_params", seed, difficulty)
        p = prob.params
        assert prob.answer == {"params": fc_layer(p["height"], p["width"], p["channels"], p["units"],
                                                  p["bias"])}, (seed, p)


def conv_equivalent(x: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """A valid convolution of x (H, W, C) with kernels (N, kh, kw, C), stride 1, no padding."""
    kh, kw = kernels.shape[1:3]
    win = sliding_window_view(x, (kh, kw), axis=(0, 1))  # (O, O, C, kh, kw)
    return np.einsum("ijcab,nabc->ijn", win, kernels)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_fc_as_conv_is_the_same_map(difficulty):
    for seed in SEEDS:
        prob = make_problem("fc_as_conv", seed, difficulty)
        p = prob.params
        H, C, N = p["height"], p["channels"], min(p["units"], 16)  # fewer units keep the test fast
        rng = np.random.default_rng(seed)
        x = rng.integers(-3, 4, size=(H, H, C)).astype(float)
        fc_w = rng.integers(-3, 4, size=(N, H * H * C)).astype(float)
        kernels = fc_w.reshape(N, H, H, C)  # kernel_size x kernel_size x C, one per unit
        k = prob.answer["kernel_size"]
        y = conv_equivalent(x, kernels[:, :k, :k, :])
        assert y.shape == (1, 1, N)  # a kernel of the map's size gives 1x1xN
        np.testing.assert_array_equal(y[0, 0], fc_w @ x.reshape(-1))
        assert prob.answer["num_kernels"] == p["units"]
        assert prob.answer["params"] == fc_layer(H, H, C, p["units"], p["bias"])


@settings(max_examples=150, deadline=None)
@given(H=st.integers(1, 16), W=st.integers(1, 16), C=st.integers(1, 512), N=st.integers(1, 4096),
       bias=st.booleans())
def test_params_linear_in_units(H, W, C, N, bias):
    assert fc_param_count(H, W, C, N, bias) == N * fc_param_count(H, W, C, 1, bias)
    assert fc_param_count(H, W, C, N, bias) - fc_param_count(H, W, C, N, False) == (N if bias else 0)


def test_worked_examples_by_hand():
    # 7x7x512 -> 4096 (VGG fc6): 7*7*512 = 25088 inputs; 25088*4096 = 102760448; + 4096 = 102764544
    assert solve_params("fc_params", dict(height=7, channels=512, units=4096)).answer == {"params": 102764544}
    # 4x4x16 -> 10, no bias: 256*10 = 2560
    prob = solve_params("fc_as_conv", dict(height=4, channels=16, units=10, bias=False))
    assert prob.answer == {"kernel_size": 4, "num_kernels": 10, "params": 2560}
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["one_by_one_kernel"] == {"kernel_size": 1, "params": 160}  # 16*10
    assert wrong["kernels_equal_channels"] == {"num_kernels": 16}


@pytest.mark.parametrize("kind, bad, name", [
    ("fc_params", {"channels": 3, "units": 10}, "height"),
    ("fc_params", {"height": 2, "channels": 3, "units": 0}, "units"),
    ("fc_params", {"height": 2, "channels": 3, "units": 4, "bias": 2}, "bias"),
    ("fc_as_conv", {"height": 2, "width": 3, "channels": 3, "units": 4}, "width"),
    ("fc_as_conv", {"height": 2, "units": 4}, "channels"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name
