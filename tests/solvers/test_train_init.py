"""init_variance: exact SymPy scales, fans vs PyTorch's rule recomputed from a weight array shape."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.train_init import init_scales

SEEDS = range(200)


def fans_from_weight_shape(shape):
    """PyTorch's _calculate_fan_in_and_fan_out, re-derived: weight (out, in, *kernel)."""
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_exact_over_many_seeds(difficulty):
    layers = set()
    for seed in SEEDS:
        prob = make_problem("init_variance", seed, difficulty)
        p = prob.params
        layers.add(p["layer"])
        if p["layer"] == "dense":
            shape = (p["n_out"], p["n_in"])
        else:
            shape = (p["c_out"], p["c_in"], p["k"], p["k"])
        fi, fo = fans_from_weight_shape(np.empty(shape).shape)
        assert (prob.answer["fan_in"], prob.answer["fan_out"]) == (fi, fo)
        exact = {"xavier_var": sp.Rational(2, fi + fo), "xavier_bound": sp.sqrt(sp.Rational(6, fi + fo)),
                 "he_var": sp.Rational(2, fi), "he_std": sp.sqrt(sp.Rational(2, fi))}
        for key, value in exact.items():
            assert prob.answer[key] == pytest.approx(float(sp.N(value, 30)), rel=1e-13), (seed, key)
    assert layers == ({"dense"} if difficulty == "easy" else {"conv"} if difficulty == "hard" else {"dense", "conv"})


def test_uniform_bound_gives_the_xavier_variance_empirically():
    # Var(U(-a, a)) = a^2/3 = 2/(fan_in+fan_out): check with a large sample
    s = init_scales(120, 80)
    rng = np.random.default_rng(0)
    sample = rng.uniform(-s["xavier_bound"], s["xavier_bound"], size=400_000)
    assert sample.var() == pytest.approx(s["xavier_var"], rel=0.01)


def test_worked_example_by_hand():
    # conv 3 -> 64 channels, 3x3: fan_in = 27, fan_out = 576
    # Xavier var 2/603 = 0.003317; bound sqrt(6/603) = 0.099751; He var 2/27 = 0.074074, std 0.272166
    a = solve_params("init_variance", {"layer": "conv", "c_in": 3, "c_out": 64, "k": 3}).answer
    assert (a["fan_in"], a["fan_out"]) == (27, 576)
    assert round(a["xavier_var"], 6) == 0.003317 and round(a["xavier_bound"], 6) == 0.099751
    assert round(a["he_var"], 6) == 0.074074 and round(a["he_std"], 6) == 0.272166
    # dense 100 -> 100: Xavier var 0.01, bound sqrt(0.03); He var 0.02
    a = solve_params("init_variance", {"layer": "dense", "n_in": 100, "n_out": 100}).answer
    assert a["xavier_var"] == pytest.approx(0.01) and a["he_var"] == pytest.approx(0.02)


def test_mistakes():
    prob = solve_params("init_variance", {"layer": "conv", "c_in": 3, "c_out": 64, "k": 3})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["conv_fan_without_kernel"]["fan_in"] == 3
    assert wrong["conv_fan_without_kernel"]["he_var"] == pytest.approx(2 / 3)
    assert wrong["he_forgot_sqrt"]["he_std"] == pytest.approx(2 / 27)
    assert wrong["lecun_not_he"]["he_var"] == pytest.approx(1 / 27)


@pytest.mark.parametrize("bad, param", [
    ({"layer": "rnn"}, "layer"),
    ({"layer": "dense", "n_in": 10}, "n_out"),
    ({"layer": "dense", "n_in": 0, "n_out": 4}, "n_in"),
    ({"layer": "conv", "c_in": 3, "c_out": 8}, "k"),
    ({"layer": "conv", "c_in": 3, "c_out": 8, "k": 2.5}, "k"),
    ({"layer": "dense", "n_in": 3, "n_out": 8, "k": 3}, "k"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("init_variance", bad)
    assert err.value.param == param


@settings(max_examples=150, deadline=None)
@given(fi=st.integers(1, 10_000), fo=st.integers(1, 10_000))
def test_relations_between_scales(fi, fo):
    s = init_scales(fi, fo)
    assert s["xavier_bound"] ** 2 / 3 == pytest.approx(s["xavier_var"])
    assert s["he_std"] ** 2 == pytest.approx(s["he_var"])
    if fi == fo:  # with equal fans Xavier is exactly half of He
        assert s["xavier_var"] == pytest.approx(s["he_var"] / 2)
