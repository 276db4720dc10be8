"""LSTM: one step (``lstm_step``, a fixed interface other tools rely on) and a short sequence
(``lstm_sequence``, a comprehensive item with partial credit per quantity).

Every gate matrix W_f, W_i, W_g, W_o acts on the concatenation [h_prev; x] (h first)::

    f = s(W_f[h;x] + b_f)  i = s(W_i[h;x] + b_i)  g = tanh(W_g[h;x] + b_g)  o = s(W_o[h;x] + b_o)
    c = f*c_prev + i*g     h = o*tanh(c)          (see solvers/rnn_cells.py for sources)
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_matrix, register
from solvers._rounding import carry
from solvers.act_functions import sigmoid
from solvers.rnn_cells import CARRY, CARRY_EN, CARRY_ZH, GATES, check_gated, check_vec, draw_gated, draw_vec, gated_text, lstm_cell, sequence_text
from solvers.train_numbers import to_plain, vec_carried, vec_text, weights

STEP_SIZES = {"easy": [(1, 1)], "medium": [(1, 2), (2, 1)], "hard": [(2, 2)]}  # (H, D)
SEQ_SIZES = {"easy": [(1, 1, 2)], "medium": [(1, 1, 3), (1, 2, 2)], "hard": [(2, 1, 2), (1, 2, 3)]}  # (H, D, T)
OUT = ("f", "i", "g", "o", "c", "h")
POINTS = {"f": 1.0, "i": 1.0, "g": 1.0, "o": 1.0, "c": 2.0, "h": 2.0}
LABELS = {"f": ("遗忘门 f", "forget gate f"), "i": ("输入门 i", "input gate i"), "g": ("候选值 g", "candidate g"),
          "o": ("输出门 o", "output gate o"), "c": ("细胞状态 c", "cell state c"), "h": ("隐藏状态 h", "hidden state h")}

Cell = Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, np.ndarray]]


def lstm_sequence(xs: Any, h0: Any, c0: Any, W: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, np.ndarray]]:
    """``lstm_cell`` outputs for every step of ``xs``, carrying h and c along.

    >>> out = lstm_sequence([[1.0], [1.0]], [0.0], [0.0], {k: [[0.0, 0.0]] for k in "figo"},
    ...                     {k: [0.0] if k != "g" else [1.0] for k in "figo"})
    >>> [round(float(s["c"][0]), 4) for s in out]
    [0.3808, 0.5712]
    """
    h, c = np.asarray(h0, float), np.asarray(c0, float)
    out = []
    for x in xs:
        step = lstm_cell(x, h, c, W, b)
        h, c = step["h"], step["c"]
        out.append(step)
    return out


def _split(params: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    return ({k: np.asarray(params[f"W_{k}"], float) for k in GATES},
            {k: np.asarray(params[f"b_{k}"], float) for k in GATES})


def _variants(W, b, H: int, D: int) -> list[tuple[str, Text, Cell]]:
    """The common slips, each as a wrong cell (x, h_prev, c_prev) -> dict of f, i, g, o, c, h."""

    # the four gates as one stacked matrix: one product and one sigmoid per step, not four
    # (the variants run every step of every slip; this was most of an LSTM problem's time)
    W_all, b_all = np.vstack([W[k] for k in GATES]), np.concatenate([b[k] for k in GATES])

    def cell(x, h, c, *, swap=False, g_act=np.tanh, keep_c=True, tanh_c=True, order="hx"):
        hx = np.concatenate([x, h] if order == "xh" else [h, x])
        p = W_all @ hx + b_all
        s = sigmoid(p)
        f0, i0, o = s[:H], s[H:2 * H], s[3 * H:]
        g = np.tanh(p[2 * H:3 * H]) if g_act is np.tanh else s[2 * H:3 * H]
        f, i = (i0, f0) if swap else (f0, i0)
        c_new = (f * c if keep_c else 0) + i * g
        h_new = o * (np.tanh(c_new) if tanh_c else c_new)
        return {"f": f0, "i": i0, "g": g, "o": o, "c": c_new, "h": h_new}

    out = [
        ("forget_input_swapped", Text("遗忘门和输入门用反了：c = i·c_prev + f·g", "swapped the forget and input "
                                      "gates: c = i*c_prev + f*g"), lambda x, h, c: cell(x, h, c, swap=True)),
        ("sigmoid_for_g", Text("候选值 g 用了 sigmoid 而不是 tanh", "used sigmoid for the candidate g"),
         lambda x, h, c: cell(x, h, c, g_act=sigmoid)),
        ("h_without_tanh", Text("h = o·c，忘了对 c 取 tanh", "took h = o*c without the tanh"),
         lambda x, h, c: cell(x, h, c, tanh_c=False)),
        ("forgot_c_prev", Text("忘了 f·c_prev 项：c = i·g", "left out f*c_prev: c = i*g"),
         lambda x, h, c: cell(x, h, c, keep_c=False)),
    ]
    if H == D:  # the reversed concatenation only fits when the two parts have the same size
        out.append(("concat_order", Text("拼接顺序弄反了：用了 [x; h]", "concatenated [x; h] instead of [h; x]"),
                    lambda x, h, c: cell(x, h, c, order="xh")))
    return out


def lstm_cell_carried(x, h, c, W, b, places: int = CARRY) -> dict[str, np.ndarray]:
    """One LSTM step as the worked steps show it: every shown value (the pre-activations, the
    gates, c and h) rounded half up to ``places`` and used rounded from then on. Its c and h, and
    a sequence run on them, are the *carried* key (see solvers/_rounding.py)."""
    hx = np.concatenate([h, x])
    H = len(h)
    stacked = carry(np.concatenate([W[k] @ hx + b[k] for k in GATES]), places)
    pre = {k: stacked[n * H:(n + 1) * H] for n, k in enumerate(GATES)}
    gates = carry(np.concatenate([sigmoid(pre["f"]), sigmoid(pre["i"]), np.tanh(pre["g"]),
                                  sigmoid(pre["o"])]), places)
    f, i, g, o = (gates[n * H:(n + 1) * H] for n in range(4))
    c_new = carry(f * c + i * g, places)
    return {"pre": pre, "f": f, "i": i, "g": g, "o": o, "c": c_new, "h": carry(o * np.tanh(c_new), places)}


def _step_lines(t: str, x, h, c, s) -> list[Step]:
    # every value is shown to CARRY places and the next is computed from the shown one
    # (lstm_cell_carried): from 4-place gates the 4-place c and h came out different in 12-26% of
    # items (measured), and from unrounded ones a student carrying 6 places was marked wrong
    hx = np.concatenate([h, x])
    sfx = f"_{t}" if t else ""
    lines = [Step(f"拼接 [h_prev; x]{'（第 ' + t + ' 步）' if t else ''}。",
                  f"Concatenate [h_prev; x]{' (step ' + t + ')' if t else ''}.", f"[h; x] = {vec_carried(hx, CARRY)}")]
    for k, act in (("f", "s"), ("i", "s"), ("g", "tanh"), ("o", "s")):
        lines.append(Step(f"{LABELS[k][0]} = {'σ' if act == 's' else 'tanh'}(W_{k}[h; x] + b_{k})。",
                          f"{LABELS[k][1]} = {act}(W_{k}[h; x] + b_{k}).",
                          f"W_{k}[h; x] + b_{k} = {vec_carried(s['pre'][k], CARRY)};  {k}{sfx} = {vec_carried(s[k], CARRY)}"))
    lines.append(Step("细胞状态：c = f·c_prev + i·g（逐元素）。", "Cell state: c = f*c_prev + i*g (elementwise).",
                      f"c{sfx} = {vec_carried(s['f'], CARRY)}*{vec_carried(c, CARRY)} + {vec_carried(s['i'], CARRY)}*"
                      f"{vec_carried(s['g'], CARRY)} = {vec_carried(s['c'], CARRY)}"))
    lines.append(Step("输出：h = o·tanh(c)。", "Output: h = o*tanh(c).",
                      f"h{sfx} = {vec_carried(s['o'], CARRY)}*tanh({vec_carried(s['c'], CARRY)}) = "
                      f"{vec_carried(s['h'], CARRY)}"))
    return lines


@register
class LstmStep(Kind):
    id = "lstm_step"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("LSTM 单步计算", "One LSTM step")
    description = "One LSTM step: gates f, i, g, o, the cell state c and the output h."
    params_help = {
        "x": "the input x_t, a list of D numbers",
        "h_prev": "the previous hidden state, a list of H numbers",
        "c_prev": "the previous cell state, a list of H numbers",
        **{f"W_{k}": f"H x (H+D) matrix of the {LABELS[k][1]}, acting on [h_prev; x]" for k in GATES},
        **{f"b_{k}": f"bias of the {LABELS[k][1]}, a list of H numbers" for k in GATES},
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        sizes = STEP_SIZES[difficulty]
        H, D = sizes[int(rng.integers(len(sizes)))]
        return {"x": draw_vec(rng, difficulty, D, nonzero=True), "h_prev": draw_vec(rng, difficulty, H, nonzero=True),
                "c_prev": draw_vec(rng, difficulty, H, nonzero=True), **draw_gated(rng, difficulty, H, D, "figo")}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = check_vec(params, "x")
        h = check_vec(params, "h_prev")
        c = check_vec(params, "c_prev", length=len(h))
        return {"x": x, "h_prev": h, "c_prev": c, **check_gated(params, "figo", len(h), len(x))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return tuple(AnswerField(k, Text(*LABELS[k]), shape="vector", decimals=4, points=POINTS[k]) for k in OUT)

    def statement(self, params: Mapping[str, Any]) -> Text:
        x, h, c = (vec_text(params[k]) for k in ("x", "h_prev", "c_prev"))
        g = gated_text(params, "figo")
        return Text(
            f"一个 LSTM 单元，每个门的矩阵都作用在拼接向量 [h_prev; x]（h 在前）上："
            f"f = σ(W_f[h;x]+b_f)，i = σ(W_i[h;x]+b_i)，g = tanh(W_g[h;x]+b_g)，o = σ(W_o[h;x]+b_o)，"
            f"c = f⊙c_prev + i⊙g，h = o⊙tanh(c)。已知 x = {x}，h_prev = {h}，c_prev = {c}；{g}。"
            f"求 f、i、g、o、c、h，结果保留 4 位小数{CARRY_ZH}。",
            f"An LSTM cell; every gate matrix acts on the concatenation [h_prev; x] (h first): "
            f"f = s(W_f[h;x] + b_f), i = s(W_i[h;x] + b_i), g = tanh(W_g[h;x] + b_g), o = s(W_o[h;x] + b_o), "
            f"c = f*c_prev + i*g, h = o*tanh(c) (elementwise products). Given x = {x}, h_prev = {h}, "
            f"c_prev = {c}; {g}. Find f, i, g, o, c and h. Give your answers to 4 decimal places{CARRY_EN}.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, b = _split(params)
        x, h, c = (np.asarray(params[k], float) for k in ("x", "h_prev", "c_prev"))
        s = lstm_cell(x, h, c, W, b)
        answer = {k: s[k].tolist() for k in OUT}
        mistakes = [Mistake(mid, label, {k: v.tolist() for k, v in cell(x, h, c).items()})
                    for mid, label, cell in _variants(W, b, h.size, x.size)]
        shown = lstm_cell_carried(x, carry(h, CARRY), carry(c, CARRY), W, b)
        return Solution(answer, _step_lines("", x, h, c, shown), mistakes,
                        carried={k: shown[k].tolist() for k in OUT})


@register
class LstmSequence(Kind):
    id = "lstm_sequence"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("LSTM 多步前向计算（综合题）", "An LSTM over a short sequence (comprehensive)")
    description = "An LSTM run over 2-3 time steps: every gate, cell state and output, step by step."
    comprehensive = True
    params_help = {
        "xs": "the inputs, one row per time step (T x D), e.g. [[1], [0.5]]",
        "h0": "the starting hidden state, a list of H numbers",
        "c0": "the starting cell state, a list of H numbers",
        **{f"W_{k}": f"H x (H+D) matrix of the {LABELS[k][1]}, acting on [h; x]" for k in GATES},
        **{f"b_{k}": f"bias of the {LABELS[k][1]}, a list of H numbers" for k in GATES},
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        sizes = SEQ_SIZES[difficulty]
        H, D, T = sizes[int(rng.integers(len(sizes)))]
        return {"xs": [draw_vec(rng, difficulty, D, nonzero=True) for _ in range(T)],
                "h0": weights(rng, difficulty, H), "c0": weights(rng, difficulty, H),
                **draw_gated(rng, difficulty, H, D, "figo")}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        xs = to_plain(need_matrix(params, "xs"))
        if not 1 <= len(xs) <= 4:
            raise ParamError("xs", f"must have 1 to 4 time steps (rows), got {len(xs)}")
        if np.any(np.abs(xs) > 100):
            raise ParamError("xs", "values must lie in [-100, 100]")
        h0 = check_vec(params, "h0")
        c0 = check_vec(params, "c0", length=len(h0))
        return {"xs": xs, "h0": h0, "c0": c0, **check_gated(params, "figo", len(h0), len(xs[0]))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return tuple(AnswerField(f"{k}_{t}", Text(f"第 {t} 步 {LABELS[k][0]}", f"step {t} {LABELS[k][1]}"),
                                 shape="vector", decimals=4, points=POINTS[k])
                     for t in range(1, len(params["xs"]) + 1) for k in OUT)

    def statement(self, params: Mapping[str, Any]) -> Text:
        T = len(params["xs"])
        g = gated_text(params, "figo")
        seq = sequence_text(params["xs"])
        h0, c0 = vec_text(params["h0"]), vec_text(params["c0"])
        return Text(
            f"LSTM 综合题。每个门的矩阵都作用在拼接向量 [h_(t-1); x_t]（h 在前）上："
            f"f = σ(W_f[h;x]+b_f)，i = σ(W_i[h;x]+b_i)，g = tanh(W_g[h;x]+b_g)，o = σ(W_o[h;x]+b_o)，"
            f"c_t = f⊙c_(t-1) + i⊙g，h_t = o⊙tanh(c_t)。参数：{g}。初始状态 h_0 = {h0}，c_0 = {c0}，"
            f"输入序列 {seq}。对每一步 t = 1..{T} 求 f_t、i_t、g_t、o_t、c_t、h_t，结果保留 4 位小数"
            f"{CARRY_ZH}。按小题分别给分。",
            f"Comprehensive LSTM question. Every gate matrix acts on the concatenation [h_(t-1); x_t] "
            f"(h first): f = s(W_f[h;x] + b_f), i = s(W_i[h;x] + b_i), g = tanh(W_g[h;x] + b_g), "
            f"o = s(W_o[h;x] + b_o), c_t = f*c_(t-1) + i*g, h_t = o*tanh(c_t) (elementwise products). "
            f"Parameters: {g}. The starting state is h_0 = {h0}, c_0 = {c0}; the inputs are {seq}. For each "
            f"step t = 1..{T} find f_t, i_t, g_t, o_t, c_t and h_t. Give your answers to 4 decimal places "
            f"{CARRY_EN.strip()}. Each quantity earns its own marks.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, b = _split(params)
        xs = np.asarray(params["xs"], float)
        h0, c0 = np.asarray(params["h0"], float), np.asarray(params["c0"], float)
        trace = lstm_sequence(xs, h0, c0, W, b)
        answer = {f"{k}_{t}": s[k].tolist() for t, s in enumerate(trace, start=1) for k in OUT}
        steps: list[Step] = []
        carried: dict[str, Any] = {}
        h, c = carry(h0, CARRY), carry(c0, CARRY)
        for t, x in enumerate(xs, start=1):
            s = lstm_cell_carried(x, h, c, W, b)
            steps += _step_lines(str(t), x, h, c, s)
            carried.update({f"{k}_{t}": s[k].tolist() for k in OUT})
            h, c = s["h"], s["c"]
        variants = _variants(W, b, h0.size, xs.shape[1])
        mistakes = [Mistake(mid, label, _run(cell, xs, h0, c0)) for mid, label, cell in variants]
        right = lambda x, h, c: lstm_cell(x, h, c, W, b)  # noqa: E731
        mistakes.append(Mistake("reset_state", Text("每一步都从 h_0、c_0 重新开始，没有传递状态",
                                                    "restarted from h_0, c_0 at every step"),
                                _run(lambda x, h, c: right(x, h0, c0), xs, h0, c0)))
        return Solution(answer, steps, mistakes, carried=carried)


def _run(cell: Cell, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    h, c = h0, c0
    for t, x in enumerate(xs, start=1):
        s = cell(x, h, c)
        h, c = s["h"], s["c"]
        out.update({f"{k}_{t}": np.asarray(s[k], float).tolist() for k in OUT})
    return out
