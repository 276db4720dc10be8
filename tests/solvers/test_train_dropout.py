"""dropout_scaling: NumPy solver vs SymPy exact fractions, and the expectation identity."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.train_dropout import dropout_outputs

SEEDS = range(200)


def exact_reference(a, mask, p, variant):
    """Unit by unit from the definition, in exact fractions."""
    P = sp.Rational(str(p))
    train, test = [], []
    for ai, mi in zip(a, mask):
        A = sp.Rational(str(ai))
        kept = A if mi == 1 else sp.Integer(0)
        train.append(kept / P if variant == "inverted" else kept)
        test.append(A if variant == "inverted" else P * A)
    return [float(v) for v in train], [float(v) for v in test]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_exact_fractions(difficulty):
    variants = set()
    for seed in SEEDS:
        prob = make_problem("dropout_scaling", seed, difficulty)
        p = prob.params
        variants.add(p["variant"])
        assert 0 < sum(p["mask"]) < len(p["mask"])
        train, test = exact_reference(p["a"], p["mask"], p["p_keep"], p["variant"])
        assert prob.answer["train_output"] == pytest.approx(train, abs=1e-12), seed
        assert prob.answer["test_output"] == pytest.approx(test, abs=1e-12), seed
    assert variants == ({"inverted"} if difficulty == "easy" else {"inverted", "classic"})


def test_worked_example_by_hand():
    # a = [2, 4, 6], m = [1, 0, 1], p = 0.5, inverted: [2/0.5, 0, 6/0.5] = [4, 0, 12]; test = a
    a = solve_params("dropout_scaling", {"a": [2, 4, 6], "mask": [1, 0, 1], "p_keep": 0.5}).answer
    assert a == {"train_output": [4.0, 0.0, 12.0], "test_output": [2.0, 4.0, 6.0]}
    # classic, p = 0.8: train [2, 0, 6]; test 0.8*a = [1.6, 3.2, 4.8]
    a = solve_params("dropout_scaling", {"a": [2, 4, 6], "mask": [1, 0, 1], "p_keep": 0.8,
                                         "variant": "classic"}).answer
    assert a["train_output"] == [2.0, 0.0, 6.0] and a["test_output"] == pytest.approx([1.6, 3.2, 4.8])


def test_mistakes():
    prob = solve_params("dropout_scaling", {"a": [2, 4], "mask": [1, 0], "p_keep": 0.8})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["divided_by_drop_prob"]["train_output"] == pytest.approx([10.0, 0.0])
    assert wrong["scaled_test_too"]["test_output"] == pytest.approx([1.6, 3.2])


@pytest.mark.parametrize("bad, param", [
    ({"a": [1, 2], "mask": [1], "p_keep": 0.5}, "mask"),
    ({"a": [1, 2], "mask": [1, 2], "p_keep": 0.5}, "mask"),
    ({"a": [1, 2], "mask": [1, 0], "p_keep": 0}, "p_keep"),
    ({"a": [1, 2], "mask": [1, 0], "p_keep": 1.5}, "p_keep"),
    ({"a": [1, 2], "mask": [1, 0], "p_keep": 0.5, "variant": "gaussian"}, "variant"),
    ({"mask": [1, 0], "p_keep": 0.5}, "a"),
])
def test_bad_params(bad, param):
    with pytest.raises(ParamError) as err:
        solve_params("dropout_scaling", bad)
    assert err.value.param == param


@settings(max_examples=150, deadline=None)
@given(a=st.lists(st.floats(0, 10), min_size=1, max_size=6), p=st.floats(0.05, 1.0),
       variant=st.sampled_from(["inverted", "classic"]))
def test_expected_training_output_equals_test_output(a, p, variant):
    # average the training output over every possible mask, weighted by its probability
    n = len(a)
    expected = np.zeros(n)
    for bits in range(2 ** n):
        mask = np.array([(bits >> i) & 1 for i in range(n)])
        weight = p ** mask.sum() * (1 - p) ** (n - mask.sum())
        train, test = dropout_outputs(a, mask, p, variant)
        expected += weight * train
    assert expected == pytest.approx(test, rel=1e-9, abs=1e-9)
