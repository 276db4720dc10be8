"""LSTM: one step (``lstm_step``, a fixed interface other tools rely on) and a short sequence
(``lstm_sequence``, a comprehensive item with partial credit per quantity).

Every gate matrix W_f, W_i, W_g, W_o acts on the concatenation [h_prev; x] (h first)::

    f = s(W_f[h;x] + b_f)  i = s(W_i[h;x] + b_i)  g = tanh(W_g[h;x] + b_g)  o = s(W_o[h;x] + b_o)
    c = f*c_prev + i*g     h = o*tanh(c)          (see solvers/rnn_cells.py for sources)

solvers/rnn_lstm_runs.py works every run a problem needs (right, carried, the slips) in lockstep.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_matrix, register
from solvers.rnn_cells import CARRY, CARRY_EN, CARRY_ZH, GATES, check_gated, check_vec, draws_gated, gated_text, sequence_text
from solvers.rnn_lstm_runs import SLIPS, lstm_runs
from solvers.train_numbers import Draws, carried_floats, to_plain, vec_text

STEP_SIZES = {"easy": [(1, 1)], "medium": [(1, 2), (2, 1)], "hard": [(2, 2)]}  # (H, D)
SEQ_SIZES = {"easy": [(1, 1, 2)], "medium": [(1, 1, 3), (1, 2, 2)], "hard": [(2, 1, 2), (1, 2, 3)]}  # (H, D, T)
OUT = ("f", "i", "g", "o", "c", "h")
POINTS = {"f": 1.0, "i": 1.0, "g": 1.0, "o": 1.0, "c": 2.0, "h": 2.0}
LABELS = {"f": ("遗忘门 f", "forget gate f"), "i": ("输入门 i", "input gate i"), "g": ("候选值 g", "candidate g"),
          "o": ("输出门 o", "output gate o"), "c": ("细胞状态 c", "cell state c"), "h": ("隐藏状态 h", "hidden state h")}

SLIP_LABELS = {
    "forget_input_swapped": Text("遗忘门和输入门用反了：c = i·c_prev + f·g", "swapped the forget and input gates: "
                                 "c = i*c_prev + f*g"),
    "sigmoid_for_g": Text("候选值 g 用了 sigmoid 而不是 tanh", "used sigmoid for the candidate g"),
    "h_without_tanh": Text("h = o·c，忘了对 c 取 tanh", "took h = o*c without the tanh"),
    "forgot_c_prev": Text("忘了 f·c_prev 项：c = i·g", "left out f*c_prev: c = i*g"),
    # the reversed concatenation only fits when the two parts have the same size
    "concat_order": Text("拼接顺序弄反了：用了 [x; h]", "concatenated [x; h] instead of [h; x]"),
    "reset_state": Text("每一步都从 h_0、c_0 重新开始，没有传递状态", "restarted from h_0, c_0 at every step"),
}


def _gated(params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return {k: params[f"W_{k}"] for k in GATES}, {k: params[f"b_{k}"] for k in GATES}


def _step_lines(t: str, s: Mapping[str, Any]) -> list[Step]:
    # every value is shown to CARRY places and the next is computed from the shown one (the
    # "carried" run of lstm_runs): from 4-place gates the 4-place c and h came out different in
    # 12-26% of items (measured), and from unrounded ones a student carrying 6 places was marked wrong
    v = {k: _vec(s[k]) for k in ("hx", "c_prev", *OUT)}
    words = _words(t)
    math = [f"[h; x] = {v['hx']}"]
    math += [f"W_{k}[h; x] + b_{k} = {_vec(s['pre'][k])};  {k}{words[0]} = {v[k]}" for k in GATES]
    math.append(f"c{words[0]} = {v['f']}*{v['c_prev']} + {v['i']}*{v['g']} = {v['c']}")
    math.append(f"h{words[0]} = {v['o']}*tanh({v['c']}) = {v['h']}")
    return [Step(zh, en, m) for (zh, en), m in zip(words[1], math)]


def _vec(values: list[float]) -> str:
    return carried_floats(values, CARRY)


@functools.lru_cache(maxsize=8)
def _words(t: str) -> tuple[str, list[tuple[str, str]]]:
    """The suffix of step ``t``'s names and the words of its lines (the same in every problem)."""
    lines = [(f"拼接 [h_prev; x]{'（第 ' + t + ' 步）' if t else ''}。",
              f"Concatenate [h_prev; x]{' (step ' + t + ')' if t else ''}.")]
    for k, act in (("f", "s"), ("i", "s"), ("g", "tanh"), ("o", "s")):
        lines.append((f"{LABELS[k][0]} = {'σ' if act == 's' else 'tanh'}(W_{k}[h; x] + b_{k})。",
                      f"{LABELS[k][1]} = {act}(W_{k}[h; x] + b_{k})."))
    lines.append(("细胞状态：c = f·c_prev + i·g（逐元素）。", "Cell state: c = f*c_prev + i*g (elementwise)."))
    lines.append(("输出：h = o·tanh(c)。", "Output: h = o*tanh(c)."))
    return (f"_{t}" if t else ""), lines


