"""weighted_cross_entropy against the one-hot form of the loss, with 30-digit Decimal logarithms."""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pytest

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(200)


def one_hot_loss(probs, targets, weights, normalise):
    """PyTorch's documented form: l_n = -sum_c w_c y_nc log p_nc, mean over sum_n w_(y_n) or N."""
    getcontext().prec = 30
    K = len(weights)
    D = lambda x: Decimal(repr(x))  # noqa: E731  (0.35 as written, not its binary neighbour)
    losses = []
    for p, t in zip(probs, targets):
        y = [1 if c == t else 0 for c in range(K)]
        losses.append(-sum(D(weights[c]) * y[c] * D(p[c]).ln() for c in range(K)))
    den = len(targets) if normalise == "pixels" else sum(D(weights[t]) for t in targets)
    return [float(x) for x in losses], float(sum(losses) / den)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_losses_match_the_one_hot_form(difficulty):
    for seed in SEEDS:
        prob = make_problem("weighted_cross_entropy", seed, difficulty)
        p = prob.params
        losses, loss = one_hot_loss(p["probs"], p["targets"], p["class_weights"], p["normalise"])
        assert prob.answer["pixel_losses"] == pytest.approx(losses, abs=1e-12), seed
        assert prob.answer["loss"] == pytest.approx(loss, abs=1e-12), seed
        assert all(abs(sum(row) - 1) < 1e-9 and min(row) >= 0.05 for row in p["probs"])


def test_hand_example_and_the_two_normalisations():
    # -2 ln 0.5 = 1.386294, -1 ln 0.75 = 0.287682; sum 1.673976; / N = 0.836988, / (2 + 1) = 0.557992
    params = dict(probs=[[0.5, 0.5], [0.25, 0.75]], targets=[0, 1], class_weights=[2, 1])
    pixels = solve_params("weighted_cross_entropy", {**params, "normalise": "pixels"})
    weights = solve_params("weighted_cross_entropy", {**params, "normalise": "weights"})
    assert round(pixels.answer["loss"], 6) == 0.836988 and round(weights.answer["loss"], 6) == 0.557992
    named = {m.id: m.answer for m in pixels.mistakes}
    assert named["other_normalisation"]["loss"] == pytest.approx(weights.answer["loss"])
    assert named["forgot_weights"]["loss"] == pytest.approx((np.log(2) + np.log(4 / 3)) / 2)


@pytest.mark.parametrize("bad, name", [
    ({"probs": [[0.5, 0.6]], "targets": [0], "class_weights": [1, 1]}, "probs"),
    ({"probs": [[0.5, 0.5]], "targets": [2], "class_weights": [1, 1]}, "targets"),
    ({"probs": [[0.5, 0.5]], "targets": [0, 1], "class_weights": [1, 1]}, "targets"),
    ({"probs": [[0.5, 0.5]], "targets": [0], "class_weights": [1, 0]}, "class_weights"),
    ({"probs": [[0.5, 0.5]], "targets": [0], "class_weights": [1, 1], "normalise": "batch"}, "normalise"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("weighted_cross_entropy").check_params(bad)
    assert err.value.param == name


def test_a_student_carrying_six_places_is_marked_right():
    # ln p written to 6 places (half up), times the weight, each loss carried to 6 places
    from quizapp.core.grading import grade_problem

    def hu(x):
        return Decimal(repr(float(x))).quantize(Decimal("1e-12")).quantize(Decimal("1e-6"), rounding="ROUND_HALF_UP")

    wrong = []
    for d in DIFFICULTIES:
        for seed in range(100):
            prob = make_problem("weighted_cross_entropy", seed, d)
            p = prob.params
            ls = [Decimal(repr(p["class_weights"][t])) * hu(-np.log(row[t])) for row, t in zip(p["probs"], p["targets"])]
            den = len(ls) if p["normalise"] == "pixels" else sum(Decimal(repr(p["class_weights"][t]))
                                                                  for t in p["targets"])
            loss = sum(hu(x) for x in ls) / den
            typed = {"pixel_losses": "[" + ", ".join(str(x.quantize(Decimal("1e-4"), rounding="ROUND_HALF_UP"))
                                                     for x in ls) + "]",
                     "loss": str(loss.quantize(Decimal("1e-4"), rounding="ROUND_HALF_UP"))}
            grade = grade_problem(prob, typed)
            wrong += [f"{d} {seed} {r.name}: {r.given} vs {r.expected}" for r in grade.fields if not r.correct]
    assert not wrong, wrong[:5]
