"""rnn_step, rnn_sequence, lstm_step, lstm_sequence, gru_step.

Each kind is checked against a 30-digit mpmath evaluation (SymPy's arbitrary-precision backend;
the decimal inputs are exact at that precision) written differently from the solver: the vanilla RNN as one matrix on [x; h]; the LSTM as
PyTorch-style stacked matrices W_ih (4H x D) and W_hh (4H x H) in PyTorch's gate order i, f, g, o,
split out of the given W_k by hand; the GRU with separate h- and x-blocks.
"""

from __future__ import annotations

import numpy as np
import pytest
import mpmath
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from solvers import DIFFICULTIES, ParamError, make_problem, solve_params
from solvers.rnn_cells import gru_cell, lstm_cell, rnn_cell

SEEDS = range(200)
mpmath.mp.dps = 30


def Q(v):
    """The exact decimal as a 30-digit mpmath number (the input is exact to all 30 digits)."""
    return mpmath.mpf(str(v))


def M(rows):
    return mpmath.matrix([[Q(v) for v in row] for row in rows])


def V(vals):
    return mpmath.matrix([Q(v) for v in vals])


def sig(col):
    return mpmath.matrix([1 / (1 + mpmath.exp(-z)) for z in col])


def th(col):
    return mpmath.matrix([mpmath.tanh(z) for z in col])


def mul(a, b):
    """Elementwise product of two column vectors."""
    return mpmath.matrix([x * y for x, y in zip(a, b)])


def stack(*cols):
    return mpmath.matrix([v for col in cols for v in col])


def floats(col):
    return [float(v) for v in col]


def assert_close(answer, ref, tol=1e-12):
    assert set(answer) == set(ref)
    for k, v in ref.items():
        assert np.allclose(answer[k], v, rtol=0, atol=tol), (k, answer[k], v)


# ------------------------------------------------------------------------------ vanilla RNN

def ref_rnn(xs, h0, W_xh, W_hh, b):
    """One matrix [W_xh W_hh] acting on [x; h]."""
    W = M([list(rx) + list(rh) for rx, rh in zip(W_xh, W_hh)])
    h = V(h0)
    out = []
    for x in xs:
        h = th(W * stack(V(x), h) + V(b))
        out.append(h)
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_rnn_step_matches_mpmath(difficulty):
    for seed in SEEDS:
        prob = make_problem("rnn_step", seed, difficulty)
        p = prob.params
        (h,) = ref_rnn([p["x"]], p["h_prev"], p["W_xh"], p["W_hh"], p["b"])
        a = M(p["W_xh"]) * V(p["x"]) + M(p["W_hh"]) * V(p["h_prev"]) + V(p["b"])
        assert_close(prob.answer, {"a": floats(a), "h": floats(h)})


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_rnn_sequence_matches_mpmath(difficulty):
    for seed in SEEDS:
        prob = make_problem("rnn_sequence", seed, difficulty)
        p = prob.params
        hs = ref_rnn(p["xs"], p["h0"], p["W_xh"], p["W_hh"], p["b"])
        assert_close(prob.answer, {f"h_{t}": floats(h) for t, h in enumerate(hs, start=1)})


def test_rnn_by_hand():
    # a = [0.5*1 + (1*1 + 0*-1), 1*1 + (0*1 + 1*-1)] = [1.5, 0]; h = [tanh 1.5, 0] = [0.9051, 0]
    a = solve_params("rnn_step", {"x": [1], "h_prev": [1, -1], "W_xh": [[0.5], [1]],
                                  "W_hh": [[1, 0], [0, 1]], "b": [0, 0]}).answer
    assert a["a"] == [1.5, 0.0] and np.round(a["h"], 4).tolist() == [0.9051, 0.0]
    # scalar sequence, w_x = 1, w_h = 1, b = 0, h0 = 0, xs = 1, 0:
    # h1 = tanh(1) = 0.761594; h2 = tanh(0.761594) = 0.642015
    a = solve_params("rnn_sequence", {"xs": [[1], [0]], "h0": [0], "W_xh": [[1]], "W_hh": [[1]], "b": [0]}).answer
    assert round(a["h_1"][0], 4) == 0.7616 and round(a["h_2"][0], 4) == 0.6420
    prob = solve_params("rnn_sequence", {"xs": [[1], [0]], "h0": [0], "W_xh": [[1]], "W_hh": [[1]], "b": [0]})
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["forgot_tanh"] == {"h_1": [1.0], "h_2": [1.0]}
    assert wrong["reused_h0"]["h_2"] == [0.0]


