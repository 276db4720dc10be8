"""The 3x3 median filter against scipy.ndimage.median_filter (used only here) over many seeds,
the Gonzalez & Woods salt-and-pepper example, invariants and bad input."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

import solvers.img_median as img_median
from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_median import median_filter


def scipy_median(img: np.ndarray, border: str) -> np.ndarray:
    if border == "replicate":
        return ndimage.median_filter(img, size=3, mode="nearest")
    full = ndimage.median_filter(img, size=3, mode="constant", cval=0)
    return full if border == "zero" else full[1:-1, 1:-1]  # valid: drop what padding touched


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_scipy(difficulty):
    borders = set()
    for seed in range(200):
        p = make_problem("median_filter", seed, difficulty)
        img = np.array(p.params["image"])
        want = scipy_median(img, p.params["border"])
        assert np.array_equal(np.array(p.answer["output"]), want), seed
        borders.add(p.params["border"])
    assert borders == ({"valid"} if difficulty != "hard" else {"zero", "replicate"})


def test_gonzalez_woods_salt_and_pepper_example():
    # Gonzalez & Woods 3.5.2: a 3x3 neighbourhood with values (10, 20, 20, 20, 15, 20, 20, 25, 100)
    # sorts to (10, 15, 20, 20, 20, 20, 20, 25, 100); its median is 20.
    p = solve_params("median_filter", {"image": [[10, 20, 20], [20, 15, 20], [20, 25, 100]], "border": "valid"})
    assert p.answer == {"output": [[20]]}
    assert "10, 15, 20, 20, 20, 20, 20, 25, 100" in p.steps[-2].math


def test_border_mistakes():
    img = [[9, 9, 9], [9, 9, 9], [9, 9, 9]]
    z = solve_params("median_filter", {"image": img, "border": "zero"})
    # corners see 5 zeros of padding: their median is 0; edges see 3 zeros: 9
    assert z.answer["output"] == [[0, 9, 0], [9, 9, 9], [0, 9, 0]]
    ms = {m.id: m.answer["output"] for m in z.mistakes}
    assert ms["border_mixup"] == [[9] * 3] * 3


@settings(max_examples=150, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(3, 7), st.integers(3, 7)), elements=st.integers(0, 255)),
       st.sampled_from(["valid", "zero", "replicate"]))
def test_any_image_matches_scipy(img, border):
    out = median_filter(img, border)
    assert np.array_equal(out, scipy_median(img, border))
    # a median never leaves the range of its window, and filtering a constant image changes nothing
    assert out.min() >= 0 and out.max() <= img.max()
    assert np.array_equal(median_filter(np.full_like(img, 7), "replicate"), np.full_like(img, 7))


def test_docstring_examples():
    assert doctest.testmod(img_median).failed == 0


@pytest.mark.parametrize("bad, name", [
    ({"image": [[1, 2], [3, 4]]}, "image"),
    ({"image": [[1, 2, 3]] * 3, "border": "mirror"}, "border"),
    ({"image": [[1, 2, 300]] * 3}, "image"),
    ({"border": "zero"}, "image"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("median_filter").check_params(bad)
    assert e.value.param == name
