"""cnn_pipeline: a real NumPy forward pass through the generated network, layer by layer.

Output sides and channels are the shapes of the actual activations; parameters are the sizes of the
weight and bias arrays the forward pass used; receptive fields are measured by impulses through the
same layers (positive weights, no padding, middle unit).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_pipeline import trace_network

SEEDS = range(200)


def conv_forward(x, weight, bias, S, P):
    F = weight.shape[-1]
    xp = np.pad(x, ((0, 0), (P, P), (P, P)))
    win = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::S, ::S]  # (C_in, O, O, F, F)
    out = np.einsum("cijab,ocab->oij", win, weight, optimize=True)  # (C_out, O, O)
    return out + bias[:, None, None]


def pool_forward(x, F, S):
    return sliding_window_view(x, (F, F), axis=(1, 2))[:, ::S, ::S].max(axis=(3, 4))


def forward_trace(W, C, layers, bias, rng, full_channels=True):
    """Run the network and record each layer's activation shape and its weight/bias array sizes.

    With ``full_channels=False`` the activations carry a single channel (cheap, same spatial
    shapes) while the weight tensors are still allocated at their true (C_out, C_in, F, F) shapes,
    C_in read off the previous layer's weight tensor."""
    x = rng.standard_normal((C if full_channels else 1, W, W)).astype(np.float32)
    ch = C
    rows = []
    for L in layers:
        if L["type"] == "conv":
            w = np.zeros((L["out_channels"], ch, L["kernel"], L["kernel"]), np.float32)
            b = np.zeros(L["out_channels"] if bias else 0, np.float32)
            if full_channels:
                w[...] = rng.standard_normal(w.shape)
                x = conv_forward(x, w, b if bias else np.zeros(w.shape[0], np.float32), L["stride"], L["padding"])
            else:
                x = conv_forward(x, rng.standard_normal((1, 1) + w.shape[2:]).astype(np.float32),
                                 np.zeros(1, np.float32), L["stride"], L["padding"])
            ch = w.shape[0]
            n_params = w.size + b.size
        else:
            x = pool_forward(x, L["kernel"], L["stride"])
            n_params = 0
        assert x.shape[1] == x.shape[2]
        if full_channels:
            assert x.shape[0] == ch
        rows.append(dict(out=x.shape[1], ch=ch, params=n_params))
    return rows