# ------------------------------------------------------------------------------ LSTM

TORCH_ORDER = ("i", "f", "g", "o")


def torch_stacks(p, H):
    """PyTorch layout: W_ih (4H x D), W_hh (4H x H), b (4H), gates stacked i, f, g, o."""
    W_ih = M([row[H:] for k in TORCH_ORDER for row in p[f"W_{k}"]])
    W_hh = M([row[:H] for k in TORCH_ORDER for row in p[f"W_{k}"]])
    bias = V([v for k in TORCH_ORDER for v in p[f"b_{k}"]])
    return W_ih, W_hh, bias


def ref_lstm(xs, h0, c0, p):
    H = len(h0)
    W_ih, W_hh, bias = torch_stacks(p, H)
    h, c = V(h0), V(c0)
    out = []
    for x in xs:
        gates = W_ih * V(x) + W_hh * h + bias
        i, f, g, o = ([gates[n * H + j] for j in range(H)] for n in range(4))  # torch.chunk(4)
        i, f, g, o = sig(i), sig(f), th(g), sig(o)
        c = mul(f, c) + mul(i, g)
        h = mul(o, th(c))
        out.append({"f": floats(f), "i": floats(i), "g": floats(g), "o": floats(o), "c": floats(c), "h": floats(h)})
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_lstm_step_matches_torch_layout_in_mpmath(difficulty):
    for seed in SEEDS:
        prob = make_problem("lstm_step", seed, difficulty)
        p = prob.params
        (ref,) = ref_lstm([p["x"]], p["h_prev"], p["c_prev"], p)
        assert_close(prob.answer, ref)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_lstm_sequence_matches_torch_layout_in_mpmath(difficulty):
    for seed in SEEDS:
        prob = make_problem("lstm_sequence", seed, difficulty)
        p = prob.params
        ref = ref_lstm(p["xs"], p["h0"], p["c0"], p)
        assert_close(prob.answer, {f"{k}_{t}": v for t, s in enumerate(ref, start=1) for k, v in s.items()})


ZERO_LSTM = {**{f"W_{k}": [[0, 0]] for k in "figo"}, **{f"b_{k}": [0] for k in "figo"}}


def test_lstm_by_hand():
    # all weights 0: f = i = o = s(0) = 0.5, g = tanh(0) = 0; c = 0.5*2 + 0.5*0 = 1;
    # h = 0.5*tanh(1) = 0.380797
    a = solve_params("lstm_step", {"x": [1], "h_prev": [0], "c_prev": [2], **ZERO_LSTM}).answer
    assert a["f"] == a["i"] == a["o"] == [0.5] and a["g"] == [0.0] and a["c"] == [1.0]
    assert round(a["h"][0], 6) == 0.380797
    # b_g = 1 (g = tanh 1 = 0.761594), b_f = -1 (f = s(-1) = 0.268941), c_prev = 2:
    # c = 0.268941*2 + 0.5*0.761594 = 0.537883 + 0.380797 = 0.918680; h = 0.5*tanh(0.918680) = 0.362636
    p = {"x": [1], "h_prev": [0], "c_prev": [2], **ZERO_LSTM, "b_g": [1], "b_f": [-1]}
    prob = solve_params("lstm_step", p)
    assert round(prob.answer["c"][0], 6) == 0.918680 and round(prob.answer["h"][0], 6) == 0.362636
    wrong = {m.id: m.answer for m in prob.mistakes}
    # f and i swapped: c = 0.5*2 + 0.268941*0.761594 = 1 + 0.204824 = 1.204824
    assert round(wrong["forget_input_swapped"]["c"][0], 6) == 1.204824
    assert wrong["h_without_tanh"]["h"] == [pytest.approx(0.5 * 0.918680, abs=1e-6)]
    assert wrong["forgot_c_prev"]["c"] == [pytest.approx(0.5 * 0.761594, abs=1e-6)]


def test_lstm_sequence_reset_state_mistake():
    p = {"xs": [[1], [1]], "h0": [0], "c0": [0], **ZERO_LSTM, "b_g": [1]}
    prob = solve_params("lstm_sequence", p)
    # step 2 carries c_1 = 0.5*tanh(1): c_2 = 0.5*c_1 + 0.5*tanh(1) = 0.75*tanh(1)
    assert prob.answer["c_2"] == [pytest.approx(0.75 * np.tanh(1))]
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["reset_state"]["c_2"] == [pytest.approx(0.5 * np.tanh(1))]


# ------------------------------------------------------------------------------ GRU

