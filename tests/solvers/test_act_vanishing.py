"""sigmoid_vanishing: NumPy solver vs SymPy exact product, and the bound's invariants."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.act_vanishing import sigmoid_chain_gradient

SEEDS = range(200)


# d/da of one layer s(w*a + b), differentiated once by SymPy and evaluated in mpmath at 30 digits
_W, _A, _B = sp.symbols("w a b")
_LAYER_DERIV = sp.lambdify((_W, _A, _B), sp.diff(1 / (1 + sp.exp(-(_W * _A + _B))), _A), modules="mpmath")


def sympy_chain(z, w):
    """d a_T / d a_0 as the chain-rule product of each layer's symbolic derivative (bias chosen so
    the layer's pre-activation is the given z_t)."""
    with mpmath.workdps(30):
        value = mpmath.mpf(1) / 3  # a_0; any value works because the biases absorb it
        total = mpmath.mpf(1)
        for zi, wi in zip(z, w):
            zi, wi = mpmath.mpf(str(zi)), mpmath.mpf(str(wi))
            total *= _LAYER_DERIV(wi, value, zi - wi * value)
            value = 1 / (1 + mpmath.exp(-zi))
        product = float(total)
    bound = sp.prod([abs(sp.Rational(str(wi))) for wi in w]) / sp.Integer(4) ** len(z)
    return product, float(bound)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sympy_differentiation(difficulty):
    for seed in SEEDS:
        prob = make_problem("sigmoid_vanishing", seed, difficulty)
        product, bound = sympy_chain(prob.params["z"], prob.params["w"])
        assert prob.answer["product"] == pytest.approx(product, rel=1e-9, abs=1e-15), seed
        assert prob.answer["bound"] == pytest.approx(bound, rel=1e-12), seed
        assert abs(prob.answer["product"]) <= prob.answer["bound"] + 1e-15


def test_worked_example_by_hand():
    # z = [0, 0, 0], w = 1: s'(0) = 1/4 each, product 1/64 = 0.015625, and the bound is reached
    a = solve_params("sigmoid_vanishing", {"z": [0, 0, 0]}).answer
    assert a == {"product": pytest.approx(0.015625), "bound": pytest.approx(0.015625)}
    # w = [2, -1]: 2 * 1/4 * (-1) * 1/4 = -0.125; bound 2 * 1 / 16 = 0.125
    a = solve_params("sigmoid_vanishing", {"z": [0, 0], "w": [2, -1]}).answer
    assert a["product"] == pytest.approx(-0.125) and a["bound"] == pytest.approx(0.125)


def test_mistakes():
    prob = solve_params("sigmoid_vanishing", {"z": [0, 0], "w": [2, 1]})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["used_sigmoid_not_derivative"]["product"] == pytest.approx(2 * 0.5 * 0.5)
    assert wrong["bound_one_half"]["bound"] == pytest.approx(2 * 0.25)
    assert wrong["summed_not_multiplied"]["product"] == pytest.approx(0.5 + 0.25)


@pytest.mark.parametrize("bad, param", [
    ({}, "z"), ({"z": []}, "z"), ({"z": [0, 1], "w": [1]}, "w"), ({"z": [0] * 11}, "z"),
    ({"z": [100]}, "z"), ({"z": ["a"]}, "z"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("sigmoid_vanishing", bad)
    assert err.value.param == param


@settings(max_examples=150, deadline=None)
@given(z=st.lists(st.floats(-10, 10), min_size=1, max_size=8))
def test_unit_weights_shrink_at_least_fourfold_per_layer(z):
    product, bound = sigmoid_chain_gradient(z, [1.0] * len(z))
    assert 0 < product <= bound == pytest.approx(0.25 ** len(z))
    if len(z) > 1:
        shorter, _ = sigmoid_chain_gradient(z[:-1], [1.0] * (len(z) - 1))
        assert product <= shorter * 0.25 + 1e-18


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_product_follows_from_the_shown_derivatives(difficulty):
    # The steps once showed s'(z) to 4 places; multiplying those gave a different 6-place answer
    # in 14-57% of items. With s' carried to 6 places (as the statement now asks) it always agrees.
    for seed in range(200):
        p = make_problem("sigmoid_vanishing", seed, difficulty)
        shown = [float(v) for v in p.steps[1].math.split("= ", 1)[1].strip("[]").split(", ")]
        prod = 1.0
        for w, d in zip(p.params["w"], shown):
            prod *= w * d
        assert abs(prod - p.answer["product"]) <= 0.5e-6, (seed, prod, p.answer["product"])
        assert "at least 6 decimal places in between" in p.question.en
