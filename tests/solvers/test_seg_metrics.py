"""seg_metrics against the set definitions on pixel masks (no confusion matrix involved)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(300)


def pixels(params):
    """The (truth, pred) label arrays: the maps, or a confusion matrix expanded back into pixels."""
    if "confusion" in params:
        c = np.asarray(params["confusion"])
        K = c.shape[0]
        t = np.repeat(np.repeat(np.arange(K), K), c.ravel())
        p = np.repeat(np.tile(np.arange(K), K), c.ravel())
        return t, p, K
    return np.ravel(params["truth"]), np.ravel(params["pred"]), params["num_classes"]


def by_sets(t, p, K):
    iou, dice = [], []
    for k in range(K):
        A, B = t == k, p == k
        inter = int((A & B).sum())
        iou.append(Fraction(inter, int((A | B).sum())))
        dice.append(Fraction(2 * inter, int(A.sum() + B.sum())))
    return {"pixel_accuracy": Fraction(int((t == p).sum()), t.size), "iou": iou, "miou": sum(iou) / K,
            "dice": dice, "dice_loss": 1 - sum(dice) / K}


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_metrics_match_the_set_definitions(difficulty):
    for seed in SEEDS:
        prob = make_problem("seg_metrics", seed, difficulty)
        want = by_sets(*pixels(prob.params))
        for name, value in want.items():
            got = prob.answer[name]
            if isinstance(value, list):
                assert got == pytest.approx([float(v) for v in value], abs=1e-12), (seed, name)
                # Dice and IoU of the same class are tied: D = 2J / (1 + J)
                if name == "dice":
                    assert [2 * j / (1 + j) for j in want["iou"]] == value
            else:
                assert got == pytest.approx(float(value), abs=1e-12), (seed, name)
                if name in prob.exact:
                    assert Fraction(prob.exact[name]) == value


def test_hand_example():
    # truth/pred 2x2: C = [[1, 0], [1, 2]]: PA 3/4; IoU 1/2, 2/3 (mIoU 7/12); Dice 2/3, 4/5 (loss 4/15)
    prob = solve_params("seg_metrics", dict(truth=[[0, 1], [1, 1]], pred=[[0, 0], [1, 1]]))
    assert prob.exact == {"pixel_accuracy": "3/4", "miou": "7/12", "dice_loss": "4/15"}
    named = {m.id: m.answer for m in prob.mistakes}
    # the union counted twice gives Dice / 2 as the IoU
    assert named["union_double_counted"]["iou"] == pytest.approx([1 / 3, 2 / 5])
    assert named["pooled_iou"]["miou"] == pytest.approx(3 / 5)  # (1 + 2) / (2 + 3)


def test_both_layouts_give_the_same_numbers():
    maps = solve_params("seg_metrics", dict(truth=[[0, 1, 2], [2, 2, 1]], pred=[[0, 2, 2], [2, 1, 1]]))
    conf = solve_params("seg_metrics", dict(confusion=[[1, 0, 0], [0, 1, 1], [0, 1, 2]]))
    assert maps.answer == conf.answer


@pytest.mark.parametrize("bad, name", [
    ({"truth": [[0, 1]], "pred": [[0, 1, 1]]}, "pred"),
    ({"truth": [[0, -1]], "pred": [[0, 1]]}, "truth"),
    ({"truth": [[0, 1]], "pred": [[0, 1]], "num_classes": 5}, "num_classes"),
    ({"confusion": [[1, 2, 3], [4, 5, 6]]}, "confusion"),
    ({"confusion": [[1, 0], [0, 0]]}, "confusion"),
    ({"pred": [[0, 1]]}, "truth"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("seg_metrics").check_params(bad)
    assert err.value.param == name


def test_a_student_averaging_six_place_values_is_marked_right():
    # per-class values written to 6 places (half up), then averaged: the mean may differ from the
    # exact one in the 4th place, and is accepted as the carried key
    from decimal import ROUND_HALF_UP, Decimal

    from quizapp.core.grading import grade_problem

    def q(x, places):
        return Decimal(x.numerator) / Decimal(x.denominator) if places is None else (
            Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)

    wrong = []
    for d in DIFFICULTIES:
        for seed in range(150):
            prob = make_problem("seg_metrics", seed, d)
            m = by_sets(*pixels(prob.params))
            K = len(m["iou"])
            miou = sum(q(x, 6) for x in m["iou"]) / K
            loss = 1 - sum(q(x, 6) for x in m["dice"]) / K
            typed = {"pixel_accuracy": str(q(m["pixel_accuracy"], 4)),
                     "iou": "[" + ", ".join(str(q(x, 4)) for x in m["iou"]) + "]",
                     "dice": "[" + ", ".join(str(q(x, 4)) for x in m["dice"]) + "]",
                     "miou": str(miou.quantize(Decimal("1e-4"), ROUND_HALF_UP)),
                     "dice_loss": str(loss.quantize(Decimal("1e-4"), ROUND_HALF_UP))}
            grade = grade_problem(prob, typed)
            wrong += [f"{d} {seed} {r.name}: {r.given} vs {r.expected}" for r in grade.fields if not r.correct]
    assert not wrong, wrong[:5]
