"""pool_output: checked against an actual NumPy max pooling (sliding windows over a padded map)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_pool_output import pool_output_size

SEEDS = range(250)


def brute_max_pool(x: np.ndarray, F: int, S: int, P: int) -> np.ndarray:
    """Max pooling from the definition: -inf padding, every F x F window S apart."""
    xp = np.pad(x.astype(float), P, constant_values=-np.inf)
    return sliding_window_view(xp, (F, F))[::S, ::S].max(axis=(2, 3))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_real_pooling_over_many_seeds(difficulty):
    for seed in SEEDS:
        prob = make_problem("pool_output", seed, difficulty)
        p = prob.params
        x = np.random.default_rng(seed).integers(0, 10, size=(p["input_size"], p["input_size"]))
        out = brute_max_pool(x, p["kernel_size"], p["stride"], p["padding"])
        assert out.shape == (prob.answer["output_size"],) * 2, (seed, p)
        assert np.isfinite(out).all()  # no window lies wholly in the padding


def test_easy_divides_exactly_and_hard_needs_floor_often():
    for seed in SEEDS:
        p = make_problem("pool_output", seed, "easy").params
        assert (p["input_size"] + 2 * p["padding"] - p["kernel_size"]) % p["stride"] == 0
    floors = sum((p["input_size"] + 2 * p["padding"] - p["kernel_size"]) % p["stride"] != 0
                 for p in (make_problem("pool_output", s, "hard").params for s in SEEDS))
    assert floors > 100


def test_worked_examples_by_hand():
    # 224, 2x2 stride 2: (224 - 2)/2 + 1 = 112
    assert solve_params("pool_output", {"input_size": 224, "kernel_size": 2}).answer["output_size"] == 112
    # AlexNet: 55, 3x3 stride 2: (55 - 3)/2 + 1 = 27
    assert pool_output_size(55, 3, 2) == 27
    # 13, 3x3 stride 2, pad 1: floor((13 + 2 - 3)/2) + 1 = 6 + 1 = 7
    assert pool_output_size(13, 3, 2, 1) == 7
    # 7, 2x2 stride 2: floor(5/2) + 1 = 3 (ceil_mode would give 4)
    prob = solve_params("pool_output", {"input_size": 7, "kernel_size": 2, "stride": 2})
    assert prob.answer["output_size"] == 3
    assert {m.id: m.answer["output_size"] for m in prob.mistakes} == {
        "forgot_plus_one": 2, "ceil_not_floor": 4}  # W/S = 3 coincides and is dropped


def test_kernel_as_stride_mistake():
    prob = solve_params("pool_output", {"input_size": 28, "kernel_size": 3, "stride": 1, "padding": 1})
    wrong = {m.id: m.answer["output_size"] for m in prob.mistakes}
    # right: (28 + 2 - 3)/1 + 1 = 28; window as stride: floor(27/3) + 1 = 10; no padding: 26
    assert prob.answer["output_size"] == 28
    assert wrong["kernel_as_stride"] == 10 and wrong["forgot_padding"] == 26


@settings(max_examples=150, deadline=None)
@given(W=st.integers(1, 300), F=st.integers(1, 6), S=st.integers(1, 5), P=st.integers(0, 3))
def test_properties(W, F, S, P):
    if 2 * P > F or F > W + 2 * P:
        return
    o = pool_output_size(W, F, S, P)
    assert o >= 1
    assert o <= pool_output_size(W + 1, F, S, P) <= o + 1  # monotone, by steps of at most 1
    assert (o - 1) * S + F <= W + 2 * P < o * S + F  # last window fits, next would not
    if S == F and P == 0:
        assert o == W // F  # non-overlapping pooling divides


@pytest.mark.parametrize("bad, name", [
    ({"kernel_size": 2}, "input_size"),
    ({"input_size": 8}, "kernel_size"),
    ({"input_size": 8, "kernel_size": 2, "stride": 0}, "stride"),
    ({"input_size": 8, "kernel_size": 2, "padding": 2}, "padding"),
    ({"input_size": 2, "kernel_size": 5, "padding": 1}, "kernel_size"),
    ({"input_size": "big", "kernel_size": 2}, "input_size"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("pool_output").check_params(bad)
    assert err.value.param == name


def test_stride_defaults_to_window():
    assert get_kind("pool_output").check_params({"input_size": 9, "kernel_size": 3})["stride"] == 3