# The fields depend on the number of steps only: made once (frozen dataclasses, safe to share)
@functools.lru_cache(maxsize=1)
def _step_fields() -> tuple[AnswerField, ...]:
    return tuple(AnswerField(k, Text(*LABELS[k]), shape="vector", decimals=4, points=POINTS[k]) for k in OUT)


@functools.lru_cache(maxsize=8)
def _sequence_fields(T: int) -> tuple[AnswerField, ...]:
    return tuple(AnswerField(f"{k}_{t}", Text(f"第 {t} 步 {LABELS[k][0]}", f"step {t} {LABELS[k][1]}"),
                             shape="vector", decimals=4, points=POINTS[k])
                 for t in range(1, T + 1) for k in OUT)


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
        d = Draws(rng)
        H, D = d.choice(STEP_SIZES[difficulty])
        return {"x": d.nonzero(difficulty, D), "h_prev": d.nonzero(difficulty, H), "c_prev": d.nonzero(difficulty, H),
                **draws_gated(d, difficulty, H, D, "figo")}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = check_vec(params, "x")
        h = check_vec(params, "h_prev")
        c = check_vec(params, "c_prev", length=len(h))
        return {"x": x, "h_prev": h, "c_prev": c, **check_gated(params, "figo", len(h), len(x))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _step_fields()

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
        runs = lstm_runs(*_gated(params), [params["x"]], params["h_prev"], params["c_prev"])
        answer = {k: runs["right"][0][k] for k in OUT}
        mistakes = [Mistake(name, SLIP_LABELS[name], {k: runs[name][0][k] for k in OUT})
                    for name in SLIPS if name in runs]
        shown = runs["carried"][0]
        # the lines show the given h_prev and c_prev (to 6 places); the carried run starts from them rounded
        given = {**shown, "hx": [*map(float, params["h_prev"]), *map(float, params["x"])],
                 "c_prev": [float(v) for v in params["c_prev"]]}
        return Solution(answer, _step_lines("", given), mistakes, carried={k: shown[k] for k in OUT})


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
        d = Draws(rng)
        H, D, T = d.choice(SEQ_SIZES[difficulty])
        return {"xs": [d.nonzero(difficulty, D) for _ in range(T)], "h0": d.weights(difficulty, H),
                "c0": d.weights(difficulty, H), **draws_gated(d, difficulty, H, D, "figo")}

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
        return _sequence_fields(len(params["xs"]))

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
        runs = lstm_runs(*_gated(params), params["xs"], params["h0"], params["c0"], reset=True)
        steps: list[Step] = []
        for t, s in enumerate(runs["carried"], start=1):
            steps += _step_lines(str(t), s)
        names = [name for name in SLIPS if name in runs] + ["reset_state"]
        mistakes = [Mistake(name, SLIP_LABELS[name], _keyed(runs[name])) for name in names]
        return Solution(_keyed(runs["right"]), steps, mistakes, carried=_keyed(runs["carried"]))


def _keyed(trace: list[Mapping[str, Any]]) -> dict[str, Any]:
    """f_1, i_1, ..., h_T: the fields of a sequence from its steps."""
    return dict(zip(_key_names(len(trace)), [s[k] for s in trace for k in OUT]))


@functools.lru_cache(maxsize=8)
def _key_names(T: int) -> tuple[str, ...]:
    return tuple(f"{k}_{t}" for t in range(1, T + 1) for k in OUT)
