"""vgg_stack: receptive field from a real stacked convolution of an impulse, params from real tensors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.signal import convolve2d

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_vgg_stack import vgg_stack_comparison

SEEDS = range(250)


def stack_support(n: int) -> int:
    """Convolve an impulse with n positive 3x3 kernels (full mode) and measure the support side."""
    img = np.zeros((1, 1))
    img[0, 0] = 1.0
    for _ in range(n):
        img = convolve2d(img, np.ones((3, 3)), mode="full")
    rows = np.flatnonzero((img > 0).any(axis=1))
    return int(rows[-1] - rows[0] + 1)


def tensor_count(n_layers: int, C: int, F: int, bias: bool) -> int:
    weights = [np.zeros((C, C, F, F)) for _ in range(n_layers)]
    biases = [np.zeros(C) for _ in range(n_layers)] if bias else []
    return sum(w.size for w in weights) + sum(b.size for b in biases)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_against_real_stack(difficulty):
    for seed in SEEDS:
        prob = make_problem("vgg_stack", seed, difficulty)
        n, C, b = prob.params["n"], prob.params["channels"], prob.params["bias"]
        rf = stack_support(n)
        a = prob.answer
        assert a["receptive_field"] == rf
        assert a["params_stack"] == tensor_count(n, C, 3, b)
        assert a["params_single"] == tensor_count(1, C, rf, b)
        assert Fraction(prob.exact["ratio"]) == Fraction(a["params_stack"], a["params_single"])
        assert abs(a["ratio"] - a["params_stack"] / a["params_single"]) < 1e-12
        assert n >= 2 and a["ratio"] < 1  # generated stacks have n >= 2, so always cheaper
        if not b:
            assert Fraction(prob.exact["ratio"]) == Fraction(9 * n, (2 * n + 1) ** 2)


def test_worked_example_by_hand():
    # n = 3, C = 64, no bias: rf 7; stack 3*9*64*64 = 27*4096 = 110592; single 49*4096 = 200704;
    # ratio 27/49 = 0.5510...
    prob = solve_params("vgg_stack", {"n": 3, "channels": 64})
    assert prob.answer["receptive_field"] == 7
    assert prob.answer["params_stack"] == 110592 and prob.answer["params_single"] == 200704
    assert prob.exact == {"ratio": "27/49"}
    assert round(prob.answer["ratio"], 4) == 0.5510


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 20), C=st.integers(1, 1024), bias=st.booleans())
def test_properties(n, C, bias):
    r = vgg_stack_comparison(n, C, bias)
    assert r["receptive_field"] == 2 * n + 1
    assert r["ratio"] <= 1.0 and (r["ratio"] < 1.0) == (n > 1)
    deeper = vgg_stack_comparison(n + 1, C, bias)
    assert deeper["ratio"] < r["ratio"]  # the saving grows with depth


@pytest.mark.parametrize("bad, name", [
    ({"channels": 3}, "n"),
    ({"n": 0, "channels": 3}, "n"),
    ({"n": 2}, "channels"),
    ({"n": 2, "channels": 3, "bias": "perhaps"}, "bias"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("vgg_stack").check_params(bad)
    assert err.value.param == name


@pytest.mark.parametrize("bias", [True, False])
def test_steps_name_the_biases_only_when_counted(bias):
    # the parameter steps once said "3*3*C*C" while their numbers added C biases
    sol = solve_params("vgg_stack", {"n": 2, "channels": 8, "bias": bias})
    words = sol.steps[1].en + sol.steps[2].en
    assert ("biases" in words) == bias
    assert (" + 8)" in sol.steps[1].math) == bias
