"""same_padding: the answer is checked by trying every padding with a real sliding-window conv."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_same_padding import padding_for_output

SEEDS = range(250)


def real_output_size(W: int, F: int, P: int, S: int, D: int) -> int:
    eff = D * (F - 1) + 1
    x = np.pad(np.ones(W), P)
    if eff > x.size:
        return 0
    return sliding_window_view(x, eff)[::S].shape[0]


def brute_smallest_padding(W, F, O, S, D):
    for P in range(0, W + O * S + D * F + 2):
        if real_output_size(W, F, P, S, D) == O:
            return P
    return None


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_smallest_padding_by_trying_all(difficulty):
    for seed in SEEDS:
        prob = make_problem("same_padding", seed, difficulty)
        p = prob.params
        args = (p["input_size"], p["kernel_size"], p["output_size"], p["stride"], p["dilation"])
        assert prob.answer == {"padding": brute_smallest_padding(*args)}, (seed, p)


def test_same_items_appear_and_use_odd_kernels():
    same = [make_problem("same_padding", s, "easy").params for s in SEEDS]
    same = [p for p in same if p["output_size"] == p["input_size"] and p["stride"] == 1]
    assert len(same) > 100
    for p in same:
        assert p["kernel_size"] % 2 == 1
        assert solve_params("same_padding", p).answer["padding"] == (p["kernel_size"] - 1) // 2


def test_worked_examples_by_hand():
    # "same" with a 7x7 kernel at stride 1: P = (7-1)/2 = 3
    assert solve_params("same_padding", {"input_size": 56, "kernel_size": 7,
                                          "output_size": 56}).answer == {"padding": 3}
    # 224 -> 112 with 7x7 stride 2 (ResNet stem): need 2P >= 111*2 + 7 - 224 = 5 -> P = 3;
    # check floor((224 + 6 - 7)/2) + 1 = 111 + 1 = 112
    assert padding_for_output(224, 7, 112, 2) == 3
    # even kernel cannot keep the size at stride 1: 2P = F - 1 = 3 is odd
    assert padding_for_output(10, 4, 10) is None


@settings(max_examples=150, deadline=None)
@given(W=st.integers(1, 120), F=st.integers(1, 9), O=st.integers(1, 130), S=st.integers(1, 4),
       D=st.integers(1, 3))
def test_function_agrees_with_brute_force(W, F, O, S, D):
    assert padding_for_output(W, F, O, S, D) == brute_smallest_padding(W, F, O, S, D)


@pytest.mark.parametrize("bad, name", [
    ({"kernel_size": 3, "output_size": 8}, "input_size"),
    ({"input_size": 8, "output_size": 8}, "kernel_size"),
    ({"input_size": 8, "kernel_size": 3, "output_size": 0}, "output_size"),
    ({"input_size": 8, "kernel_size": 4, "output_size": 8}, "output_size"),  # no such P
    ({"input_size": 8, "kernel_size": 3, "output_size": 8, "stride": -1}, "stride"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("same_padding").check_params(bad)
    assert err.value.param == name


def test_minus_one_mistake_is_named_in_the_formula_the_steps_show():
    # at stride 1 the steps use P = (O - W + F' - 1)/2, where "(O-1)S vs OS" names nothing visible
    same = solve_params("same_padding", {"input_size": 28, "kernel_size": 5, "output_size": 28})
    m = {m.id: m for m in same.mistakes}["dropped_minus_one"]
    assert m.answer == {"padding": 3}  # ceil((28 - 28 + 5)/2) = ceil(2.5) = 3
    assert "-1" in m.label.en and "O*S" not in m.label.en
    strided = solve_params("same_padding", {"input_size": 27, "kernel_size": 5, "output_size": 9, "stride": 3})
    assert "O*S instead of (O-1)*S" in {m.id: m for m in strided.mistakes}["dropped_minus_one"].label.en
