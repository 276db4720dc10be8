"""Histogram equalisation against a brute force from the definition (count the pixels at or
below each level, exact with decimal.Decimal halves-up), the Gonzalez & Woods Example 3.5 table,
invariants and bad input.

scikit-image's ``exposure.equalize_hist`` is not used as the reference on purpose: it bins the
image's own range (min..max) into ``nbins`` and interpolates the CDF at bin centres, returning
floats in [0, 1], so its numbers are not the textbook s_k = round((L-1) * CDF(k)) asked here.
"""

from __future__ import annotations

import doctest
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import solvers.img_hist_eq as img_hist_eq
from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.img_hist_eq import equalisation_map, equalise


def brute_force(img: np.ndarray, levels: int) -> list[int]:
    px = [int(v) for v in img.ravel()]
    out = []
    for k in range(levels):
        at_or_below = sum(1 for v in px if v <= k)
        s = Decimal(levels - 1) * Decimal(at_or_below) / Decimal(len(px))
        out.append(int(s.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_the_definition(difficulty):
    halves = 0
    for seed in range(200):
        p = make_problem("hist_eq", seed, difficulty)
        img, L = np.array(p.params["image"]), p.params["levels"]
        want = brute_force(img, L)
        assert p.answer["mapping"] == want, seed
        assert p.answer["output"] == [[want[v] for v in row] for row in img.tolist()]
        assert want == sorted(want) and want[-1] == L - 1  # monotone, and the top level maps to L-1
        n = img.size
        halves += sum(((L - 1) * int((img <= k).sum()) * 2) % (2 * n) == n for k in range(L))
    # exact halves occur (so the stated rule matters) except at N = 25, L = 8, where 14c = 25 mod 50 is impossible
    assert halves > 0 or difficulty == "medium"


def test_gonzalez_woods_example_3_5():
    # 64x64 3-bit image (L = 8, N = 4096): n_k = 790, 1023, 850, 656, 329, 245, 122, 81
    # -> s = 1.33, 3.08, 4.55, 5.67, 6.23, 6.65, 6.86, 7.00 -> 1, 3, 5, 6, 6, 7, 7, 7
    table = equalisation_map([790, 1023, 850, 656, 329, 245, 122, 81], 8)
    assert [s for _, s in table] == [1, 3, 5, 6, 6, 7, 7, 7]
    assert [round(float(x), 2) for x, _ in table][1:] == [3.1, 4.55, 5.67, 6.23, 6.65, 6.86, 7.0]  # book: 3.08 from p rounded


def test_exact_half_rounds_up_and_mistakes():
    # 4 pixels, L = 8: levels 1, 1, 2, 3 -> s_1 = 7*2/4 = 3.5 -> 4 (half up), s_2 = 5.25 -> 5
    p = solve_params("hist_eq", {"image": [[1, 1], [2, 3]], "levels": 8})
    assert p.answer["mapping"] == [0, 4, 5, 7, 7, 7, 7, 7]
    assert p.answer["output"] == [[4, 4], [5, 7]]
    ms = {m.id: m.answer["mapping"] for m in p.mistakes}
    assert ms["floored"] == [0, 3, 5, 7, 7, 7, 7, 7]
    assert ms["pdf_not_cdf"] == [0, 4, 2, 2, 0, 0, 0, 0]  # 7*2/4 = 3.5 -> 4; 7/4 = 1.75 -> 2
    assert ms["used_L"] == [0, 4, 6, 8, 8, 8, 8, 8]


@settings(max_examples=150, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 15)))
def test_any_image_matches_the_definition(img):
    mapping, out = equalise(img, 16)
    assert mapping == brute_force(img, 16)
    # equalisation keeps the order of grey levels (never swaps two)
    flat, new = img.ravel(), out.ravel()
    assert all(new[i] <= new[j] for i in range(len(flat)) for j in range(len(flat)) if flat[i] <= flat[j])


def test_docstring_examples():
    assert doctest.testmod(img_hist_eq).failed == 0


@pytest.mark.parametrize("bad, name", [
    ({"image": [[1, 9]], "levels": 8}, "image"),
    ({"image": [[1, 2]], "levels": 1}, "levels"),
    ({"image": [[1, 2]]}, "levels"),
    ({"levels": 8}, "image"),
    ({"image": [[1, -2]], "levels": 8}, "image"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("hist_eq").check_params(bad)
    assert e.value.param == name
