"""conv_output: checked against the shape of an actual NumPy sliding-window correlation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_conv_output import conv_output_size

SEEDS = range(250)


def brute_conv_output(W: int, F: int, P: int, S: int, D: int) -> int:
    """Run a real 2-D cross-correlation (dilated kernel, zero padding, stride) and measure it."""
    rng = np.random.default_rng(W * 1000 + F)
    x = np.pad(rng.integers(0, 9, size=(W, W)), P)
    k = rng.integers(-2, 3, size=(F, F))
    eff = D * (F - 1) + 1
    k_dil = np.zeros((eff, eff), dtype=k.dtype)
    k_dil[::D, ::D] = k  # holes between the taps
    windows = sliding_window_view(x, (eff, eff))[::S, ::S]
    out = np.einsum("ijkl,kl->ij", windows, k_dil)
    assert out.shape[0] == out.shape[1]
    return out.shape[0]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_sliding_window_over_many_seeds(difficulty):
    for seed in SEEDS:
        prob = make_problem("conv_output", seed, difficulty)
        p = prob.params
        expected = brute_conv_output(p["input_size"], p["kernel_size"], p["padding"], p["stride"],
                                     p["dilation"])
        assert prob.answer == {"output_size": expected}, (seed, p)


def test_easy_items_divide_exactly():
    for seed in SEEDS:
        p = make_problem("conv_output", seed, "easy").params
        eff = p["dilation"] * (p["kernel_size"] - 1) + 1
        assert (p["input_size"] + 2 * p["padding"] - eff) % p["stride"] == 0


def test_hard_items_use_floor_or_dilation_sometimes():
    floors = dilations = 0
    for seed in SEEDS:
        p = make_problem("conv_output", seed, "hard").params
        eff = p["dilation"] * (p["kernel_size"] - 1) + 1
        floors += (p["input_size"] + 2 * p["padding"] - eff) % p["stride"] != 0
        dilations += p["dilation"] > 1
    assert floors > 20 and dilations > 20


def test_worked_example_by_hand():
    # 32x32 input, 5x5 kernel, P=1, S=1: (32 - 5 + 2)/1 + 1 = 30
    assert solve_params("conv_output", {"input_size": 32, "kernel_size": 5, "padding": 1}).answer == {
        "output_size": 30}
    # 227, 11x11, P=0, S=4 (AlexNet conv1): (227 - 11)/4 + 1 = 54 + 1 = 55
    assert conv_output_size(227, 11, 0, 4) == 55
    # 7, F=3, D=2 -> effective 5; (7 - 5)/2 + 1 = 2
    assert conv_output_size(7, 3, 0, 2, 2) == 2


def test_mistakes_are_the_named_wrong_values():
    prob = solve_params("conv_output", {"input_size": 32, "kernel_size": 5, "padding": 1, "stride": 2})
    wrong = {m.id: m.answer["output_size"] for m in prob.mistakes}
    # right: floor(29/2)+1 = 15; no +1: 14; P once: floor(28/2)+1 = 15 (coincides, dropped);
    # ceil: ceil(29/2)+1 = 16
    assert prob.answer["output_size"] == 15
    assert wrong == {"forgot_plus_one": 14, "ceil_not_floor": 16}


sizes = st.integers(1, 300)


@settings(max_examples=150, deadline=None)
@given(W=sizes, F=st.integers(1, 11), P=st.integers(0, 5), S=st.integers(1, 5), D=st.integers(1, 3))
def test_monotone_in_input_size(W, F, P, S, D):
    eff = D * (F - 1) + 1
    if eff > W + 2 * P:
        return
    a = conv_output_size(W, F, P, S, D)
    b = conv_output_size(W + 1, F, P, S, D)
    assert a <= b <= a + 1
    assert a >= 1
    # the last window really fits and one more would not
    assert (a - 1) * S + eff <= W + 2 * P < a * S + eff


@settings(max_examples=100, deadline=None)
@given(W=st.integers(1, 200), F=st.integers(1, 7).filter(lambda f: f % 2 == 1))
def test_same_padding_keeps_size_at_stride_one(W, F):
    assert conv_output_size(W, F, (F - 1) // 2, 1) == W


@pytest.mark.parametrize("bad, name", [
    ({"kernel_size": 3}, "input_size"),
    ({"input_size": 0, "kernel_size": 3}, "input_size"),
    ({"input_size": 8, "kernel_size": 2.5}, "kernel_size"),
    ({"input_size": 8, "kernel_size": 3, "stride": 0}, "stride"),
    ({"input_size": 8, "kernel_size": 3, "padding": -1}, "padding"),
    ({"input_size": 4, "kernel_size": 7}, "kernel_size"),
    ({"input_size": 8, "kernel_size": 3, "dilation": "two"}, "dilation"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("conv_output").check_params(bad)
    assert err.value.param == name


def test_function_guard_says_what_was_given():
    with pytest.raises(ValueError, match=r"effective kernel \(9\).*padded input \(6\)"):
        conv_output_size(4, 5, 1, 1, 2)


def test_formula_names_f_prime_only_after_defining_it():
    # without dilation the step used F' without ever saying what F' is
    plain = solve_params("conv_output", {"input_size": 16, "kernel_size": 3, "padding": 1, "stride": 1})
    assert "F'" not in plain.steps[0].en and "W - F + 2P" in plain.steps[0].en
    dilated = solve_params("conv_output", {"input_size": 16, "kernel_size": 3, "padding": 1,
                                           "stride": 1, "dilation": 2})
    assert "F' = D(F-1)+1" in dilated.steps[0].en and "W - F' + 2P" in dilated.steps[1].en


def test_english_article_matches_the_number_read_aloud():
    # statements read "A 8x8 feature map" and "into a 11x11 grid"
    from solvers.train_numbers import a_or_an
    assert [a_or_an(n) for n in (8, 11, 18, 80, 16, 112, 111, 7, 1, 800, 11000)] == \
        ["an", "an", "an", "an", "a", "a", "a", "a", "a", "an", "an"]
    assert "An 11x11 convolution" in get_kind("conv_output").statement(
        {"input_size": 32, "kernel_size": 11, "padding": 0, "stride": 4, "dilation": 1}).en
    yolo = solve_params("yolo_output", {"grid": 11, "boxes": 2, "classes": 20})
    assert yolo.answer["depth"] == 30
    k = get_kind("yolo_output")
    assert "into an 11x11 grid" in k.statement(k.check_params({"grid": 11, "boxes": 2, "classes": 20})).en
