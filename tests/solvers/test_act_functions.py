"""activation: NumPy solver vs SymPy exact derivatives (sympy.diff of the definition)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.act_functions import activation_derivative, activation_value, sigmoid

SEEDS = range(200)
X = sp.Symbol("x", real=True)


def sympy_reference(function: str, x: float, alpha: float) -> tuple[float, float]:
    """Value and derivative from the definition, differentiated symbolically by SymPy."""
    xv = sp.Rational(str(x))
    a = sp.Rational(str(alpha))
    if function == "sigmoid":
        f = 1 / (1 + sp.exp(-X))
    elif function == "tanh":
        f = (sp.exp(X) - sp.exp(-X)) / (sp.exp(X) + sp.exp(-X))
    elif function == "relu":
        f = X if x > 0 else sp.Integer(0) * X
    else:
        f = X if x > 0 else a * X
    return float(sp.N(f.subs(X, xv), 30)), float(sp.N(sp.diff(f, X).subs(X, xv), 30))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sympy_over_many_seeds(difficulty):
    seen = set()
    for seed in SEEDS:
        prob = make_problem("activation", seed, difficulty)
        p = prob.params
        seen.add(p["function"])
        value, deriv = sympy_reference(p["function"], p["x"], p.get("alpha", 0.01))
        assert prob.answer["value"] == pytest.approx(value, abs=1e-12), (seed, p)
        assert prob.answer["derivative"] == pytest.approx(deriv, abs=1e-12), (seed, p)
    assert seen == {"sigmoid", "tanh", "relu", "leaky_relu"}


def test_worked_examples_by_hand():
    # sigmoid(0) = 1/2, sigmoid'(0) = 1/2 * 1/2 = 1/4
    a = solve_params("activation", {"function": "sigmoid", "x": 0}).answer
    assert a == {"value": 0.5, "derivative": 0.25}
    # tanh(1) = (e - 1/e)/(e + 1/e) = 0.76159...; 1 - 0.76159^2 = 0.41997
    a = solve_params("activation", {"function": "tanh", "x": 1}).answer
    assert round(a["value"], 4) == 0.7616 and round(a["derivative"], 4) == 0.4200
    # leaky ReLU, alpha 0.1, x = -2: value -0.2, slope 0.1
    a = solve_params("activation", {"function": "leaky_relu", "x": -2, "alpha": 0.1}).answer
    assert a["value"] == pytest.approx(-0.2) and a["derivative"] == pytest.approx(0.1)
    # ReLU at the kink: left derivative 0 (PyTorch's choice)
    assert solve_params("activation", {"function": "relu", "x": 0}).answer == {"value": 0.0, "derivative": 0.0}


def test_named_mistakes():
    prob = solve_params("activation", {"function": "tanh", "x": 1})
    wrong = {m.id: m.answer for m in prob.mistakes}
    t = math.tanh(1)
    assert wrong["tanh_derivative_not_squared"]["derivative"] == pytest.approx(1 - t)
    prob = solve_params("activation", {"function": "sigmoid", "x": 2})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["sigmoid_derivative_is_value"]["derivative"] == pytest.approx(1 / (1 + math.exp(-2)))
    prob = solve_params("activation", {"function": "leaky_relu", "x": 3, "alpha": 0.2})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["leaky_slope_wrong_side"] == {"value": pytest.approx(0.6), "derivative": 0.2}


@pytest.mark.parametrize("bad, param", [
    ({"function": "softplus", "x": 1}, "function"),
    ({"function": "relu"}, "x"),
    ({"function": "relu", "x": "abc"}, "x"),
    ({"function": "relu", "x": 1, "alpha": 0.1}, "alpha"),
    ({"function": "leaky_relu", "x": 1, "alpha": 1.5}, "alpha"),
    ({"function": "sigmoid", "x": 1e6}, "x"),
])
def test_bad_params_name_the_parameter(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("activation", bad)
    assert err.value.param == param


@settings(max_examples=200, deadline=None)
@given(x=st.floats(-40, 40))
def test_derivative_bounds_and_consistency(x):
    s = float(sigmoid(x))
    assert 0.0 <= activation_derivative("sigmoid", x) <= 0.25
    assert 0.0 <= activation_derivative("tanh", x) <= 1.0
    assert 0.0 <= s <= 1.0
    # tanh(x) = 2 sigmoid(2x) - 1, an identity the solver does not use
    assert activation_value("tanh", x) == pytest.approx(2 * float(sigmoid(2 * x)) - 1, abs=1e-12)
    # central difference agrees with the analytic derivative away from the ReLU kink
    h = 1e-6
    for fn in ("sigmoid", "tanh"):
        num = (activation_value(fn, x + h) - activation_value(fn, x - h)) / (2 * h)
        assert num == pytest.approx(activation_derivative(fn, x), abs=1e-6)


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise"):
        assert float(sigmoid(-1000.0)) == 0.0 and float(sigmoid(1000.0)) == 1.0


def test_derivative_step_is_reproducible_from_the_shown_value():
    # tanh(2.6) = 0.98903...; the step once read "1 - 0.9890^2 = 0.0218", but 1 - 0.9890^2 = 0.0219.
    # The step now shows f(x) to 6 places and the statement asks for the unrounded f(x).
    p = solve_params("activation", {"function": "tanh", "x": 2.6})
    math_line = p.steps[1].math
    shown = float(math_line.split(" - ")[1].split("^")[0])
    assert round(1 - shown ** 2, 4) == round(p.answer["derivative"], 4) == 0.0218
    k = get_kind("activation")
    for fn in ("sigmoid", "tanh"):
        text = k.statement(k.check_params({"function": fn, "x": 1}))
        assert "unrounded f(x)" in text.en and "未舍入" in text.zh
    assert "unrounded" not in k.statement(k.check_params({"function": "relu", "x": 1})).en
