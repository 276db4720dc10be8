"""Sobel / Prewitt / Roberts maps and the one-pixel edge response, checked against scipy.ndimage
and scikit-image (used only here) over many seeds, plus invariants and bad-input handling."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage
from skimage import filters

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_edges import KERNELS, edge_maps

SEEDS = range(200)

# Kernels written out again here (not imported) so a typo in the solver cannot hide.
REF = {
    "sobel": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "prewitt": ([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    "roberts": ([[1, 0], [0, -1]], [[0, 1], [-1, 0]]),
}


def scipy_maps(img: np.ndarray, op: str) -> tuple[np.ndarray, np.ndarray]:
    """Valid region of scipy's correlation: crop the border that depends on padding."""
    k1, k2 = (np.array(k) for k in REF[op])
    a = ndimage.correlate(img, k1, mode="constant")
    b = ndimage.correlate(img, k2, mode="constant")
    if op == "roberts":  # scipy centres a 2x2 kernel at index 1: out[r+1, c+1] uses rows r..r+1
        return a[1:, 1:], b[1:, 1:]
    return a[1:-1, 1:-1], b[1:-1, 1:-1]


def skimage_maps(img: np.ndarray, op: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-image scales (1/4 Sobel, 1/3 Prewitt) and, for Roberts, convolves (flips the
    kernel, hence the minus sign) with the window anchored at its top-left pixel."""
    f = img.astype(float)
    if op == "sobel":
        return 4 * filters.sobel_v(f)[1:-1, 1:-1], 4 * filters.sobel_h(f)[1:-1, 1:-1]
    if op == "prewitt":
        return 3 * filters.prewitt_v(f)[1:-1, 1:-1], 3 * filters.prewitt_h(f)[1:-1, 1:-1]
    return -filters.roberts_pos_diag(f)[:-1, :-1], -filters.roberts_neg_diag(f)[:-1, :-1]


def assert_well_formed(p) -> None:
    assert {f.name for f in p.fields} == set(p.answer)
    json.dumps(p.to_dict())
    for m in p.mistakes:
        assert set(m.answer) <= set(p.answer)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("op", ["sobel", "prewitt", "roberts"])
def test_maps_match_scipy_and_skimage(op, difficulty):
    a, b = ("g1", "g2") if op == "roberts" else ("gx", "gy")
    for seed in SEEDS:
        p = make_problem(op, seed, difficulty)
        assert_well_formed(p)
        img = np.array(p.params["image"], dtype=np.int64)
        n = img.shape[0]
        assert 4 <= n <= 6
        r1, r2 = scipy_maps(img, op)
        s1, s2 = skimage_maps(img, op)
        got1, got2 = np.array(p.answer[a]), np.array(p.answer[b])
        assert got1.shape == (n - len(REF[op][0]) + 1,) * 2
        assert np.array_equal(got1, r1) and np.array_equal(got2, r2), (op, seed)
        assert np.allclose(got1, s1) and np.allclose(got2, s2), (op, seed)
        want_mag = (np.abs(r1) + np.abs(r2) if p.params["norm"] == "l1" else np.hypot(r1, r2))
        assert np.allclose(np.array(p.answer["magnitude"], dtype=float), want_mag)
        top = 255 if difficulty == "hard" else 9
        assert img.min() >= 0 and img.max() <= top


@pytest.mark.parametrize("op", ["sobel", "prewitt"])
def test_mistakes_are_the_named_errors(op):
    p = make_problem(op, 3, "medium")
    ms = {m.id: m.answer for m in p.mistakes}
    img = np.array(p.params["image"])
    k1, k2 = (np.array(k) for k in REF[op])
    conv_x = ndimage.convolve(img, k1, mode="constant")[1:-1, 1:-1]  # a true convolution flips
    assert np.array_equal(ms["kernel_flipped"]["gx"], conv_x)
    assert ms["swapped_maps"]["gx"] == p.answer["gy"]


def test_sobel_worked_example():
    # By hand, centre (1,1): window [[1,2,0],[3,5,1],[2,2,6]]
    #   gx = -1 + 0 - 2*3 + 2*1 - 2 + 6 = -1;   gy = -1 - 2*2 - 0 + 2 + 2*2 + 6 = 7
    # centre (1,2): [[2,0,4],[5,1,0],[2,6,1]]: gx = -2+4 + 2*(0-5) + (1-2) = -9; gy = -2-0-4 + 2+12+1 = 9
    # centre (2,1): [[3,5,1],[2,2,6],[0,3,1]]: gx = (1-3) + 2*(6-2) + (1-0) = 7; gy = -(3+10+1) + (0+6+1) = -7
    # centre (2,2): [[5,1,0],[2,6,1],[3,1,2]]: gx = (0-5) + 2*(1-2) + (2-3) = -8; gy = -(5+2+0) + (3+2+2) = 0
    img = [[1, 2, 0, 4], [3, 5, 1, 0], [2, 2, 6, 1], [0, 3, 1, 2]]
    p = solve_params("sobel", {"image": img, "norm": "l1"})
    assert p.answer == {"gx": [[-1, -9], [7, -8]], "gy": [[7, 9], [-7, 0]], "magnitude": [[8, 18], [14, 8]]}
    p2 = solve_params("sobel", {"image": img, "norm": "l2"})  # sqrt(50), sqrt(162), sqrt(98), 8
    assert np.allclose(p2.answer["magnitude"], [[7.0711, 12.7279], [9.8995, 8]], atol=1e-4)


def test_roberts_worked_example():
    # g1 = I(r,c) - I(r+1,c+1), g2 = I(r,c+1) - I(r+1,c); at (0,0) of [[1,2],[3,9]]: 1-9 = -8, 2-3 = -1
    p = solve_params("roberts", {"image": [[1, 2], [3, 9]], "norm": "l1"})
    assert p.answer == {"g1": [[-8]], "g2": [[-1]], "magnitude": [[9]]}


small_images = arrays(np.int64, st.tuples(st.integers(3, 6), st.integers(3, 6)),
                      elements=st.integers(0, 255))


@settings(max_examples=150, deadline=None)
@given(small_images, st.integers(0, 100))
def test_gradient_invariants(img, shift):
    for op in ("sobel", "prewitt"):
        gx, gy, l1 = edge_maps(img, op, "l1")
        # a constant brightness shift changes no gradient
        sx, sy, _ = edge_maps(img + shift, op, "l1")
        assert np.array_equal(gx, sx) and np.array_equal(gy, sy)
        # transposing the image swaps the roles of x and y
        tx, ty, _ = edge_maps(img.T, op, "l1")
        assert np.array_equal(tx, gy.T) and np.array_equal(ty, gx.T)
        # mirroring left-right reverses gx and keeps gy
        mx, my, _ = edge_maps(img[:, ::-1], op, "l1")
        assert np.array_equal(mx, -gx[:, ::-1]) and np.array_equal(my, gy[:, ::-1])
        l2 = edge_maps(img, op, "l2")[2]
        assert np.all(l2 <= l1 + 1e-9) and np.all(l1 <= math.sqrt(2) * l2 + 1e-9)


@pytest.mark.parametrize("op", ["sobel", "prewitt", "roberts"])
@pytest.mark.parametrize("bad, name", [
    ({"image": [[1, 2], [3]], "norm": "l1"}, "image"),
    ({"image": [[1, 2, 3]] * 3, "norm": "l3"}, "norm"),
    ({"image": [[1, 2, 300]] * 3, "norm": "l1"}, "image"),
    ({"image": [[1, 2, -1]] * 3, "norm": "l1"}, "image"),
    ({"image": [[1, 2.5, 1]] * 3, "norm": "l1"}, "image"),
    ({"image": [[1]], "norm": "l1"}, "image"),
    ({"norm": "l1"}, "image"),
])
def test_bad_params_name_the_parameter(op, bad, name):
    with pytest.raises(ParamError) as e:
        get_kind(op).check_params(bad)
    assert e.value.param == name


# ---------------------------------------------------------------------------------- edge_pixel

@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_edge_pixel_matches_scipy(difficulty):
    seen = set()
    for seed in SEEDS:
        p = make_problem("edge_pixel", seed, difficulty)
        assert_well_formed(p)
        op = p.params["operator"]
        seen.add(op)
        win = np.array(p.params["neighbourhood"], dtype=np.int64)
        r1, r2 = scipy_maps(win, op)
        a, b = ("g1", "g2") if op == "roberts" else ("gx", "gy")
        assert (p.answer[a], p.answer[b]) == (int(r1[0, 0]), int(r2[0, 0]))
        gx, gy = p.answer[a], p.answer[b]
        want = abs(gx) + abs(gy) if p.params["norm"] == "l1" else math.hypot(gx, gy)
        assert math.isclose(p.answer["magnitude"], want)
        if op != "roberts":
            theta = p.answer["direction"]
            assert -180 < theta <= 180
            # the direction points along (gx, gy): a unit vector at theta, scaled, gives back both
            rad = math.radians(theta)
            assert math.isclose(math.hypot(gx, gy) * math.cos(rad), gx, abs_tol=1e-9)
            assert math.isclose(math.hypot(gx, gy) * math.sin(rad), gy, abs_tol=1e-9)
    assert seen >= {"sobel", "prewitt"}


def test_edge_pixel_worked_examples():
    # [[1,2,3],[4,5,6],[7,8,9]] Sobel: gx = (3-1) + 2(6-4) + (9-7) = 8; gy = (7+16+9) - (1+4+3) = 24
    # magnitude sqrt(64+576) = sqrt(640) = 25.30; theta = atan2(24, 8) = 71.57 degrees
    p = solve_params("edge_pixel", {"operator": "sobel", "neighbourhood": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]})
    assert (p.answer["gx"], p.answer["gy"]) == (8, 24)
    assert round(p.answer["magnitude"], 2) == 25.30 and round(p.answer["direction"], 1) == 71.6
    # bright column on the left, Prewitt: gx = -27, gy = 0, so theta is exactly 180 (not -180)
    q = solve_params("edge_pixel", {"operator": "prewitt", "neighbourhood": [[9, 0, 0]] * 3, "norm": "l1"})
    assert q.answer == {"gx": -27, "gy": 0, "magnitude": 27, "direction": 180.0}
    ms = {m.id: m.answer for m in q.mistakes}
    assert ms["atan_no_quadrant"]["direction"] == 0.0  # atan(0/-27) loses the half-plane


@settings(max_examples=150, deadline=None)
@given(arrays(np.int64, (3, 3), elements=st.integers(0, 255)))
def test_edge_pixel_direction_range(win):
    p = solve_params("edge_pixel", {"operator": "sobel", "neighbourhood": win.tolist()})
    assert -180 < p.answer["direction"] <= 180
    flipped = solve_params("edge_pixel", {"operator": "sobel", "neighbourhood": (255 - win).tolist()})
    # inverting the grey levels reverses the gradient: same magnitude, direction turned by 180
    assert math.isclose(flipped.answer["magnitude"], p.answer["magnitude"])
    if p.answer["magnitude"] > 0:
        turn = (flipped.answer["direction"] - p.answer["direction"]) % 360
        assert math.isclose(turn, 180, abs_tol=1e-9)


@pytest.mark.parametrize("bad, name", [
    ({"operator": "canny", "neighbourhood": [[1] * 3] * 3}, "operator"),
    ({"operator": "sobel", "neighbourhood": [[1] * 2] * 2}, "neighbourhood"),
    ({"operator": "roberts", "neighbourhood": [[1] * 3] * 3}, "neighbourhood"),
    ({"operator": "sobel", "neighbourhood": [[1] * 3] * 3, "norm": "max"}, "norm"),
    ({"operator": "sobel"}, "neighbourhood"),
])
def test_edge_pixel_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("edge_pixel").check_params(bad)
    assert e.value.param == name


def test_solver_kernels_are_the_stated_ones():
    for op, (k1, k2) in REF.items():
        assert KERNELS[op][0].tolist() == k1 and KERNELS[op][1].tolist() == k2


def test_roberts_step_names_no_centre_pixel():
    # a 2x2 window has no centre; the step once said "centre pixel (0,0)"
    img = [[1, 2, 3], [4, 5, 6], [7, 8, 10]]
    roberts = solve_params("roberts", {"image": img, "norm": "l1"})
    assert "centre" not in roberts.steps[1].en and "中心" not in roberts.steps[1].zh
    sobel = solve_params("sobel", {"image": img, "norm": "l1"})
    assert "centre pixel (1,1)" in sobel.steps[1].en


@pytest.mark.parametrize("kind,params", [
    ("roberts", {"image": [[1, 2], [3, 4]], "norm": "l1"}),
    ("sobel", {"image": [[1, 2, 3], [4, 5, 6], [7, 8, 10]], "norm": "l1"}),
    ("edge_pixel", {"operator": "prewitt", "neighbourhood": [[1, 2, 3], [4, 5, 6], [7, 8, 10]], "norm": "l1"}),
])
def test_chinese_operator_name_reads_naturally(kind, params):
    # "Roberts 交叉 算子" had a stray space inside the term
    zh = get_kind(kind).statement(get_kind(kind).check_params(params)).zh
    assert "交叉 算子" not in zh and "  " not in zh.split("\n")[0]
    assert "算子（" in zh
