"""Binary morphology against scipy.ndimage (border_value=0) and scikit-image (used only here)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage
from skimage import morphology as skm

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_morphology import dilate, erode, morph

SE = {"square": np.ones((3, 3), dtype=bool), "cross": ndimage.generate_binary_structure(2, 1)}


def scipy_ref(img: np.ndarray, op: str, se: str) -> np.ndarray:
    f = {"erosion": ndimage.binary_erosion, "dilation": ndimage.binary_dilation,
         "opening": ndimage.binary_opening, "closing": ndimage.binary_closing}[op]
    return f(img.astype(bool), structure=SE[se], border_value=0).astype(int)


def skimage_ref(img: np.ndarray, op: str, se: str) -> np.ndarray:
    """skimage's grey erosion/dilation with one ring of zero padding (so the outside is 0)."""
    fp = SE[se]

    def ero(a):
        return skm.erosion(np.pad(a, 1), fp)[1:-1, 1:-1]

    def dil(a):
        return skm.dilation(np.pad(a, 1), fp)[1:-1, 1:-1]

    a = img.astype(bool)
    out = {"erosion": lambda: ero(a), "dilation": lambda: dil(a),
           "opening": lambda: dil(ero(a)), "closing": lambda: ero(dil(a))}[op]()
    return out.astype(int)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_morphology_matches_scipy_and_skimage(difficulty):
    ops = set()
    for seed in range(250):
        p = make_problem("morphology", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        img = np.array(p.params["image"])
        op, se = p.params["operation"], p.params["element"]
        ops.add(op)
        got = np.array(p.answer["result"])
        assert np.array_equal(got, scipy_ref(img, op, se)), (seed, op, se)
        assert np.array_equal(got, skimage_ref(img, op, se)), (seed, op, se)
        assert 5 <= img.shape[0] <= 7
    assert len(ops) >= 2


def test_worked_example():
    # A 3x3 block of ones in the middle of a 5x5 image. Square erosion keeps only the centre
    # (the only pixel whose whole 3x3 neighbourhood is inside the block); dilation fills the image.
    img = [[0] * 5, [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0] * 5]
    ero = solve_params("morphology", {"image": img, "operation": "erosion"}).answer["result"]
    assert ero == [[0] * 5, [0] * 5, [0, 0, 1, 0, 0], [0] * 5, [0] * 5]
    dil = solve_params("morphology", {"image": img, "operation": "dilation"}).answer["result"]
    assert dil == [[1] * 5] * 5
    # Opening a block with a one-pixel speck at (0,4) removes the speck and keeps the block.
    speck = [row[:] for row in img]
    speck[0][4] = 1
    p = solve_params("morphology", {"image": speck, "operation": "opening"})
    assert p.answer["result"] == img
    # Erosion at the border: a full 5x5 image of ones erodes to its inner 3x3 (outside is 0).
    full = solve_params("morphology", {"image": [[1] * 5] * 5, "operation": "erosion"})
    assert np.array(full.answer["result"]).sum() == 9
    assert {m.id: m.answer for m in full.mistakes}["border_as_object"] == {"result": [[1] * 5] * 5}


binary = arrays(np.int64, st.tuples(st.integers(3, 7), st.integers(3, 7)), elements=st.integers(0, 1))


@settings(max_examples=150, deadline=None)
@given(binary, st.sampled_from(["square", "cross"]))
def test_morphology_properties(img, se):
    # duality: eroding A (outside counted as object) is the complement of dilating the complement
    assert np.array_equal(erode(img, se, outside=1), ~dilate(1 - img, se))
    # erosion shrinks, dilation grows, opening is contained in A and is idempotent
    assert np.all(erode(img, se) <= img) and np.all(dilate(img, se) >= img)
    op = morph(img, "opening", se)
    assert np.all(op <= img)
    assert np.array_equal(morph(op, "opening", se), op)


@pytest.mark.parametrize("bad, name", [
    ({"image": [[0, 2], [1, 1]], "operation": "erosion"}, "image"),
    ({"image": [[0, 1], [1, 1]], "operation": "thinning"}, "operation"),
    ({"image": [[0, 1], [1, 1]], "operation": "erosion", "element": "disk"}, "element"),
    ({"image": [0, 1, 1], "operation": "erosion"}, "image"),
    ({"operation": "erosion"}, "image"),
])
def test_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("morphology").check_params(bad)
    assert e.value.param == name


@pytest.mark.parametrize("operation", ["erosion", "dilation", "opening", "closing"])
def test_statement_mentions_erosion_only_when_it_is_used(operation):
    # a dilation question once explained what erosion does at the border
    k = get_kind("morphology")
    p = k.check_params({"image": [[0, 1, 0], [1, 1, 1], [0, 1, 0]], "operation": operation})
    text = k.statement(p)
    assert "count as 0" in text.en and "视为 0" in text.zh
    assert ("erosion clears" in text.en) == (operation != "dilation")
    assert ("腐蚀时" in text.zh) == (operation != "dilation")


def test_border_mistake_names_the_convention_it_matches():
    # outside = 1 during erosion is MATLAB imerode's padding, a real convention, not just a slip
    p = solve_params("morphology", {"image": [[1, 1, 0], [1, 1, 0], [0, 0, 0]], "operation": "erosion"})
    m = {m.id: m for m in p.mistakes}["border_as_object"]
    assert m.answer == {"result": [[1, 0, 0], [0, 0, 0], [0, 0, 0]]}  # only (0,0) sees no 0 with a 1-border
    assert "MATLAB" in m.label.en and "MATLAB" in m.label.zh and "this question says 0" in m.label.en
