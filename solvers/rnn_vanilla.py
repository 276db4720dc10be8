"""Vanilla (Elman) RNN: one step (``rnn_step``) and a short sequence (``rnn_sequence``).

    h_t = tanh(W_xh x_t + W_hh h_(t-1) + b)          (see solvers/rnn_cells.py for sources)
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_matrix, register,
)
from solvers._rounding import carry_list, exact_affine, fraction
from solvers.act_functions import sigmoid
from solvers.rnn_cells import CARRY, CARRY_EN, CARRY_ZH, check_vec, rnn_cell, sequence_text
from solvers.train_numbers import Draws, mat_text, to_plain, vec_carried, vec_rounded, vec_text

# (hidden size H, input size D, steps T) per difficulty
STEP_SIZES = {"easy": [(2, 1)], "medium": [(2, 2)], "hard": [(3, 2), (2, 3)]}
SEQ_SIZES = {"easy": [(1, 1, 2)], "medium": [(1, 1, 3), (2, 1, 2)], "hard": [(2, 1, 3), (2, 2, 2)]}

def rnn_sequence(xs: Any, h0: Any, W_xh: Any, W_hh: Any, b: Any) -> list[np.ndarray]:
    """Every hidden state h_1..h_T of a vanilla RNN run over ``xs`` from ``h0``.

    >>> [round(float(h[0]), 4) for h in rnn_sequence([[1.0], [0.0]], [0.0], [[1.0]], [[1.0]], [0.0])]
    [0.7616, 0.642]
    """
    h = np.asarray(h0, float)
    out = []
    for x in xs:
        _, h = rnn_cell(x, h, W_xh, W_hh, b)
        out.append(h)
    return out


def _draw(d: Draws, difficulty: str, H: int, D: int) -> dict[str, Any]:
    W_xh = [d.weights(difficulty, D) for _ in range(H)]
    flat_hh = d.nonzero(difficulty, H * H)  # a zero W_hh would make the recurrence pointless
    return {"W_xh": W_xh, "W_hh": [flat_hh[i * H:(i + 1) * H] for i in range(H)],
            "b": d.weights(difficulty, H, lo=-0.5, hi=0.5)}


def _check_weights(params: Mapping[str, Any], H: int, D: int) -> dict[str, Any]:
    out = {}
    for name, rows, cols, role in (("W_xh", H, D, "maps the input x"), ("W_hh", H, H, "maps h_prev")):
        try:
            out[name] = to_plain(need_matrix(params, name, rows=rows, cols=cols))
        except ParamError as err:
            raise ParamError(name, f"{role} and must be {rows} x {cols} (hidden size {H}, input size {D}); "
                                   f"{err.args[0].split(': ', 1)[-1]}") from err
    out["b"] = check_vec(params, "b", length=H)
    return out


def _weights_text(params: Mapping[str, Any]) -> str:
    return f"W_xh = {mat_text(params['W_xh'])}, W_hh = {mat_text(params['W_hh'])}, b = {vec_text(params['b'])}"


# The common slips of a vanilla RNN cell: no tanh, sigmoid for tanh, no W_hh h_prev term, W_hh
# transposed (each kind computes their values alongside the right ones)
_VARIANT_LABELS = [
    ("forgot_tanh", Text("忘了 tanh（直接用了线性值）", "left out the tanh")),
    ("sigmoid_not_tanh", Text("用了 sigmoid 而不是 tanh", "used sigmoid instead of tanh")),
    ("forgot_recurrent_term", Text("漏了 W_hh·h_prev 项", "left out the W_hh h_prev term")),
    ("transposed_W_hh", Text("W_hh 用成了转置", "multiplied by the transpose of W_hh")),
]


@register
class RnnStep(Kind):
    id = "rnn_step"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("RNN 单步计算", "One step of a vanilla RNN")
    description = "One vanilla RNN step h = tanh(W_xh x + W_hh h_prev + b) with small vectors."
    params_help = {
        "x": "the input x_t, a list of D numbers",
        "h_prev": "the previous hidden state, a list of H numbers",
        "W_xh": "H x D matrix acting on x", "W_hh": "H x H matrix acting on h_prev",
        "b": "the bias, a list of H numbers",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d = Draws(rng)  # one batch of draws: rng.integers costs more than the rest of the drawing
        H, D = d.choice(STEP_SIZES[difficulty])
        return {"x": d.nonzero(difficulty, D), "h_prev": d.nonzero(difficulty, H), **_draw(d, difficulty, H, D)}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = check_vec(params, "x")
        h = check_vec(params, "h_prev")
        return {"x": x, "h_prev": h, **_check_weights(params, len(h), len(x))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("a", Text("预激活 a = W_xh x + W_hh h_prev + b", "pre-activation a"),
                            shape="vector", decimals=4),
                AnswerField("h", Text("新的隐藏状态 h_t", "new hidden state h_t"), shape="vector", decimals=4, points=2))

    def statement(self, params: Mapping[str, Any]) -> Text:
        x, h = vec_text(params["x"]), vec_text(params["h_prev"])
        w = _weights_text(params)
        return Text(
            f"一个普通 RNN 单元：h_t = tanh(W_xh x_t + W_hh h_(t-1) + b)。已知 x_t = {x}，h_(t-1) = {h}，{w}。"
            f"求预激活 a = W_xh x_t + W_hh h_(t-1) + b 和新的隐藏状态 h_t，结果保留 4 位小数。",
            f"A vanilla RNN cell computes h_t = tanh(W_xh x_t + W_hh h_(t-1) + b). Given x_t = {x}, "
            f"h_(t-1) = {h}, {w}, find the pre-activation a = W_xh x_t + W_hh h_(t-1) + b and the new "
            f"hidden state h_t. Give your answers to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        x, h_prev = np.asarray(params["x"], float), np.asarray(params["h_prev"], float)
        W_xh, W_hh, b = (np.asarray(params[k], float) for k in ("W_xh", "W_hh", "b"))
        H = b.size
        # rnn_cell's operations, shared with the slips (the same bits): W_xh x and W_hh h once, every
        # tanh in one call (elementwise; sigmoid(a) = 0.5 + 0.5*tanh(a/2) as act_functions.sigmoid)
        wx, wh = W_xh @ x, W_hh @ h_prev
        a, no_recurrent, transposed = wx + wh + b, wx + b, wx + W_hh.T @ h_prev + b
        th = np.tanh(np.concatenate([a, 0.5 * a, no_recurrent, transposed]))
        h = th[:H]
        answer = {"a": a.tolist(), "h": h.tolist()}
        # the steps show each part to 4 places (the places asked for a) and take tanh of the shown a;
        # for generated numbers (two decimals at most) that is the exact a, but for numbers a user
        # brings it may not be, and a student who carries the shown a is right too
        # (ties decided on the exact decimal value: 0.75*0.589 - 0.5*0.872 is 0.00575, not below it)
        xl, hl = x.tolist(), h_prev.tolist()
        wx4 = carry_list(wx.tolist(), 4, lambda i: exact_affine(W_xh[i].tolist(), xl, 0.0))
        wh4 = carry_list(wh.tolist(), 4, lambda i: exact_affine(W_hh[i].tolist(), hl, 0.0))
        bl = b.tolist()
        a4 = carry_list([p + q + r for p, q, r in zip(wx4, wh4, bl)], 4,
                        lambda i: fraction(wx4[i]) + fraction(wh4[i]) + fraction(bl[i]))
        h4 = np.tanh(a4).tolist()
        carried = {"a": a4, "h": h4} if any(abs(p - q) > 1e-9 for p, q in zip(a4, answer["a"])) else {}
        steps = [
            Step("输入部分 W_xh·x。", "Input part W_xh x.", f"W_xh x = {vec_text(wx4, 4)}"),
            Step("循环部分 W_hh·h_prev。", "Recurrent part W_hh h_prev.", f"W_hh h_prev = {vec_text(wh4, 4)}"),
            Step("相加再加偏置得到预激活。", "Add them and the bias: the pre-activation.",
                 f"a = {vec_text(wx4, 4)} + {vec_text(wh4, 4)} + {vec_text(b)} = {vec_text(a4, 4)}"),
            Step("逐元素取 tanh。", "Apply tanh elementwise.", f"h_t = tanh({vec_text(a4, 4)}) = {vec_text(h4, 4)}"),
        ]
        slips = {"forgot_tanh": (a, a), "sigmoid_not_tanh": (a, 0.5 + 0.5 * th[H:2 * H]),
                 "forgot_recurrent_term": (no_recurrent, th[2 * H:3 * H]), "transposed_W_hh": (transposed, th[3 * H:])}
        mistakes = [Mistake(mid, label, {"a": slips[mid][0].tolist(), "h": slips[mid][1].tolist()})
                    for mid, label in _VARIANT_LABELS]
        return Solution(answer, steps, mistakes, carried=carried)


@register
class RnnSequence(Kind):
    id = "rnn_sequence"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("RNN 序列前向计算", "A vanilla RNN over a short sequence")
    description = "Every hidden state of a vanilla RNN run over a 2-3 step sequence."
    params_help = {
        "xs": "the inputs, one row per time step (T x D), e.g. [[1], [0.5]]",
        "h0": "the starting hidden state, a list of H numbers",
        "W_xh": "H x D matrix acting on x", "W_hh": "H x H matrix acting on h",
        "b": "the bias, a list of H numbers",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d = Draws(rng)  # one batch of draws: rng.integers costs more than the rest of the drawing
        H, D, T = d.choice(SEQ_SIZES[difficulty])
        xs = [d.nonzero(difficulty, D) for _ in range(T)]
        return {"xs": xs, "h0": d.weights(difficulty, H), **_draw(d, difficulty, H, D)}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        xs = to_plain(need_matrix(params, "xs"))
        if not 1 <= len(xs) <= 5:
            raise ParamError("xs", f"must have 1 to 5 time steps (rows), got {len(xs)}")
        if np.any(np.abs(xs) > 100):
            raise ParamError("xs", "values must lie in [-100, 100]")
        h0 = check_vec(params, "h0")
        return {"xs": xs, "h0": h0, **_check_weights(params, len(h0), len(xs[0]))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return tuple(AnswerField(f"h_{t}", Text(f"h_{t}", f"h_{t}"), shape="vector", decimals=4)
                     for t in range(1, len(params["xs"]) + 1))

    def statement(self, params: Mapping[str, Any]) -> Text:
        T = len(params["xs"])
        seq, w, h0 = sequence_text(params["xs"]), _weights_text(params), vec_text(params["h0"])
        hs = ", ".join(f"h_{t}" for t in range(1, T + 1))
        return Text(
            f"普通 RNN：h_t = tanh(W_xh x_t + W_hh h_(t-1) + b)，参数 {w}，初始状态 h_0 = {h0}。"
            f"输入序列为 {seq}。依次求 {hs}，结果保留 4 位小数{CARRY_ZH}。",
            f"A vanilla RNN computes h_t = tanh(W_xh x_t + W_hh h_(t-1) + b) with {w} and h_0 = {h0}. "
            f"The input sequence is {seq}. Find {hs} in turn. Give your answers to 4 decimal places "
            f"{CARRY_EN.strip()}.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        xs = np.asarray(params["xs"], float)
        h0 = np.asarray(params["h0"], float)
        W_xh, W_hh, b = (np.asarray(params[k], float) for k in ("W_xh", "W_hh", "b"))
        # W_xh x_t does not depend on the state: one product per step serves the answer and every
        # slip (the same NumPy operations in the same order as rnn_cell: the same bits)
        Wx = [W_xh @ x for x in xs]
        answer: dict[str, Any] = {}
        h = h0
        for t, wx in enumerate(Wx, start=1):
            h = np.tanh(wx + W_hh @ h + b)
            answer[f"h_{t}"] = h.tolist()
        # the steps as a student carries them (a_t and h_t to 6 places, the next step from the shown
        # h), and the second accepted key from them: from unrounded values a student carrying 6
        # places was marked wrong in 0.5-2% of items (measured)
        carried: dict[str, Any] = {}
        steps = []
        W_xh_hh = np.hstack([W_xh, W_hh])
        rows, b_list = W_xh_hh.tolist(), b.tolist()
        h_prev = carry_list(h0.tolist(), CARRY)
        for t, x in enumerate(xs, start=1):
            xh = x.tolist() + h_prev
            a_raw = (W_xh_hh @ np.array(xh) + b).tolist()
            # ties decided on the exact value (as carry_affine)
            a = carry_list(a_raw, CARRY, lambda i: exact_affine(rows[i], xh, b_list[i]))
            h_raw = np.tanh(a).tolist()
            h = carry_list(h_raw, CARRY)
            carried[f"h_{t}"] = h
            zh, en = (("用初始状态 h_0", "starts from h_0") if t == 1 else
                      (f"用上一步的 h_{t - 1}", f"uses h_{t - 1} from the step before"))
            steps.append(Step(f"第 {t} 步：{zh}。", f"Step {t}: {en}.",
                              f"a_{t} = W_xh {vec_text(x)} + W_hh {vec_carried(h_prev, CARRY)} + b = "
                              f"{vec_rounded(a, a_raw, CARRY)};  h_{t} = tanh(a_{t}) = {vec_rounded(h, h_raw, CARRY)}"))
            h_prev = h
        return Solution(answer, steps, _sequence_slips(Wx, W_xh, W_hh, b, h0), carried=carried)



def _sequence_slips(Wx: list[np.ndarray], W_xh, W_hh, b, h0) -> list[Mistake]:
    """The slips of _VARIANT_LABELS, and h_0 reused, run over the sequence (the same operations as
    rnn_cell, with W_xh x_t computed once per step)."""
    labels = dict(_VARIANT_LABELS)
    W_hh_T = W_hh.T
    runs: dict[str, dict[str, Any]] = {k: {} for k in (*labels, "reused_h0")}
    lin = sig = trans = h0
    recurrent_h0 = W_hh @ h0
    for t, wx in enumerate(Wx, start=1):
        key = f"h_{t}"
        lin = wx + W_hh @ lin + b
        sig = sigmoid(wx + W_hh @ sig + b)
        trans = np.tanh(wx + W_hh_T @ trans + b)
        runs["forgot_tanh"][key] = lin.tolist()
        runs["sigmoid_not_tanh"][key] = sig.tolist()
        runs["forgot_recurrent_term"][key] = np.tanh(wx + b).tolist()
        runs["transposed_W_hh"][key] = trans.tolist()
        runs["reused_h0"][key] = np.tanh(wx + recurrent_h0 + b).tolist()
    labels["reused_h0"] = Text("每一步都用了 h_0，没有传递隐藏状态", "used h_0 at every step")
    return [Mistake(k, labels[k], runs[k]) for k in runs]


def _run(cell: Cell, xs: np.ndarray, h0: np.ndarray) -> dict[str, Any]:
    out, h = {}, h0
    for t, x in enumerate(xs, start=1):
        _, h = cell(x, h)
        out[f"h_{t}"] = np.asarray(h, float).tolist()
    return out