def impulse_rfs(layers, n=300):
    """Receptive field of the middle unit after each layer, by impulses in 1-D (one pass)."""
    x = np.eye(n, dtype=np.float32)
    out = []
    for L in layers:
        win = sliding_window_view(x, L["kernel"], axis=1)[:, ::L["stride"]]
        x = win.sum(axis=-1)
        col = x[:, x.shape[1] // 2] > 0
        idx = np.flatnonzero(col)
        assert idx[0] > 0 and idx[-1] < n - 1  # the input was wide enough to hold the whole field
        out.append(int(idx[-1] - idx[0] + 1))
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_against_a_real_forward_pass(difficulty):
    for seed in SEEDS:
        prob = make_problem("cnn_pipeline", seed, difficulty)
        p = prob.params
        # every 8th seed runs with all channels for real; the others carry one channel (same shapes)
        rows = forward_trace(p["input_size"], p["in_channels"], p["layers"], p["bias"],
                             np.random.default_rng(seed), full_channels=seed % 8 == 0)
        rfs = impulse_rfs(p["layers"])
        for i, row in enumerate(rows, 1):
            got = {k: prob.answer[f"{k}_{i}"] for k in ("out", "ch", "params")}
            assert got == row, (seed, i, p)
            assert prob.answer[f"rf_{i}"] == rfs[i - 1], (seed, i)
        assert len(prob.fields) == 4 * len(p["layers"])


def test_difficulty_shapes():
    for seed in SEEDS:
        easy = make_problem("cnn_pipeline", seed, "easy").params
        assert len(easy["layers"]) == 3
        hard = make_problem("cnn_pipeline", seed, "hard").params
        assert 4 <= len(hard["layers"]) <= 5
        # hard items need the floor in at least one layer
        sizes = [hard["input_size"]] + [r["out"] for r in trace_network(hard["input_size"], hard["in_channels"],
                                                                        hard["layers"])]
        assert any((w + 2 * L["padding"] - L["kernel"]) % L["stride"] for w, L in zip(sizes, hard["layers"]))


def test_worked_example_by_hand():
    # 32x32x3 -> conv 3x3 s1 p1, 8 ch -> pool 2x2 s2 -> conv 5x5 s1 p0, 16 ch
    # layer 1: (32-3+2)/1+1 = 32; params 8*3*9 + 8 = 224; rf 3
    # layer 2: (32-2)/2+1 = 16; ch 8; params 0; rf 3 + 1*1 = 4
    # layer 3: (16-5)/1+1 = 12; params 16*8*25 + 16 = 3216; rf 4 + 4*2 = 12
    prob = solve_params("cnn_pipeline", {"input_size": 32, "in_channels": 3, "layers": [
        {"type": "conv", "kernel": 3, "stride": 1, "padding": 1, "out_channels": 8},
        {"type": "pool", "kernel": 2, "stride": 2},
        {"type": "conv", "kernel": 5, "stride": 1, "padding": 0, "out_channels": 16}]})
    assert prob.answer == {"out_1": 32, "ch_1": 8, "params_1": 224, "rf_1": 3,
                           "out_2": 16, "ch_2": 8, "params_2": 0, "rf_2": 4,
                           "out_3": 12, "ch_3": 16, "params_3": 3216, "rf_3": 12}
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["pool_has_params_2"] == {"params_2": 32}  # 2*2*8
    assert wrong["forgot_bias_3"] == {"params_3": 3200}
    assert wrong["ignored_strides_3"] == {"rf_3": 8}  # 4 + 4
    assert sum(f.points for f in prob.fields) == 3 * 3.5


@settings(max_examples=100, deadline=None)
@given(W=st.integers(8, 64), C=st.integers(1, 4),
       spec=st.lists(st.tuples(st.sampled_from(["conv", "pool"]), st.integers(1, 3), st.integers(1, 2),
                               st.integers(0, 1), st.integers(1, 6)), min_size=1, max_size=4))
def test_trace_matches_forward_and_grows(W, C, spec):
    layers = [dict(type=t, kernel=k, stride=s, padding=p if t == "conv" else 0, out_channels=c)
              if t == "conv" else dict(type=t, kernel=k, stride=s, padding=0) for t, k, s, p, c in spec]
    try:
        rows = trace_network(W, C, layers)
    except ValueError:
        return
    assert [dict(out=r["out"], ch=r["ch"], params=r["params"]) for r in rows] == \
        forward_trace(W, C, layers, True, np.random.default_rng(0))
    rfs = [r["rf"] for r in rows]
    assert rfs == sorted(rfs)  # the receptive field never shrinks with depth
    assert all(r["params"] == 0 for r, L in zip(rows, layers) if L["type"] == "pool")


@pytest.mark.parametrize("bad, name", [
    ({"in_channels": 3, "layers": [{"type": "pool", "kernel": 2, "stride": 2}]}, "input_size"),
    ({"input_size": 8, "in_channels": 3, "layers": []}, "layers"),
    ({"input_size": 8, "in_channels": 3, "layers": [[3, 1]]}, "layers[1]"),
    ({"input_size": 8, "in_channels": 3, "layers": [{"type": "fc", "kernel": 3}]}, "layers[1].type"),
    ({"input_size": 8, "in_channels": 3, "layers": [{"type": "conv", "kernel": 3}]}, "layers[1].out_channels"),
    ({"input_size": 8, "in_channels": 3, "layers": [{"type": "conv", "kernel": 3, "out_channels": 4},
                                                   {"type": "conv", "kernel": 9, "out_channels": 4}]},
     "layers[2].kernel"),
    ({"input_size": 8, "in_channels": 3, "layers": [{"type": "pool", "kernel": 2, "padding": 2}]},
     "layers[1].padding"),
    ({"input_size": 8, "in_channels": 3, "bias": "maybe",
      "layers": [{"type": "pool", "kernel": 2, "stride": 2}]}, "bias"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("cnn_pipeline").check_params(bad)
    assert err.value.param == name


def test_pool_params_mistake_says_which_count_it_is():
    # the label once said only "gave the pooling layer parameters" for the value F*F*C
    prob = solve_params("cnn_pipeline", {"input_size": 8, "in_channels": 3, "layers": [
        {"type": "pool", "kernel": 2, "stride": 2}]})
    m = next(m for m in prob.mistakes if m.id == "pool_has_params_1")
    assert m.answer == {"params_1": 2 * 2 * 3}
    assert "F*F weights per channel" in m.label.en and "F×F" in m.label.zh
