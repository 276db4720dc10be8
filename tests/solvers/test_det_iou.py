"""IoU against a brute force that rasterises both boxes on the integer grid and counts unit
cells (exact for integer corners), with SymPy for the exact fraction."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.det_iou import box_iou


def raster_iou(a, b) -> sp.Rational:
    size = max(a[2], a[3], b[2], b[3]) + 1
    ma = np.zeros((size, size), dtype=bool)
    mb = np.zeros((size, size), dtype=bool)
    ma[a[1]:a[3], a[0]:a[2]] = True  # cell (y, x) covers [x, x+1] x [y, y+1]
    mb[b[1]:b[3], b[0]:b[2]] = True
    return sp.Rational(int((ma & mb).sum()), int((ma | mb).sum()))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_iou_matches_rasterised_count(difficulty):
    zero = 0
    for seed in range(300):
        p = make_problem("iou", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        json.dumps(p.to_dict())
        a, b = p.params["box_a"], p.params["box_b"]
        ref = raster_iou(a, b)
        assert sp.Rational(p.exact["iou"]) == ref, (seed, a, b)
        assert abs(p.answer["iou"] - float(ref)) < 1e-12
        zero += ref == 0
        if difficulty == "easy":
            assert all(c % 2 == 0 for c in a + b) and ref > 0
    if difficulty == "hard":
        assert zero > 30  # disjoint and touching boxes do appear
    else:
        assert zero == 0


def test_worked_examples():
    # A = [0,0,4,4] (16), B = [2,2,6,6] (16): overlap 2x2 = 4, union 16+16-4 = 28, IoU = 1/7
    p = solve_params("iou", {"box_a": [0, 0, 4, 4], "box_b": [2, 2, 6, 6]})
    assert p.exact == {"iou": "1/7"}
    ms = {m.id: m.answer["iou"] for m in p.mistakes}
    assert ms["union_double_counted"] == pytest.approx(4 / 32)
    assert ms["over_one_box"] == pytest.approx(4 / 16)
    # +1 convention: areas 5*5 = 25 each, overlap 3*3 = 9, IoU = 9/41
    assert ms["plus_one_pixel"] == pytest.approx(9 / 41)
    # touching along x = 2: IoU 0, but the +1 convention wrongly finds an overlap column
    t = solve_params("iou", {"box_a": [0, 0, 2, 2], "box_b": [2, 0, 4, 2]})
    assert t.answer == {"iou": 0.0}
    assert [m.id for m in t.mistakes] == ["plus_one_pixel"]  # the others coincide with 0
    # half-units are fine: [0,0,1.5,2] and [0.5,0,2,2]: overlap 1*2 = 2, union 3+3-2 = 4
    h = solve_params("iou", {"box_a": [0, 0, 1.5, 2], "box_b": [0.5, 0, 2, 2]})
    assert h.exact == {"iou": "1/2"}


corner = st.integers(0, 30)


@st.composite
def boxes(draw):
    x1, y1 = draw(corner), draw(corner)
    return [x1, y1, x1 + draw(st.integers(1, 15)), y1 + draw(st.integers(1, 15))]


@settings(max_examples=200, deadline=None)
@given(boxes(), boxes(), st.integers(1, 4), st.integers(-5, 5))
def test_iou_properties(a, b, k, d):
    v = box_iou(a, b)
    assert v == box_iou(b, a)
    assert 0 <= v <= 1
    assert box_iou(a, a) == 1
    assert v == raster_iou(a, b)
    # scaling both boxes, or shifting both, leaves the IoU unchanged
    assert box_iou([c * k for c in a], [c * k for c in b]) == v
    assert box_iou([c + d for c in a], [c + d for c in b]) == v


@pytest.mark.parametrize("bad, name", [
    ({"box_a": [5, 0, 3, 4], "box_b": [0, 0, 1, 1]}, "box_a"),   # x2 < x1
    ({"box_a": [0, 0, 3, 4], "box_b": [0, 5, 1, 1]}, "box_b"),   # y2 < y1
    ({"box_a": [0, 0, 0, 4], "box_b": [0, 0, 1, 1]}, "box_a"),   # zero width
    ({"box_a": [0, 0, 3], "box_b": [0, 0, 1, 1]}, "box_a"),
    ({"box_a": "0 0 3 4", "box_b": [0, 0, 1, 1]}, "box_a"),
    ({"box_a": [0, 0, 3, 4]}, "box_b"),
])
def test_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("iou").check_params(bad)
    assert e.value.param == name


def test_disjoint_boxes_are_a_minority_trap_only_at_hard():
    # hard once drew apart/touching boxes (IoU 0) 35% of the time: 81 of 300 items had the answer 0
    zeros = {d: sum(make_problem("iou", s, d).answer["iou"] == 0 for s in range(300)) for d in DIFFICULTIES}
    assert zeros["easy"] == zeros["medium"] == 0
    assert 20 <= zeros["hard"] <= 75  # about 1 in 5 (touching boxes still trap the +1 convention)


def test_one_box_mistakes_name_the_box():
    # A = 6x4 = 24, B = 2x5 = 10, overlap 2x4 = 8: union 26, IoU 8/26 = 4/13
    p = solve_params("iou", {"box_a": [0, 0, 6, 4], "box_b": [4, 0, 6, 5]})
    assert p.answer["iou"] == pytest.approx(4 / 13)
    m = {m.id: m for m in p.mistakes}
    assert m["over_one_box"].answer == {"iou": pytest.approx(8 / 24)} and "A's area" in m["over_one_box"].label.en
    assert m["over_other_box"].answer == {"iou": pytest.approx(8 / 10)} and "B's area" in m["over_other_box"].label.en
    assert p.steps[-1].math == "8/26 = 4/13 = 0.3077"
    same = solve_params("iou", {"box_a": [0, 0, 4, 4], "box_b": [2, 2, 6, 6]})
    assert "over_other_box" not in {m.id for m in same.mistakes}  # equal areas: one mistake, not two
    assert same.steps[-1].math == "4/28 = 1/7 = 0.1429"
