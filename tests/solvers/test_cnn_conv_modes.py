"""Full / same / valid convolution and correlation against scipy.signal (used only here) over
many seeds, the NumPy documentation's example, the size formulas and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_conv_modes import convolve_mode


def scipy_result(x, h, mode, op):
    fn = signal.convolve if op == "convolution" else signal.correlate
    return fn(np.asarray(x, dtype=float), np.asarray(h, dtype=float), mode=mode, method="direct")


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_scipy_signal(difficulty):
    seen = set()
    for seed in range(250):
        p = make_problem("conv_modes", seed, difficulty)
        q = p.params
        want = scipy_result(q["signal"], q["kernel"], q["mode"], q["operation"])
        got = np.asarray(p.answer["output"])
        assert got.shape == want.shape and np.allclose(got, want), (seed, q)
        assert p.answer["size"] == want.shape[0]
        seen.add((q["mode"], q["operation"]))
        if q["operation"] == "convolution":  # the flip matters in every drawn problem
            assert "flip_mixup" in [m.id for m in p.mistakes]
    assert {m for m, _ in seen} == {"full", "same", "valid"}
    if difficulty != "easy":
        assert {o for _, o in seen} == {"convolution", "correlation"}


def test_numpy_documentation_example():
    # numpy.convolve docs: np.convolve([1, 2, 3], [0, 1, 0.5]) -> [0, 1, 2.5, 4, 1.5];
    # mode 'same' -> [1, 2.5, 4]; mode 'valid' -> [2.5]
    for mode, want in (("full", [0, 1, 2.5, 4, 1.5]), ("same", [1, 2.5, 4]), ("valid", [2.5])):
        assert convolve_mode([1, 2, 3], [0, 1, 0.5], mode).tolist() == want
    assert np.allclose(np.convolve([1, 2, 3], [0, 1, 0.5], "same"), [1, 2.5, 4])
    p = solve_params("conv_modes", {"signal": [1, 2, 3], "kernel": [0, 2, 1], "mode": "full"})
    assert p.answer == {"size": 5, "output": [0, 2, 5, 8, 3]}


def test_one_sided_padding_mistakes():
    # x = [1, 2, 3, 4], h = [1, 0, -1]: full conv = [1, 2, 2, 2, -3, -4]; same = [2, 2, 2, -3]
    p = solve_params("conv_modes", {"signal": [1, 2, 3, 4], "kernel": [1, 0, -1], "mode": "same"})
    assert p.answer["output"] == [2, 2, 2, -3]
    ms = {m.id: m.answer["output"] for m in p.mistakes}
    assert ms["pad_one_side_start"] == [1, 2, 2, 2] and ms["pad_one_side_end"] == [2, 2, -3, -4]
    assert ms["flip_mixup"] == [-2, -2, -2, 3]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=1, max_size=9), st.lists(st.integers(-9, 9), min_size=1, max_size=9),
       st.sampled_from(["full", "same", "valid"]), st.sampled_from(["convolution", "correlation"]))
def test_any_1d_input_matches_scipy(x, h, mode, op):
    if len(h) > len(x):
        x, h = h, x
    assert np.allclose(convolve_mode(x, h, mode, op), scipy_result(x, h, mode, op))


@pytest.mark.parametrize("bad, name", [
    ({"signal": [1, 2], "kernel": [1, 2, 3], "mode": "full"}, "kernel"),
    ({"signal": [1, 2, 3], "kernel": [1], "mode": "circular"}, "mode"),
    ({"signal": [1, 2, 3], "kernel": [1], "mode": "full", "operation": "dilation"}, "operation"),
    ({"signal": [[1, 2], [3, 4]], "kernel": [1], "mode": "full"}, "kernel"),
    ({"signal": [[1, 2, 3], [3, 4, 5]], "kernel": [[1]], "mode": "full"}, "signal"),
    ({"signal": [1.5, 2], "kernel": [1], "mode": "full"}, "signal"),
    ({"signal": list(range(20)), "kernel": [1], "mode": "full"}, "signal"),
    ({"kernel": [1], "mode": "full"}, "signal"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("conv_modes").check_params(bad)
    assert e.value.param == name
    assert len(str(e.value)) < 160


def test_a_huge_integer_is_refused_not_wrapped_round():
    """A 40-digit value used to become -9223372036854775808 in the answer (int64 overflow)."""
    import pytest

    from solvers import ParamError, solve_params

    with pytest.raises(ParamError, match="signal"):
        solve_params("conv_modes", {"signal": [1, 2, 3, 10**39], "kernel": [1, 1], "mode": "full"})
