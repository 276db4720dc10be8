"""weight_penalty: NumPy solver vs SymPy exact; the SGD step vs autograd-free SymPy gradients."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.train_penalty import sgd_weight_decay_step, weight_penalties

SEEDS = range(200)


def sympy_reference(w, g, lam, lr):
    """Penalties from their definitions; the step differentiates data-loss + L2 penalty symbolically
    (the data loss is the linear function g.w, whose gradient is g)."""
    R = lambda v: sp.Rational(str(v))  # noqa: E731
    W = sp.symbols(f"w0:{len(w)}")
    lam_, lr_ = R(lam), R(lr)
    l1 = lam_ * sp.Add(*[sp.Abs(R(v)) for v in w])
    penalty = lam_ / 2 * sp.Add(*[wi ** 2 for wi in W])
    loss = sp.Add(*[R(gi) * wi for gi, wi in zip(g, W)]) + penalty
    at = dict(zip(W, [R(v) for v in w]))
    new = [at[wi] - lr_ * sp.diff(loss, wi).subs(at) for wi in W]
    return float(l1), float(penalty.subs(at)), [float(v) for v in new]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sympy_over_many_seeds(difficulty):
    for seed in SEEDS:
        prob = make_problem("weight_penalty", seed, difficulty)
        p = prob.params
        l1, l2, new = sympy_reference(p["w"], p["grad"], p["lam"], p["lr"])
        assert prob.answer["l1"] == pytest.approx(l1, abs=1e-12), seed
        assert prob.answer["l2"] == pytest.approx(l2, abs=1e-12), seed
        assert prob.answer["w_new"] == pytest.approx(new, abs=1e-12), seed


def test_worked_example_by_hand():
    # w = [1, -2, 0], lambda = 0.1: L1 = 0.1*3 = 0.3; L2 = 0.05*5 = 0.25
    # g = [0.5, 0, 1], lr = 0.1: g + 0.1w = [0.6, -0.2, 1]; w - 0.1*that = [0.94, -1.98, -0.1]
    a = solve_params("weight_penalty", {"w": [1, -2, 0], "grad": [0.5, 0, 1], "lam": 0.1, "lr": 0.1}).answer
    assert a["l1"] == pytest.approx(0.3) and a["l2"] == pytest.approx(0.25)
    assert a["w_new"] == pytest.approx([0.94, -1.98, -0.1])


def test_mistakes():
    prob = solve_params("weight_penalty", {"w": [1, -2, 0], "grad": [0.5, 0, 1], "lam": 0.1, "lr": 0.1})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["l2_without_half"]["l2"] == pytest.approx(0.5)
    assert wrong["l1_without_abs"]["l1"] == pytest.approx(-0.1)
    # 2*lambda*w: g + 0.2w = [0.7, -0.4, 1] -> [0.93, -1.96, -0.1]
    assert wrong["decay_gradient_doubled"]["w_new"] == pytest.approx([0.93, -1.96, -0.1])
    # no lr on decay: w - 0.1g - 0.1w = [0.85, -1.8, -0.1]
    assert wrong["decay_without_lr"]["w_new"] == pytest.approx([0.85, -1.8, -0.1])


@pytest.mark.parametrize("bad, param", [
    ({"grad": [1], "lam": 0.1, "lr": 0.1}, "w"),
    ({"w": [1, 2], "grad": [1], "lam": 0.1, "lr": 0.1}, "grad"),
    ({"w": [1, 2], "grad": [1, 1], "lam": -0.1, "lr": 0.1}, "lam"),
    ({"w": [1, 2], "grad": [1, 1], "lam": 0.1, "lr": 0}, "lr"),
    ({"w": [1, 2], "grad": [1, 1], "lam": 0.1}, "lr"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("weight_penalty", bad)
    assert err.value.param == param


vec = st.lists(st.floats(-10, 10), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(w=vec, lam=st.floats(0, 1), lr=st.floats(1e-3, 1))
def test_weight_decay_shrinks_weights_without_data_gradient(w, lam, lr):
    l1, l2 = weight_penalties(w, lam)
    assert l1 >= 0 and l2 >= 0
    new = sgd_weight_decay_step(w, [0.0] * len(w), lam, lr)
    # pure decay multiplies every weight by (1 - lr*lambda)
    assert new == pytest.approx(np.asarray(w) * (1 - lr * lam), abs=1e-12)
    if lr * lam < 1:
        assert np.all(np.abs(new) <= np.abs(w) + 1e-12)