def ref_gru(x, h_prev, p):
    """Separate h- and x-blocks of each W_k; the reset gate scales h before its block."""
    H = len(h_prev)
    h, xv = V(h_prev), V(x)
    blocks = {k: (M([row[:H] for row in p[f"W_{k}"]]), M([row[H:] for row in p[f"W_{k}"]])) for k in "rzh"}
    r = sig(blocks["r"][0] * h + blocks["r"][1] * xv + V(p["b_r"]))
    z = sig(blocks["z"][0] * h + blocks["z"][1] * xv + V(p["b_z"]))
    n = th(blocks["h"][0] * mul(r, h) + blocks["h"][1] * xv + V(p["b_h"]))
    new = h + mul(z, n - h)  # (1-z)h + z n, rearranged
    return {"r": floats(r), "z": floats(z), "h_tilde": floats(n), "h": floats(new)}


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_gru_step_matches_mpmath_blocks(difficulty):
    for seed in SEEDS:
        prob = make_problem("gru_step", seed, difficulty)
        p = prob.params
        assert_close(prob.answer, ref_gru(p["x"], p["h_prev"], p))


def test_gru_by_hand():
    # zero weights: r = z = 0.5, h~ = tanh(0) = 0, h = 0.5*h_prev
    zero = {**{f"W_{k}": [[0, 0]] for k in "rzh"}, **{f"b_{k}": [0] for k in "rzh"}}
    a = solve_params("gru_step", {"x": [1], "h_prev": [0.8], **zero}).answer
    assert a == {"r": [0.5], "z": [0.5], "h_tilde": [0.0], "h": [pytest.approx(0.4)]}
    # b_z = 2 (z = 0.880797), b_h = 1 (h~ = 0.761594), h_prev = 0.8:
    # ours: 0.119203*0.8 + 0.880797*0.761594 = 0.095362 + 0.670810 = 0.766172;
    # PyTorch's: 0.880797*0.8 + 0.119203*0.761594 = 0.704638 + 0.090784 = 0.795422
    prob = solve_params("gru_step", {"x": [1], "h_prev": [0.8], **zero, "b_z": [2], "b_h": [1]})
    assert round(prob.answer["h"][0], 6) == 0.766172
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert round(wrong["pytorch_update_convention"]["h"][0], 6) == 0.795422


# ------------------------------------------------------------------------------ properties

small = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), H=st.integers(1, 3), D=st.integers(1, 3))
def test_lstm_invariants(data, H, D):
    def arr(shape):
        return data.draw(arrays(float, shape, elements=small))

    W = {k: arr((H, H + D)) for k in "figo"}
    b = {k: arr(H) for k in "figo"}
    h_prev = data.draw(arrays(float, H, elements=st.floats(-1, 1)))
    c_prev = arr(H)
    out = lstm_cell(arr(D), h_prev, c_prev, W, b)
    for k in "fio":
        assert np.all((out[k] > 0) & (out[k] < 1))
    assert np.all(np.abs(out["g"]) <= 1)
    assert np.all(np.abs(out["h"]) < 1)
    assert np.all(np.abs(out["c"]) <= np.abs(c_prev) + 1)
    assert np.all(np.abs(out["h"]) <= out["o"])


@settings(max_examples=150, deadline=None)
@given(data=st.data(), H=st.integers(1, 3), D=st.integers(1, 3))
def test_gru_and_rnn_invariants(data, H, D):
    def arr(shape):
        return data.draw(arrays(float, shape, elements=small))

    h_prev = data.draw(arrays(float, H, elements=st.floats(-1, 1)))
    x = arr(D)
    out = gru_cell(x, h_prev, {k: arr((H, H + D)) for k in "rzh"}, {k: arr(H) for k in "rzh"})
    assert np.all((out["r"] > 0) & (out["r"] < 1)) and np.all((out["z"] > 0) & (out["z"] < 1))
    # the new state lies between the old state and the candidate, elementwise
    lo = np.minimum(h_prev, out["h_tilde"]) - 1e-12
    hi = np.maximum(h_prev, out["h_tilde"]) + 1e-12
    assert np.all((lo <= out["h"]) & (out["h"] <= hi))
    _, h = rnn_cell(x, h_prev, arr((H, D)), arr((H, H)), arr(H))
    assert np.all(np.abs(h) <= 1)


# ------------------------------------------------------------------------------ bad input

LSTM_OK = {"x": [1], "h_prev": [0], "c_prev": [0], **ZERO_LSTM}


