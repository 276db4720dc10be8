"""unet_shapes: traced on real NumPy arrays (sliding-window convs, reshaped pooling, centre crops
and np.concatenate), not with the solver's shortcut formulas."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(80)


def conv3x3(x, c_out, pad):
    xp = np.pad(x[:1], ((0, 0), (pad, pad), (pad, pad)))  # one channel shows the spatial shape
    side = sliding_window_view(xp, (3, 3), axis=(1, 2)).shape[1]
    return np.zeros((c_out, side, side), dtype=np.bool_)


def pool2(x):
    C, S, _ = x.shape
    return x.reshape(C, S // 2, 2, S // 2, 2).max(axis=(2, 4))


def upconv2(x):
    # a 2x2 stride-2 transposed conv: each input pixel paints its own 2x2 block, channels halved
    return np.kron(x[: x.shape[0] // 2], np.ones((2, 2), dtype=np.bool_))


def centre_crop(x, side):
    off = (x.shape[1] - side) // 2
    return x[:, off:off + side, off:off + side]


def trace_with_arrays(p):
    pad = 0 if p["padding"] == "valid" else 1
    x = np.zeros((p["in_channels"], p["input_size"], p["input_size"]), dtype=np.bool_)
    rows, skips = [], []
    for k in range(1, p["depth"] + 1):
        c = p["base_channels"] * 2 ** (k - 1)
        x = conv3x3(conv3x3(x, c, pad), c, pad)
        rows.append(x.shape)
        skips.append(x)
        x = pool2(x)
        rows.append(x.shape)
    c = p["base_channels"] * 2 ** p["depth"]
    x = conv3x3(conv3x3(x, c, pad), c, pad)
    rows.append(x.shape)
    for k in range(p["depth"], 0, -1):
        x = upconv2(x)
        rows.append(x.shape)
        x = np.concatenate([centre_crop(skips[k - 1], x.shape[1]), x], axis=0)
        rows.append(x.shape)
        c = p["base_channels"] * 2 ** (k - 1)
        x = conv3x3(conv3x3(x, c, pad), c, pad)
        rows.append(x.shape)
    rows.append((p["num_classes"],) + x.shape[1:])
    return rows


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_shapes_match_real_arrays(difficulty):
    for seed in SEEDS:
        prob = make_problem("unet_shapes", seed, difficulty)
        rows = trace_with_arrays(prob.params)
        got = [(prob.answer[f"ch_{i}"], prob.answer[f"side_{i}"], prob.answer[f"side_{i}"])
               for i in range(1, len(rows) + 1)]
        assert got == [tuple(r) for r in rows], (seed, prob.params)


def test_unet_paper_figure_1():
    # Ronneberger et al. 2015, Fig. 1: 572x572 -> ... -> 28x28x1024 -> ... -> 388x388x2
    prob = solve_params("unet_shapes", dict(input_size=572, in_channels=1, base_channels=64, depth=4,
                                            padding="valid", num_classes=2))
    a = prob.answer
    sides = [a[f"side_{i}"] for i in range(1, 23)]
    assert sides == [568, 284, 280, 140, 136, 68, 64, 32, 28, 56, 56, 52, 104, 104, 100, 200, 200, 196, 392, 392,
                     388, 388]
    assert [a[f"ch_{i}"] for i in (9, 10, 11, 21, 22)] == [1024, 512, 1024, 64, 2]
    named = {m.id: m.answer for m in prob.mistakes}
    assert named["forgot_skip_channels"]["ch_11"] == 512
    assert named["valid_as_same"]["side_22"] == 560  # 572, 286, 143, 71 (floored), 35 and back up


def test_same_padding_keeps_the_input_size():
    a = solve_params("unet_shapes", dict(input_size=64, in_channels=3, base_channels=16, depth=3, padding="same",
                                         num_classes=4)).answer
    n = 3 * 2 + 1 + 3 * 3 + 1
    assert (a[f"side_{n}"], a[f"ch_{n}"]) == (64, 4)


@pytest.mark.parametrize("bad, name", [
    (dict(input_size=570, in_channels=1, base_channels=64, depth=4, padding="valid", num_classes=2), "input_size"),
    (dict(input_size=64, in_channels=1, base_channels=64, depth=5, padding="same", num_classes=2), "depth"),
    (dict(input_size=64, in_channels=1, base_channels=64, depth=2, padding="reflect", num_classes=2), "padding"),
    (dict(input_size=12, in_channels=1, base_channels=8, depth=2, padding="valid", num_classes=2), "input_size"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("unet_shapes").check_params(bad)
    assert err.value.param == name
