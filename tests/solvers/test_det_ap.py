"""AP and mAP against two independent computations: the PASCAL VOC devkit's all-point code
(recall/precision envelopes with sentinels, NumPy floats) and an exact integral of p_interp(r)
over recall evaluated at the midpoint of each recall step (SymPy)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.det_ap import ap_all_point, ap_uninterpolated, curve


def voc_ap(matches, n_gt) -> tuple[np.ndarray, np.ndarray, float]:
    """The VOC2010+ devkit computation (voc_ap with use_07_metric=False), re-typed here."""
    tp = np.cumsum([m == "TP" for m in matches]).astype(float)
    fp = np.cumsum([m == "FP" for m in matches]).astype(float)
    rec = tp / n_gt
    prec = tp / np.maximum(tp + fp, np.finfo(float).eps)
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return prec, rec, float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def integral_ap(matches, n_gt) -> sp.Rational:
    """AP = integral over r in [0,1] of p_interp(r) = max{precision_k : recall_k >= r}; recall
    only takes the values j/n_gt, so p_interp is constant on each ((j-1)/n_gt, j/n_gt]."""
    tp, pts = 0, []
    for k, m in enumerate(matches, start=1):
        tp += m == "TP"
        pts.append((sp.Rational(tp, n_gt), sp.Rational(tp, k)))
    total = sp.Integer(0)
    for j in range(1, n_gt + 1):
        mid = sp.Rational(2 * j - 1, 2 * n_gt)
        total += max([p for r, p in pts if r >= mid], default=sp.Integer(0)) / n_gt
    return total


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_ap_matches_voc_devkit_and_integral(difficulty):
    for seed in range(250):
        p = make_problem("average_precision", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        m, n = p.params["matches"], p.params["n_gt"]
        prec, rec, ap = voc_ap(m, n)
        assert np.allclose(p.answer["precision"], prec) and np.allclose(p.answer["recall"], rec)
        assert abs(p.answer["ap"] - ap) < 1e-12
        assert sp.Rational(p.exact["ap"]) == integral_ap(m, n)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_map_matches_voc_devkit(difficulty):
    for seed in range(250):
        p = make_problem("map", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        aps = [voc_ap(m, n)[2] for m, n in zip(p.params["matches"], p.params["n_gt"])]
        assert np.allclose(p.answer["ap"], aps, atol=1e-12)
        exact = [integral_ap(m, n) for m, n in zip(p.params["matches"], p.params["n_gt"])]
        assert sp.Rational(p.exact["map"]) == sum(exact) / len(exact)
        assert len(aps) == (2 if difficulty == "easy" else 3)


def test_worked_example():
    # TP, FP, TP, FP with N_gt = 3: P = 1, 1/2, 2/3, 1/2; R = 1/3, 1/3, 2/3, 2/3.
    # p_interp at the TP ranks: rank 1 -> 1, rank 3 -> 2/3. AP = (1 + 2/3)/3 = 5/9 = 0.5556.
    # 11-point: r = 0..0.3 -> 1 (4 points), r = 0.4..0.6 -> 2/3 (3 points), r >= 0.7 -> 0:
    # (4 + 2)/11 = 6/11 = 0.5455. Not interpolated: same here (1 + 2/3)/3, so that mistake drops.
    p = solve_params("average_precision", {"matches": ["TP", "FP", "TP", "FP"], "n_gt": 3})
    assert p.exact == {"ap": "5/9"}
    assert np.allclose(p.answer["precision"], [1, 1 / 2, 2 / 3, 1 / 2])
    ms = {m.id: m.answer for m in p.mistakes}
    assert ms["eleven_point"]["ap"] == pytest.approx(6 / 11)
    assert "not_interpolated" not in ms
    # FP, TP, TP with N_gt = 2: raw precision at TPs 1/2, 2/3; interpolated 2/3, 2/3.
    # AP = (2/3 + 2/3)/2 = 2/3; not interpolated = (1/2 + 2/3)/2 = 7/12.
    q = solve_params("average_precision", {"matches": "FP TP TP", "n_gt": 2})
    assert q.exact == {"ap": "2/3"}
    assert {m.id: m.answer for m in q.mistakes}["not_interpolated"]["ap"] == pytest.approx(7 / 12)
    # mAP of those two classes: (5/9 + 2/3)/2 = 11/18
    r = solve_params("map", {"matches": [["TP", "FP", "TP", "FP"], ["FP", "TP", "TP"]], "n_gt": [3, 2]})
    assert r.exact == {"map": "11/18"}


rankings = st.lists(st.booleans(), min_size=1, max_size=12).filter(any)


@settings(max_examples=200, deadline=None)
@given(rankings, st.integers(0, 3))
def test_ap_properties(h, missed):
    n = sum(h) + missed
    ap = ap_all_point(h, n)
    assert 0 < ap <= 1
    assert ap >= ap_uninterpolated(h, n)  # the envelope is never below the raw curve
    assert ap_all_point(h + [False, False], n) == ap  # FPs after the last TP change nothing
    assert (ap == 1) == (missed == 0 and h == sorted(h, reverse=True))
    # promoting a TP above the FP just before it never lowers AP
    for k in range(1, len(h)):
        if h[k] and not h[k - 1]:
            better = h[:k - 1] + [True, False] + h[k + 1:]
            assert ap_all_point(better, n) >= ap


@settings(max_examples=300, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=30).filter(any), st.integers(0, 4))
def test_whole_number_curve_equals_the_fraction_definitions(h, missed):
    # curve() works in whole numbers over a common denominator; here every value is built from
    # its definition with Fractions (precision and recall per rank, envelope, sums, 11 points)
    n = sum(h) + missed
    prec = [Fraction(sum(h[:k]), k) for k in range(1, len(h) + 1)]
    rec = [Fraction(sum(h[:k]), n) for k in range(1, len(h) + 1)]
    interp = [max(prec[k:]) for k in range(len(h))]
    c = curve(h, n)
    assert [Fraction(*ip) for ip in c.interp] == interp
    assert c.all_point == sum((interp[k] for k in range(len(h)) if h[k]), Fraction(0)) / n
    assert c.uninterpolated == sum((prec[k] for k in range(len(h)) if h[k]), Fraction(0)) / n
    assert c.eleven_point == sum((max([p for p, r in zip(prec, rec) if r >= Fraction(i, 10)], default=Fraction(0))
                                  for i in range(11)), Fraction(0)) / 11


@pytest.mark.parametrize("kind, bad, name", [
    ("average_precision", {"matches": ["TP", "maybe"], "n_gt": 2}, "matches"),
    ("average_precision", {"matches": ["TP", "TP", "TP"], "n_gt": 2}, "n_gt"),
    ("average_precision", {"matches": [], "n_gt": 2}, "matches"),
    ("average_precision", {"matches": ["TP"], "n_gt": 0}, "n_gt"),
    ("map", {"matches": [["TP"], ["FP", "TP"]], "n_gt": [1]}, "n_gt"),
    ("map", {"matches": [["TP", "TP"], ["TP"]], "n_gt": [1, 1]}, "n_gt"),
    ("map", {"matches": "TP FP", "n_gt": [1]}, "matches"),
    ("map", {"matches": [["TP"], ["TP"]], "n_gt": [1, 1], "classes": ["a"]}, "classes"),
])
def test_bad_params(kind, bad, name):
    with pytest.raises(ParamError) as e:
        get_kind(kind).check_params(bad)
    assert e.value.param == name


def test_map_statement_fixes_the_order_of_the_ap_vector():
    # the answer is a vector of APs; the statement once did not say in which order to give them
    p = make_problem("map", 3, "medium")
    assert "in the order listed" in p.question.en and "按上面类别的顺序" in p.question.zh