@pytest.mark.parametrize("kind, change, param", [
    ("lstm_step", {"W_f": [[0, 0, 0]]}, "W_f"),
    ("lstm_step", {"W_o": [[0], [0]]}, "W_o"),
    ("lstm_step", {"W_g": "big"}, "W_g"),
    ("lstm_step", {"b_i": [0, 0]}, "b_i"),
    ("lstm_step", {"c_prev": [0, 1]}, "c_prev"),
    ("lstm_step", {"x": []}, "x"),
    ("lstm_step", {"h_prev": [0, 0], "c_prev": [0, 0]}, "W_f"),  # H = 2 now, so W_f (1 x 2) no longer fits [h_prev; x]
    ("lstm_sequence", {"xs": [[1, 2]]}, "W_f"),
    ("lstm_sequence", {"xs": [[1]] * 6}, "xs"),
    ("gru_step", {"W_h": [[0, 0], [0, 0]]}, "W_h"),
    ("gru_step", {"b_z": [0, 1]}, "b_z"),
    ("rnn_step", {"W_hh": [[1, 0]]}, "W_hh"),
    ("rnn_step", {"W_xh": [[1, 0], [0, 1]]}, "W_xh"),
    ("rnn_sequence", {"xs": [1, 2]}, "xs"),
    ("rnn_sequence", {"h0": "zero"}, "h0"),
])
def test_bad_shapes_name_the_parameter(kind, change, param):
    base = {
        "lstm_step": LSTM_OK,
        "lstm_sequence": {"xs": [[1], [0]], "h0": [0], "c0": [0], **ZERO_LSTM},
        "gru_step": {"x": [1], "h_prev": [0], **{f"W_{k}": [[0, 0]] for k in "rzh"}, **{f"b_{k}": [0] for k in "rzh"}},
        "rnn_step": {"x": [1], "h_prev": [0, 0], "W_xh": [[1], [0]], "W_hh": [[1, 0], [0, 1]], "b": [0, 0]},
        "rnn_sequence": {"xs": [[1], [0]], "h0": [0], "W_xh": [[1]], "W_hh": [[1]], "b": [0]},
    }[kind]
    solve_params(kind, base)  # the base itself is fine
    with pytest.raises(ParamError) as err:
        solve_params(kind, {**base, **change})
    assert err.value.param == param
    if param.startswith("W_") and kind != "rnn_step" and kind != "rnn_sequence":
        assert "[h_prev; x]" in str(err.value)


# ------------------------------------------------------------------------------ SymPy, exact

def _sympy_cell(kind, p):
    """The step kinds as exact SymPy expressions (Rationals, exp, tanh), evaluated only at the end."""
    import sympy as sp

    R = lambda v: sp.Rational(str(v))  # noqa: E731
    s = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    dot = lambda row, vec: sum(R(a) * b for a, b in zip(row, vec))  # noqa: E731
    if kind == "rnn_step":
        x, h = [R(v) for v in p["x"]], [R(v) for v in p["h_prev"]]
        a = [dot(rx, x) + dot(rh, h) + R(bb) for rx, rh, bb in zip(p["W_xh"], p["W_hh"], p["b"])]
        out = {"a": a, "h": [sp.tanh(v) for v in a]}
    elif kind == "lstm_step":
        hx = [R(v) for v in p["h_prev"] + p["x"]]
        pre = {k: [dot(row, hx) + R(bb) for row, bb in zip(p[f"W_{k}"], p[f"b_{k}"])] for k in "figo"}
        f, i, o = ([s(v) for v in pre[k]] for k in "fio")
        g = [sp.tanh(v) for v in pre["g"]]
        c = [fj * R(cj) + ij * gj for fj, cj, ij, gj in zip(f, p["c_prev"], i, g)]
        out = {"f": f, "i": i, "g": g, "o": o, "c": c, "h": [oj * sp.tanh(cj) for oj, cj in zip(o, c)]}
    else:
        h, x = [R(v) for v in p["h_prev"]], [R(v) for v in p["x"]]
        r = [s(dot(row, h + x) + R(bb)) for row, bb in zip(p["W_r"], p["b_r"])]
        z = [s(dot(row, h + x) + R(bb)) for row, bb in zip(p["W_z"], p["b_z"])]
        rh = [rj * hj for rj, hj in zip(r, h)]
        n = [sp.tanh(dot(row, rh + x) + R(bb)) for row, bb in zip(p["W_h"], p["b_h"])]
        out = {"r": r, "z": z, "h_tilde": n, "h": [(1 - zj) * hj + zj * nj for zj, hj, nj in zip(z, h, n)]}
    return {k: [float(sp.N(v, 30)) for v in vals] for k, vals in out.items()}


