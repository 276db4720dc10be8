"""softmax_cross_entropy: NumPy solver (max-shifted) vs SymPy exact exponentials."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.act_softmax import softmax_cross_entropy

SEEDS = range(200)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sympy_over_many_seeds(difficulty):
    for seed in SEEDS:
        prob = make_problem("softmax_cross_entropy", seed, difficulty)
        z = [sp.Rational(str(v)) for v in prob.params["logits"]]
        y = prob.params["target"] - 1
        total = sum(sp.exp(v) for v in z)
        probs = [float(sp.N(sp.exp(v) / total, 30)) for v in z]
        loss = float(sp.N(-sp.log(sp.exp(z[y]) / total), 30))
        assert prob.answer["probs"] == pytest.approx(probs, abs=1e-12), seed
        assert prob.answer["loss"] == pytest.approx(loss, abs=1e-12), seed


def test_worked_example_by_hand():
    # logits [0, 0, 0, 0]: each p = 1/4, loss = ln 4 = 1.3863
    a = solve_params("softmax_cross_entropy", {"logits": [0, 0, 0, 0], "target": 2}).answer
    assert a["probs"] == pytest.approx([0.25] * 4) and round(a["loss"], 4) == 1.3863
    # logits [ln 1, ln 3] = [0, 1.0986]: p = [1/4, 3/4]; true class 1 -> ln 4
    a = solve_params("softmax_cross_entropy", {"logits": [0, math.log(3)], "target": 1}).answer
    assert a["probs"] == pytest.approx([0.25, 0.75]) and a["loss"] == pytest.approx(math.log(4))


def test_mistakes():
    prob = solve_params("softmax_cross_entropy", {"logits": [1, 2, 3], "target": 3})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["log10"]["loss"] == pytest.approx(prob.answer["loss"] / math.log(10))
    assert wrong["forgot_normalise"]["loss"] == -3
    assert wrong["used_logit"]["loss"] == pytest.approx(-math.log(3))
    assert wrong["linear_normalise"]["probs"] == pytest.approx([1 / 6, 2 / 6, 3 / 6])


@pytest.mark.parametrize("bad, param", [
    ({"logits": [1], "target": 1}, "logits"),
    ({"logits": [1, 2], "target": 3}, "target"),
    ({"logits": [1, 2], "target": 0}, "target"),
    ({"logits": [1, 2]}, "target"),
    ({"logits": [0, 500], "target": 1}, "logits"),
    ({"logits": [[1, 2]], "target": 1}, "logits"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("softmax_cross_entropy", bad)
    assert err.value.param == param


@settings(max_examples=200, deadline=None)
@given(z=st.lists(st.floats(-30, 30), min_size=2, max_size=8), data=st.data())
def test_probabilities_and_loss_invariants(z, data):
    y = data.draw(st.integers(0, len(z) - 1))
    p, loss = softmax_cross_entropy(z, y)
    assert np.all(p > 0) and p.sum() == pytest.approx(1.0)
    assert loss >= 0 and loss == pytest.approx(-math.log(p[y]), rel=1e-9, abs=1e-12)
    # softmax ignores a constant shift of the logits
    p2, loss2 = softmax_cross_entropy(np.asarray(z) + 7.0, y)
    assert p2 == pytest.approx(p) and loss2 == pytest.approx(loss, abs=1e-9)
    # the largest logit gets the largest probability
    assert p[int(np.argmax(z))] == pytest.approx(p.max())


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_loss_step_reproduces_the_answer(difficulty):
    # The step once read "L = -ln(0.0900) = 2.4076", but -ln(0.0900) = 2.4079: the 4-place p_y
    # cannot give the 4-place loss. It now shows L = ln(sum) - z_y, which does.
    import math
    import re
    for seed in range(200):
        p = make_problem("softmax_cross_entropy", seed, difficulty)
        m = re.fullmatch(r"L = ln\(([-\d.]+)\) - \(([-\d.]+)\) = ([-\d.]+)", p.steps[2].math)
        assert m, p.steps[2].math
        total, zy, shown = (float(g) for g in m.groups())
        assert abs(math.log(total) - zy - p.answer["loss"]) <= 0.5e-4
        assert abs(shown - p.answer["loss"]) <= 0.5e-4
        assert "unrounded p" in p.question.en and "未舍入" in p.question.zh
