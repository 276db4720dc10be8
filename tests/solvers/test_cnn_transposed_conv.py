"""transposed_conv_output: checked by scattering a real NumPy transposed convolution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_conv_output import conv_output_size
from solvers.cnn_transposed_conv import transposed_conv_output_size

SEEDS = range(250)


def scatter_transposed_conv(x: np.ndarray, k: np.ndarray, S: int, P: int, OP: int, D: int) -> np.ndarray:
    """2-D transposed conv from the definition: each input pixel adds x[i,j] * (dilated) kernel at
    (i*S, j*S); then P rows/cols are cropped from every side and OP added at the bottom/right."""
    F = k.shape[0]
    W = x.shape[0]
    eff = D * (F - 1) + 1
    full = np.zeros(((W - 1) * S + eff + OP,) * 2)
    for i in range(W):
        for j in range(W):
            full[i * S:i * S + eff:D, j * S:j * S + eff:D] += x[i, j] * k
    end = full.shape[0] - P
    return full[P:end, P:end]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_scattered_transposed_conv(difficulty):
    for seed in SEEDS:
        prob = make_problem("transposed_conv_output", seed, difficulty)
        p = prob.params
        rng = np.random.default_rng(seed)
        x = rng.integers(1, 5, size=(p["input_size"],) * 2)
        k = rng.integers(1, 3, size=(p["kernel_size"],) * 2)
        y = scatter_transposed_conv(x, k, p["stride"], p["padding"], p["output_padding"], p["dilation"])
        assert y.shape == (prob.answer["output_size"],) * 2, (seed, p)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_inverts_the_conv_size(difficulty):
    # a conv with the same F, S, P, D maps the transposed output back to the input size
    for seed in SEEDS:
        p = make_problem("transposed_conv_output", seed, difficulty).params
        O = transposed_conv_output_size(p["input_size"], p["kernel_size"], p["stride"], p["padding"],
                                        p["output_padding"], p["dilation"])
        assert conv_output_size(O, p["kernel_size"], p["padding"], p["stride"], p["dilation"]) == p["input_size"]


def test_worked_examples_by_hand():
    # FCN/DCGAN x2 upsampling: (16-1)*2 - 2*1 + 1*(4-1) + 0 + 1 = 30 - 2 + 3 + 1 = 32
    assert solve_params("transposed_conv_output", {"input_size": 16, "kernel_size": 4, "stride": 2,
                                                    "padding": 1}).answer == {"output_size": 32}
    # (7-1)*2 - 2 + 2 + 1 + 1 = 14
    assert transposed_conv_output_size(7, 3, 2, 1, 1) == 14
    # dilation 2: (5-1)*1 - 0 + 2*(3-1) + 0 + 1 = 9
    assert transposed_conv_output_size(5, 3, 1, 0, 0, 2) == 9


@settings(max_examples=150, deadline=None)
@given(W=st.integers(1, 40), F=st.integers(1, 7), S=st.integers(1, 4), P=st.integers(0, 4),
       D=st.integers(1, 3), OP=st.integers(0, 3))
def test_scatter_property(W, F, S, P, D, OP):
    if OP >= max(S, D) or P > D * (F - 1) or (W - 1) * S + D * (F - 1) + OP + 1 - 2 * P < 1:
        with pytest.raises(ValueError):
            transposed_conv_output_size(W, F, S, P, OP, D)
        return
    o = transposed_conv_output_size(W, F, S, P, OP, D)
    assert o == scatter_transposed_conv(np.ones((W, W)), np.ones((F, F)), S, P, OP, D).shape[0]
    assert transposed_conv_output_size(W + 1, F, S, P, OP, D) == o + S  # linear in W with slope S


@pytest.mark.parametrize("bad, name", [
    ({"kernel_size": 3}, "input_size"),
    ({"input_size": 4, "kernel_size": 3, "stride": 2, "output_padding": 2}, "output_padding"),
    ({"input_size": 4, "kernel_size": 3, "padding": 3}, "padding"),
    ({"input_size": 1, "kernel_size": 3, "padding": 2}, "padding"),
    ({"input_size": 4, "kernel_size": 0}, "kernel_size"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("transposed_conv_output").check_params(bad)
    assert err.value.param == name