@pytest.mark.parametrize("kind", ["rnn_step", "lstm_step", "gru_step"])
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_step_kinds_match_exact_sympy_expressions(kind, difficulty):
    for seed in range(25):  # symbolic evaluation is slow; the mpmath tests above cover 200 seeds
        prob = make_problem(kind, seed, difficulty)
        assert_close(prob.answer, _sympy_cell(kind, prob.params))


def test_references_catch_a_swapped_gate():
    # the LSTM reference must notice if W_f and W_i were exchanged
    p = make_problem("lstm_step", 3, "hard").params
    swapped = {**p, "W_f": p["W_i"], "W_i": p["W_f"], "b_f": p["b_i"], "b_i": p["b_f"]}
    (ref,) = ref_lstm([p["x"]], p["h_prev"], p["c_prev"], swapped)
    with pytest.raises(AssertionError):
        assert_close(solve_params("lstm_step", p).answer, ref)


# ------------------------------------------------------------ a student who follows the steps
# With gates rounded to 4 places (as the steps once showed them), the 4-place c, h and h_t were
# off by a unit in 10-25% of items. The steps and statements now carry 6 places; a hand
# computation that rounds every intermediate to 6 places must reach the engine's answer.

def _r6(a):
    return np.round(np.asarray(a, dtype=float), 6)


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def _lstm_by_hand(W, b, x, h, c):
    hx = np.concatenate([h, x])
    f, i, o = (_r6(_sig(W[k] @ hx + b[k])) for k in "fio")
    g = _r6(np.tanh(W["g"] @ hx + b["g"]))
    c = _r6(f * c + i * g)
    return c, _r6(o * np.tanh(c))


def _close(a, b):
    return np.all(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) <= 0.5e-4)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_six_place_hand_work_reaches_the_answer(difficulty):
    for seed in range(150):
        p = make_problem("lstm_step", seed, difficulty)
        q = p.params
        W = {k: np.asarray(q[f"W_{k}"], float) for k in "figo"}
        b = {k: np.asarray(q[f"b_{k}"], float) for k in "figo"}
        c, h = _lstm_by_hand(W, b, np.asarray(q["x"], float), np.asarray(q["h_prev"], float),
                             np.asarray(q["c_prev"], float))
        assert _close(c, p.answer["c"]) and _close(h, p.answer["h"]), seed
        assert "at least 6 decimal places in between" in p.question.en

        p = make_problem("lstm_sequence", seed, difficulty)
        q = p.params
        W = {k: np.asarray(q[f"W_{k}"], float) for k in "figo"}
        b = {k: np.asarray(q[f"b_{k}"], float) for k in "figo"}
        h, c = np.asarray(q["h0"], float), np.asarray(q["c0"], float)
        for t, x in enumerate(q["xs"], start=1):
            c, h = _lstm_by_hand(W, b, np.asarray(x, float), h, c)
            assert _close(c, p.answer[f"c_{t}"]) and _close(h, p.answer[f"h_{t}"]), (seed, t)
        assert "at least 6 decimal places in between" in p.question.en

        p = make_problem("gru_step", seed, difficulty)
        q = p.params
        x, h = np.asarray(q["x"], float), np.asarray(q["h_prev"], float)
        hx = np.concatenate([h, x])
        r = _r6(_sig(np.asarray(q["W_r"]) @ hx + q["b_r"]))
        z = _r6(_sig(np.asarray(q["W_z"]) @ hx + q["b_z"]))
        ht = _r6(np.tanh(np.asarray(q["W_h"]) @ np.concatenate([_r6(r * h), x]) + q["b_h"]))
        assert _close((1 - z) * h + z * ht, p.answer["h"]), seed
        assert "at least 6 decimal places in between" in p.question.en

        p = make_problem("rnn_sequence", seed, difficulty)
        q = p.params
        h = np.asarray(q["h0"], float)
        for t, x in enumerate(q["xs"], start=1):
            h = _r6(np.tanh(np.asarray(q["W_xh"]) @ np.asarray(x, float) + np.asarray(q["W_hh"]) @ h + q["b"]))
            assert _close(h, p.answer[f"h_{t}"]), (seed, t)


def test_steps_show_the_carried_places():
    p = make_problem("gru_step", 7, "hard")
    assert any(len(tok.strip("[],;")) >= 8 for tok in p.steps[1].math.split())  # e.g. 0.442752
