"""batchnorm_forward: NumPy solver vs SymPy exact (rationals and square roots)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.train_batchnorm import batchnorm_forward

SEEDS = range(200)


def sympy_batchnorm(x, gamma, beta, eps):
    """Column by column with SymPy Rationals: mean, biased variance, x_hat, y."""
    matrix = isinstance(x[0], list)
    cols = list(zip(*x)) if matrix else [x]
    gammas = gamma if matrix else [gamma]
    betas = beta if matrix else [beta]
    E = sp.Rational(str(eps))
    out = {"mean": [], "var": [], "x_hat": [], "y": []}
    for col, g, b in zip(cols, gammas, betas):
        col = [sp.Rational(str(v)) for v in col]
        mu = sp.Add(*col) / len(col)
        var = sp.Add(*[(v - mu) ** 2 for v in col]) / len(col)
        xh = [(v - mu) / sp.sqrt(var + E) for v in col]
        out["mean"].append(float(mu))
        out["var"].append(float(var))
        out["x_hat"].append([float(sp.N(v, 30)) for v in xh])
        out["y"].append([float(sp.N(sp.Rational(str(g)) * v + sp.Rational(str(b)), 30)) for v in xh])
    if matrix:
        return {"mean": out["mean"], "var": out["var"],
                "x_hat": np.array(out["x_hat"]).T.tolist(), "y": np.array(out["y"]).T.tolist()}
    return {"mean": out["mean"][0], "var": out["var"][0], "x_hat": out["x_hat"][0], "y": out["y"][0]}


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sympy_over_many_seeds(difficulty):
    for seed in SEEDS:
        prob = make_problem("batchnorm_forward", seed, difficulty)
        p = prob.params
        ref = sympy_batchnorm(p["x"], p["gamma"], p["beta"], p["eps"])
        for key in ("mean", "var"):
            assert np.allclose(prob.answer[key], ref[key], atol=1e-12), (seed, key)
        for key in ("x_hat", "y"):
            assert np.allclose(prob.answer[key], ref[key], atol=1e-9), (seed, key)
        if difficulty == "easy":  # easy batches have a whole-number mean
            assert float(prob.answer["mean"]).is_integer()


def test_worked_example_by_hand():
    # x = [1, 2, 3, 6]: mu = 3; deviations -2,-1,0,3; var = (4+1+0+9)/4 = 3.5; std = 1.8708
    # x_hat = [-1.0690, -0.5345, 0, 1.6036]; gamma 2, beta 1 -> y = [-1.1381, -0.0690, 1, 4.2071]
    a = solve_params("batchnorm_forward", {"x": [1, 2, 3, 6], "gamma": 2, "beta": 1}).answer
    assert a["mean"] == 3 and a["var"] == 3.5
    assert np.round(a["x_hat"], 4).tolist() == [-1.069, -0.5345, 0.0, 1.6036]
    assert np.round(a["y"], 4).tolist() == [-1.1381, -0.069, 1.0, 4.2071]
    # a 2x2 batch: column 0 = [0, 2] -> mu 1, var 1, x_hat [-1, 1], y = x_hat;
    # column 1 = [1, 3] -> mu 2, var 1, x_hat [-1, 1], y = 3*x_hat - 1 = [-4, 2]
    a = solve_params("batchnorm_forward", {"x": [[0, 1], [2, 3]], "gamma": [1, 3], "beta": [0, -1]}).answer
    assert a["mean"] == [1.0, 2.0] and a["var"] == [1.0, 1.0]
    assert a["y"] == [[-1.0, -4.0], [1.0, 2.0]]


def test_mistakes():
    prob = solve_params("batchnorm_forward", {"x": [1, 2, 3, 6], "gamma": 2, "beta": 1})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["unbiased_variance"]["var"] == pytest.approx(14 / 3)
    assert wrong["divided_by_variance"]["x_hat"] == pytest.approx([-2 / 3.5, -1 / 3.5, 0, 3 / 3.5])
    assert wrong["gamma_beta_swapped"]["y"][2] == pytest.approx(2.0)


@pytest.mark.parametrize("bad, param", [
    ({"x": [3]}, "x"),
    ({"x": [2, 2, 2]}, "x"),
    ({"x": [[1, 2], [3, 4]], "gamma": [1, 2, 3]}, "gamma"),
    ({"x": [[1, 2], [3, 4]], "beta": [1]}, "beta"),
    ({"x": [1, 2], "eps": -1}, "eps"),
    ({"x": [[1, 2], [3]]}, "x"),
    ({"x": [1, 2], "gamma": "big"}, "gamma"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("batchnorm_forward", bad)
    assert err.value.param == param


def test_zero_variance_allowed_with_eps():
    a = solve_params("batchnorm_forward", {"x": [2, 2, 2], "eps": 1e-5, "beta": 0.5}).answer
    assert a["var"] == 0 and a["y"] == [0.5, 0.5, 0.5]


@settings(max_examples=150, deadline=None)
@given(x=st.lists(st.floats(-100, 100), min_size=2, max_size=8).filter(lambda v: np.ptp(v) > 1e-3),
       gamma=st.floats(0.1, 5), beta=st.floats(-5, 5))
def test_normalised_batch_has_zero_mean_unit_variance(x, gamma, beta):
    mean, var, x_hat, y = batchnorm_forward(x, gamma, beta, eps=0.0)
    assert x_hat.mean() == pytest.approx(0, abs=1e-9)
    assert x_hat.var() == pytest.approx(1, rel=1e-9)
    assert y.mean() == pytest.approx(beta, abs=1e-9)
    assert y.std() == pytest.approx(gamma, rel=1e-9)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_steps_carry_enough_digits_to_reach_the_answer(difficulty):
    # The steps once showed sqrt(var) and x_hat to 4 places only; y = gamma*x_hat + beta from those
    # missed the 4-place y in 45-87% of items. Following the shown 6-place values must now reach it.
    import ast
    for seed in range(200):
        p = make_problem("batchnorm_forward", seed, difficulty)
        x_hat6 = np.asarray(ast.literal_eval(p.steps[3].math.split("x_hat = ")[1].split(";")[0]))
        y = np.asarray(p.params["gamma"], dtype=float) * x_hat6 + np.asarray(p.params["beta"], dtype=float)
        assert np.all(np.abs(y - np.asarray(p.answer["y"])) <= 0.5e-4), seed
        assert "at least 6 decimal places" in p.question.en
