"""Binary and macro metrics against a count-based reference written from the definitions: the
confusion matrix is expanded into (true, predicted) label lists and every ratio is counted again
(sklearn is not installed; SymPy keeps the reference exact)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params


def labels_from_matrix(m) -> tuple[np.ndarray, np.ndarray]:
    """One (true, predicted) pair per sample counted in the matrix (rows true, columns predicted)."""
    y_true, y_pred = [], []
    for i, row in enumerate(m):
        for j, count in enumerate(row):
            y_true += [i] * int(count)
            y_pred += [j] * int(count)
    return np.array(y_true), np.array(y_pred)


def ref_binary(tp, fp, fn, tn) -> dict[str, sp.Rational]:
    # positive class = 0; matrix rows true [pos, neg], columns predicted [pos, neg]
    yt, yp = labels_from_matrix([[tp, fn], [fp, tn]])
    hit = int(((yt == 0) & (yp == 0)).sum())
    p = sp.Rational(hit, int((yp == 0).sum()))
    r = sp.Rational(hit, int((yt == 0).sum()))
    f1 = 0 if p + r == 0 else 1 / ((1 / p + 1 / r) / 2)  # harmonic mean written as such
    return {"accuracy": sp.Rational(int((yt == yp).sum()), len(yt)), "precision": p, "recall": r, "f1": f1}


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_confusion_metrics_match_counting(difficulty):
    for seed in range(250):
        p = make_problem("confusion_metrics", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        ref = ref_binary(*(p.params[k] for k in ("tp", "fp", "fn", "tn")))
        for k, v in ref.items():
            assert abs(p.answer[k] - float(v)) < 1e-12, (seed, k)
            assert sp.Rational(p.exact[k]) == v


def test_confusion_worked_example():
    # TP=8, FP=2, FN=4, TN=6: accuracy 14/20 = 0.7, precision 8/10 = 0.8, recall 8/12 = 0.6667,
    # F1 = 2*8/(16+2+4) = 16/22 = 0.7273; the arithmetic-mean mistake gives (0.8+0.6667)/2 = 0.7333
    p = solve_params("confusion_metrics", {"tp": 8, "fp": 2, "fn": 4, "tn": 6})
    assert p.exact == {"accuracy": "7/10", "precision": "4/5", "recall": "2/3", "f1": "8/11"}
    ms = {m.id: m.answer for m in p.mistakes}
    assert round(ms["f1_arithmetic_mean"]["f1"], 4) == 0.7333
    assert ms["accuracy_without_tn"]["accuracy"] == pytest.approx(8 / 14)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_confusion_properties(tp, fp, fn, tn):
    if tp + fp == 0 or tp + fn == 0:
        with pytest.raises(ParamError):
            solve_params("confusion_metrics", {"tp": tp, "fp": fp, "fn": fn, "tn": tn})
        return
    a = solve_params("confusion_metrics", {"tp": tp, "fp": fp, "fn": fn, "tn": tn}).answer
    assert all(0 <= v <= 1 for v in a.values())
    # F1 lies between precision and recall and never above their arithmetic mean
    lo, hi = sorted((a["precision"], a["recall"]))
    assert lo - 1e-12 <= a["f1"] <= hi + 1e-12
    assert a["f1"] <= (lo + hi) / 2 + 1e-12
    # swapping FP and FN swaps precision and recall
    b = solve_params("confusion_metrics", {"tp": tp, "fp": fn, "fn": fp, "tn": tn}).answer
    assert b["precision"] == pytest.approx(a["recall"]) and b["recall"] == pytest.approx(a["precision"])


@pytest.mark.parametrize("bad, name", [
    ({"tp": 0, "fp": 0, "fn": 3, "tn": 4}, "fp"),
    ({"tp": 0, "fp": 2, "fn": 0, "tn": 4}, "fn"),
    ({"tp": -1, "fp": 2, "fn": 3, "tn": 4}, "tp"),
    ({"tp": 1.5, "fp": 2, "fn": 3, "tn": 4}, "tp"),
    ({"tp": 1, "fp": 2, "fn": 3}, "tn"),
    ({"tp": 1, "fp": 2, "fn": 3, "tn": 4, "layout": "pie"}, "layout"),
])
def test_confusion_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("confusion_metrics").check_params(bad)
    assert e.value.param == name


# ------------------------------------------------------------------------------- macro metrics

def ref_macro(m):
    yt, yp = labels_from_matrix(m)
    n = len(m)
    prec, rec, f1 = [], [], []
    for k in range(n):
        hit = int(((yt == k) & (yp == k)).sum())
        p = sp.Rational(hit, int((yp == k).sum()))
        r = sp.Rational(hit, int((yt == k).sum()))
        prec.append(p)
        rec.append(r)
        f1.append(0 if hit == 0 else 1 / ((1 / p + 1 / r) / 2))
    return prec, rec, sum(prec) / n, sum(rec) / n, sum(f1) / n


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_macro_metrics_match_counting(difficulty):
    for seed in range(250):
        p = make_problem("macro_metrics", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        prec, rec, mp, mr, mf = ref_macro(p.params["matrix"])
        assert np.allclose(p.answer["precision"], [float(x) for x in prec], atol=1e-12)
        assert np.allclose(p.answer["recall"], [float(x) for x in rec], atol=1e-12)
        assert sp.Rational(p.exact["macro_precision"]) == mp
        assert sp.Rational(p.exact["macro_recall"]) == mr
        assert sp.Rational(p.exact["macro_f1"]) == mf
        assert p.answer["macro_f1"] == pytest.approx(float(mf), abs=1e-12)


def test_macro_worked_example():
    # [[2,0,0],[1,1,0],[0,0,1]]: precision 2/3, 1, 1; recall 1, 1/2, 1;
    # F1: 4/5, 2/3, 1 -> macro-F1 = (0.8 + 0.6667 + 1)/3 = 37/45 = 0.8222
    p = solve_params("macro_metrics", {"matrix": [[2, 0, 0], [1, 1, 0], [0, 0, 1]]})
    assert p.exact == {"macro_precision": "8/9", "macro_recall": "5/6", "macro_f1": "37/45"}
    ms = {m.id: m.answer for m in p.mistakes}
    assert ms["micro_average"]["macro_f1"] == pytest.approx(4 / 5)  # 4 correct of 5


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=9, max_size=9), st.permutations([0, 1, 2]))
def test_macro_properties(vals, perm):
    m = np.array(vals).reshape(3, 3)
    np.fill_diagonal(m, np.diag(m) + 1)
    a = solve_params("macro_metrics", {"matrix": m.tolist()}).answer
    # transposing the matrix swaps precision and recall
    t = solve_params("macro_metrics", {"matrix": m.T.tolist()}).answer
    assert np.allclose(t["precision"], a["recall"]) and np.allclose(t["recall"], a["precision"])
    # renaming the classes permutes the per-class values and leaves the macro averages alone
    q = solve_params("macro_metrics", {"matrix": m[np.ix_(perm, perm)].tolist()}).answer
    assert np.allclose(q["precision"], np.array(a["precision"])[list(perm)])
    assert q["macro_f1"] == pytest.approx(a["macro_f1"])


@pytest.mark.parametrize("bad, name", [
    ({"matrix": [[1, 2], [3, 4], [5, 6]]}, "matrix"),
    ({"matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 0]]}, "matrix"),
    ({"matrix": [[1, -1], [0, 1]]}, "matrix"),
    ({"matrix": [[1, 0], [0, 1]], "classes": ["a"]}, "classes"),
    ({}, "matrix"),
])
def test_macro_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("macro_metrics").check_params(bad)
    assert e.value.param == name


def test_mistakes_that_round_to_the_answer_are_not_named():
    # P = 100/120, R = 100/121: F1 = 200/241 = 0.829876, the arithmetic mean 0.829890; they
    # differ by 0.000014, less than the grader's half-unit 0.00005 at 4 decimal places.
    p = solve_params("confusion_metrics", {"tp": 100, "fp": 20, "fn": 21, "tn": 5})
    f1 = 200 / 241
    mean = (100 / 120 + 100 / 121) / 2
    assert abs(f1 - mean) < 0.00005  # the mistake is invisible at 4 decimal places ...
    assert "f1_arithmetic_mean" not in {m.id for m in p.mistakes}  # ... so it is not named
    q = solve_params("confusion_metrics", {"tp": 10, "fp": 20, "fn": 1, "tn": 5})
    assert "f1_arithmetic_mean" in {m.id for m in q.mistakes}  # a clear gap is named


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_macro_step_means_reproduce_the_answer(difficulty):
    # the macro step once averaged the 4-place class values, which missed the 4-place mean in ~1%
    import re
    for seed in range(200):
        p = make_problem("macro_metrics", seed, difficulty)
        line = p.steps[-1].math
        for name, field in (("P_macro", "macro_precision"), ("R_macro", "macro_recall"), ("F1_macro", "macro_f1")):
            terms, n = re.search(name + r" = \(([^)]*)\)/(\d+)", line).groups()
            mean = sum(float(t) for t in terms.split(" + ")) / int(n)
            assert abs(mean - p.answer[field]) <= 0.5e-4, (seed, name)
