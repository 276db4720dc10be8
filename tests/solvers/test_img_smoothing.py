"""Mean and Gaussian 3x3 smoothing against scipy.ndimage (used only here) and exact fractions."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_smoothing import smooth_valid

GAUSS = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16


def reference(img: np.ndarray, kind: str) -> np.ndarray:
    f = img.astype(float)
    if kind == "mean":
        return ndimage.uniform_filter(f, size=3, mode="constant")[1:-1, 1:-1]
    return ndimage.correlate(f, GAUSS, mode="constant")[1:-1, 1:-1]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_smoothing_matches_scipy(difficulty):
    for seed in range(250):
        p = make_problem("smoothing", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        img = np.array(p.params["image"])
        ref = reference(img, p.params["filter"])
        if "value" in p.answer:
            assert img.shape == (3, 3)
            assert np.isclose(p.answer["value"], ref[0, 0])
            assert Fraction(p.exact["value"]) == Fraction(int((img * (GAUSS * 16 if p.params["filter"] == "gaussian" else 1)).sum()),
                                                          16 if p.params["filter"] == "gaussian" else 9)
        else:
            assert np.allclose(p.answer["output"], ref)


def test_worked_example():
    # Gaussian at the centre of [[1,2,3],[4,5,6],[7,8,9]]:
    # (1 + 2*2 + 3 + 2*4 + 4*5 + 2*6 + 7 + 2*8 + 9) / 16 = 80/16 = 5
    p = solve_params("smoothing", {"filter": "gaussian", "image": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]})
    assert p.answer == {"value": 5.0} and p.exact == {"value": "5"}
    # Mean of [[0,0,9],[0,9,9],[9,9,9]] = 54/9 = 6; Gaussian, row by row:
    # (0 + 0 + 9) + (0 + 4*9 + 2*9) + (9 + 2*9 + 9) = 9 + 54 + 36 = 99, and 99/16 = 6.1875
    q = solve_params("smoothing", {"filter": "mean", "image": [[0, 0, 9], [0, 9, 9], [9, 9, 9]]})
    assert q.answer == {"value": 6.0}
    assert {m.id: m.answer for m in q.mistakes}["other_filter"] == {"value": 6.1875}


@settings(max_examples=150, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(3, 6), st.integers(3, 6)), elements=st.integers(0, 255)),
       st.sampled_from(["mean", "gaussian"]))
def test_smoothing_is_an_average(img, kind):
    out = smooth_valid(img, kind)
    # a weighted average of a window lies between its smallest and largest pixel
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            win = img[r:r + 3, c:c + 3]
            assert win.min() - 1e-9 <= out[r, c] <= win.max() + 1e-9
    # smoothing is linear: adding a constant adds it to every output
    assert np.allclose(smooth_valid(img + 7, kind), out + 7)


@pytest.mark.parametrize("bad, name", [
    ({"filter": "median", "image": [[1] * 3] * 3}, "filter"),
    ({"filter": "mean", "image": [[1] * 2] * 2}, "image"),
    ({"filter": "mean", "image": [[1, 2, 256]] * 3}, "image"),
    ({"filter": "mean"}, "image"),
])
def test_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("smoothing").check_params(bad)
    assert e.value.param == name
