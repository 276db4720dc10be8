"""Otsu's threshold against a brute force over every t from the definition (SymPy exact, with the
other form of the between-class variance) and scikit-image's threshold_otsu (used only here)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from skimage.filters import threshold_otsu

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_otsu import otsu_threshold


def brute_force(img: np.ndarray, levels: int) -> tuple[int, list[int], dict[int, sp.Rational]]:
    """sigma_B^2(t) = w0 (mu0 - mu)^2 + w1 (mu1 - mu)^2 from the pixels themselves (no histogram)."""
    px = [int(v) for v in img.ravel()]
    n = len(px)
    mu = sp.Rational(sum(px), n)
    sig = {}
    for t in range(levels - 1):
        c0 = [v for v in px if v <= t]
        c1 = [v for v in px if v > t]
        if not c0 or not c1:
            sig[t] = sp.Integer(0)
            continue
        w0, w1 = sp.Rational(len(c0), n), sp.Rational(len(c1), n)
        mu0, mu1 = sp.Rational(sum(c0), len(c0)), sp.Rational(sum(c1), len(c1))
        sig[t] = w0 * (mu0 - mu) ** 2 + w1 * (mu1 - mu) ** 2
    best = max(sig.values())
    maxima = [t for t in sig if sig[t] == best]
    return maxima[0], maxima, sig


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_otsu_matches_brute_force_and_skimage(difficulty):
    for seed in range(200):
        p = make_problem("otsu", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        img, L = np.array(p.params["image"]), p.params["levels"]
        t, maxima, sig = brute_force(img, L)
        assert p.answer["threshold"] == t
        if difficulty != "hard":
            assert maxima == [t], "easy and medium items must have a unique maximiser"
        # skimage returns t with foreground = image > t, the same classes as ours. Its float
        # arithmetic can only disagree on an exact tie between different splits.
        t_sk = int(threshold_otsu(img.astype(np.uint8)))
        splits = {tuple(img.ravel() <= m) for m in maxima}
        if len(splits) == 1:
            assert t_sk == t, (seed, t_sk, t)
        else:
            assert t_sk in maxima


def test_worked_example():
    # Pixels 0,0,1,1 | 6,6,7,7 (L = 8). At t = 1: w0 = w1 = 1/2, mu0 = 1/2, mu1 = 13/2,
    # sigma = 1/4 * 36 = 9. t = 2..5 give the same split (levels 2..5 are empty) -> smallest t = 1.
    # t = 0: w0 = 1/4, mu0 = 0, mu1 = (2 + 26)/6 = 14/3, sigma = 3/16 * 196/9 = 49/12 < 9.
    p = solve_params("otsu", {"image": [[0, 1, 6, 7], [0, 1, 6, 7]], "levels": 8})
    assert p.answer == {"threshold": 1}
    assert {m.id: m.answer for m in p.mistakes}["largest_tie"] == {"threshold": 5}


@settings(max_examples=150, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(2, 6), st.integers(2, 6)), elements=st.integers(0, 15)),
       st.randoms(use_true_random=False))
def test_otsu_properties(img, rnd):
    if img.min() == img.max():
        return
    t = otsu_threshold(img, 16)
    # both classes are non-empty at the answer, and the answer ignores pixel positions
    assert img.min() <= t < img.max()
    flat = img.ravel().tolist()
    rnd.shuffle(flat)
    assert otsu_threshold(np.array(flat).reshape(img.shape), 16) == t
    # a uniform brightness shift shifts the threshold by the same amount
    assert otsu_threshold(img + 0, 20) == t
    assert otsu_threshold(img + 3, 19) == t + 3


@pytest.mark.parametrize("bad, name", [
    ({"image": [[1, 2], [3, 4]], "levels": 4}, "image"),   # level 4 not below L = 4
    ({"image": [[2, 2], [2, 2]], "levels": 8}, "image"),   # nothing to split
    ({"image": [[1, 2], [3, 4]], "levels": 1}, "levels"),
    ({"image": [[1, 2], [3, 4]], "levels": "many"}, "levels"),
    ({"image": [[1, -2], [3, 4]], "levels": 8}, "image"),
    ({"levels": 8}, "image"),
])
def test_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("otsu").check_params(bad)
    assert e.value.param == name


def test_mistake_labels_describe_their_values():
    # levels 2..5 are empty, so the first foreground level is 6, not t+1 = 2: the label once
    # said "first foreground level" for the value t+1. Global mean 28/8 = 3.5, floored to 3.
    p = solve_params("otsu", {"image": [[0, 1, 6, 7], [0, 1, 6, 7]], "levels": 8})
    m = {m.id: m for m in p.mistakes}
    assert m["off_by_one"].answer == {"threshold": 2} and "t+1" in m["off_by_one"].label.en
    assert "first foreground" not in m["off_by_one"].label.en
    assert m["global_mean"].answer == {"threshold": 3} and "rounded down" in m["global_mean"].label.en
