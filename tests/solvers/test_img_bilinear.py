"""Bilinear interpolation against scipy.ndimage.map_coordinates (order=1) and, for resizing with
pixel centres aligned, scikit-image's transform.resize (order=1, no anti-aliasing), over many
seeds; the Wikipedia worked example; and bad input."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from scipy import ndimage
from skimage.transform import resize as sk_resize

import solvers.img_bilinear as img_bilinear
from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params


def at(img, x, y):
    return float(ndimage.map_coordinates(np.asarray(img, dtype=float), [[y], [x]], order=1, mode="nearest")[0])


def aligned_corners(img, m):
    n = len(img)
    src = np.arange(m) * (n - 1) / (m - 1)
    yy, xx = np.meshgrid(src, src, indexing="ij")
    return ndimage.map_coordinates(np.asarray(img, dtype=float), [yy, xx], order=1, mode="nearest")


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_scipy_and_skimage(difficulty):
    aligned = set()
    for seed in range(200):
        p = make_problem("bilinear", seed, difficulty)
        q = p.params
        if q["mode"] == "point":
            assert np.isclose(p.answer["value"], at(q["image"], q["x"], q["y"]))
            continue
        img = np.asarray(q["image"], dtype=float)
        if q["align_corners"]:
            want = aligned_corners(img, q["size"])
        else:
            want = sk_resize(img, (q["size"], q["size"]), order=1, mode="edge", anti_aliasing=False,
                             preserve_range=True)
        assert np.allclose(p.answer["output"], want), seed
        aligned.add(q["align_corners"])
        # the two conventions must differ in every drawn resize, or the question cannot test them
        assert "align_corners_mixup" in [m.id for m in p.mistakes], (seed, q["size"], len(img))
    assert difficulty != "hard" or aligned == {True, False}


def test_wikipedia_example():
    # Wikipedia, "Bilinear interpolation", Example: I(20,14) = 91, I(20,15) = 210, I(21,14) = 162,
    # I(21,15) = 95; at row 20.2, column 14.5: 150.5 and 128.5 along the rows, then 146.1.
    p = solve_params("bilinear", {"image": [[91, 210], [162, 95]], "x": 0.5, "y": 0.2})
    assert p.answer["value"] == pytest.approx(146.1)
    assert p.exact["value"] == "1461/10"
    assert "150.5" in p.steps[1].math and "128.5" in p.steps[1].math
    ms = {m.id: m.answer["value"] for m in p.mistakes}
    assert ms["swapped_xy"] == pytest.approx(at([[91, 210], [162, 95]], 0.2, 0.5))


def test_align_corners_by_hand():
    # [[0, 4], [8, 12]] to 3x3 with corners aligned: sources 0, 1/2, 1 -> the centre is the mean 6;
    # with centres aligned: sources (i+0.5)*2/3 - 0.5 = -1/6 -> 0, 1/2, 7/6 -> 1
    img = [[0, 4], [8, 12]]
    yes = solve_params("bilinear", {"image": img, "mode": "resize", "size": 3, "align_corners": True})
    assert yes.answer["output"] == [[0, 2, 4], [4, 6, 8], [8, 10, 12]]
    no = solve_params("bilinear", {"image": img, "mode": "resize", "size": 3, "align_corners": False})
    assert no.answer["output"] == yes.answer["output"]  # 3 from 2: the clamped sources coincide
    four = solve_params("bilinear", {"image": img, "mode": "resize", "size": 4, "align_corners": False})
    assert four.answer["output"][0] == [0, 1, 3, 4]  # sources 0, 1/4, 3/4, 1
    assert {m.id for m in four.mistakes} >= {"align_corners_mixup", "nearest"}


def test_docstring_examples():
    assert doctest.testmod(img_bilinear).failed == 0


@pytest.mark.parametrize("bad, name", [
    ({"image": [[1, 2], [3, 4]], "x": 1.5, "y": 0.5}, "x"),
    ({"image": [[1, 2], [3, 4]], "x": 0.5, "y": -0.1}, "y"),
    ({"image": [[1, 2], [3, 4]], "x": 0.5}, "y"),
    ({"image": [[1, 2, 3], [3, 4, 5]], "mode": "resize", "size": 3}, "image"),
    ({"image": [[1, 2], [3, 4]], "mode": "resize", "size": 1}, "size"),
    ({"image": [[1, 2], [3, 4]], "mode": "resize", "size": 3, "align_corners": "sometimes"}, "align_corners"),
    ({"image": [[1, 2], [3, 4]], "mode": "zoom"}, "mode"),
    ({"image": [[1]], "x": 0, "y": 0}, "image"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("bilinear").check_params(bad)
    assert e.value.param == name
