"""conv2d_manual and pooling_manual: against scipy.signal / scipy.ndimage / scikit-image."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import ndimage
from scipy.signal import convolve2d, correlate2d
from skimage.measure import block_reduce

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_manual import MAX_OUT, cross_correlate2d, pool2d

SEEDS = range(250)


def scipy_conv_layer(img, ker, S, P, flip=False):
    x = np.pad(np.asarray(img, float), P)
    f = convolve2d if flip else correlate2d
    return f(x, np.asarray(ker, float), mode="valid")[::S, ::S]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_conv_matches_scipy_correlate2d(difficulty):
    for seed in SEEDS:
        prob = make_problem("conv2d_manual", seed, difficulty)
        p = prob.params
        ref = scipy_conv_layer(p["image"], p["kernel"], p["stride"], p["padding"])
        np.testing.assert_array_equal(np.asarray(prob.answer["output"]), ref)
        assert 2 <= ref.shape[0] <= MAX_OUT
        flipped = {m.id: m.answer["output"] for m in prob.mistakes}["flipped_kernel"]
        np.testing.assert_array_equal(np.asarray(flipped),
                                      scipy_conv_layer(p["image"], p["kernel"], p["stride"], p["padding"], flip=True))


def scipy_pool(img, F, S, mode):
    x = np.asarray(img, float)
    filt = ndimage.maximum_filter if mode == "max" else ndimage.uniform_filter
    # scipy centres the window at i; the window starting at j is centred at j + F//2
    full = filt(x, size=F, mode="constant")
    n_out = (x.shape[0] - F) // S + 1
    start = F // 2
    return full[start::S, start::S][:n_out, :n_out]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_pooling_matches_scipy_filters(difficulty):
    for seed in SEEDS:
        prob = make_problem("pooling_manual", seed, difficulty)
        p = prob.params
        ref = scipy_pool(p["image"], p["window"], p["stride"], p["mode"])
        np.testing.assert_allclose(np.asarray(prob.answer["output"], float), ref, atol=1e-9)
        if p["stride"] == p["window"] and len(p["image"]) % p["window"] == 0:
            fn = np.max if p["mode"] == "max" else np.mean
            block = block_reduce(np.asarray(p["image"], float), (p["window"], p["window"]), fn)
            np.testing.assert_allclose(np.asarray(prob.answer["output"], float), block, atol=1e-9)


def test_easy_average_pooling_uses_quarters():
    for seed in SEEDS:
        p = make_problem("pooling_manual", seed, "easy").params
        if p["mode"] == "avg":
            assert p["window"] == 2


def test_conv_worked_example_by_hand():
    # image [[1,2,0],[0,1,3],[2,1,1]], kernel [[1,0],[0,1]] (the diagonal):
    # (1,1): 1+1 = 2; (1,2): 2+3 = 5; (2,1): 0+1 = 1; (2,2): 1+1 = 2
    prob = solve_params("conv2d_manual", {"image": [[1, 2, 0], [0, 1, 3], [2, 1, 1]], "kernel": [[1, 0], [0, 1]]})
    assert prob.answer == {"output": [[2, 5], [1, 2]]}
    # flipping [[1,0],[0,1]] in both axes gives itself: the flipped-kernel mistake coincides, dropped
    assert [m.id for m in prob.mistakes] == []
    # 3x3 of ones with kernel [[1,2],[3,4]], padding 1, stride 2: padded 5x5, windows at 0 and 2:
    # (1,1): only bottom-right tap 4*1 = 4; (1,2): 3+4 = 7; (2,1): 2+4 = 6; (2,2): 1+2+3+4 = 10
    prob = solve_params("conv2d_manual", {"image": np.ones((3, 3)).tolist(), "kernel": [[1, 2], [3, 4]],
                                          "stride": 2, "padding": 1})
    assert prob.answer == {"output": [[4, 7], [6, 10]]}


def test_pool_worked_example_by_hand():
    x = [[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 6], [2, 2, 7, 8]]
    # 2x2 stride 2 max: max(1,3,4,2) = 4, max(2,0,1,1) = 2, max(0,1,2,2) = 2, max(5,6,7,8) = 8
    assert solve_params("pooling_manual", {"image": x, "window": 2}).answer == {"output": [[4, 2], [2, 8]]}
    # average: 10/4 = 2.5, 4/4 = 1, 5/4 = 1.25, 26/4 = 6.5
    prob = solve_params("pooling_manual", {"image": x, "window": 2, "mode": "avg"})
    assert prob.answer == {"output": [[2.5, 1], [1.25, 6.5]]}
    assert prob.fields[0].decimals == 2
    # overlapping 3x3 stride 1 max on the same matrix: max of the top-left 3x3 = 5, ...
    prob = solve_params("pooling_manual", {"image": x, "window": 3, "stride": 1})
    assert prob.answer == {"output": [[5, 6], [7, 8]]}
    assert {m.id: m.answer["output"] for m in prob.mistakes}["no_overlap"] == [[5]]


small = st.lists(st.lists(st.integers(-5, 9), min_size=5, max_size=5), min_size=5, max_size=5)


@settings(max_examples=120, deadline=None)
@given(img=small, k=st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=3, max_size=3),
       S=st.integers(1, 3), P=st.integers(0, 2))
def test_conv_is_linear_and_matches_scipy(img, k, S, P):
    a = cross_correlate2d(img, k, S, P)
    np.testing.assert_array_equal(a, scipy_conv_layer(img, k, S, P))
    np.testing.assert_array_equal(cross_correlate2d(2 * np.asarray(img), k, S, P), 2 * a)  # linear


@settings(max_examples=120, deadline=None)
@given(img=small, F=st.integers(1, 3), S=st.integers(1, 3))
def test_pooling_properties(img, F, S):
    mx, av = pool2d(img, F, S, "max"), pool2d(img, F, S, "avg")
    assert np.all(mx >= av - 1e-12)  # a max is never below the mean
    np.testing.assert_allclose(mx, scipy_pool(img, F, S, "max"))
    shifted = pool2d(np.asarray(img) + 3, F, S, "max")
    np.testing.assert_array_equal(shifted, mx + 3)


@pytest.mark.parametrize("kind, bad, name", [
    ("conv2d_manual", {"kernel": [[1]]}, "image"),
    ("conv2d_manual", {"image": [[1, 2], [3, 4]], "kernel": [1, 2]}, "kernel"),
    ("conv2d_manual", {"image": [[1, 2], [3, 4]], "kernel": [[1, 2, 3]] * 3}, "kernel"),
    ("conv2d_manual", {"image": [[1, 2], [3, 4]], "kernel": [[1]], "stride": 0}, "stride"),
    ("pooling_manual", {"image": [[1, 2], [3, 4]], "window": 3}, "window"),
    ("pooling_manual", {"image": [[1, 2], [3, 4]], "window": 2, "mode": "min"}, "mode"),
    ("pooling_manual", {"image": "1 2 3", "window": 2}, "image"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name
