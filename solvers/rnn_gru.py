"""GRU, one step: the ``gru_step`` kind.

Convention (Chung et al. 2014 and most lecture notes; Cho et al. 2014, d2l and PyTorch write
z*h_prev + (1-z)*h~ instead, with z's meaning flipped; see solvers/rnn_cells.py)::

    r = s(W_r[h; x] + b_r)    z = s(W_z[h; x] + b_z)    h~ = tanh(W_h[r*h; x] + b_h)
    h_t = (1 - z)*h_prev + z*h~

PyTorch's ``nn.GRU`` writes h_t = (1 - z)*h~ + z*h_prev, the roles of z and 1 - z swapped; using
it here is a named mistake.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, Solution, Step, Text, register
from solvers._rounding import carry_list, exact_affine, fraction
from solvers.act_functions import sigmoid
from solvers.rnn_cells import CARRY, CARRY_EN, CARRY_ZH, check_gated, check_vec, draws_gated, gated_text
from solvers.train_numbers import Draws, vec_carried, vec_rounded, vec_text

SIZES = {"easy": [(1, 1)], "medium": [(1, 2), (2, 1)], "hard": [(2, 2)]}  # (H, D)
OUT = ("r", "z", "h_tilde", "h")
LABELS = {"r": ("重置门 r", "reset gate r"), "z": ("更新门 z", "update gate z"),
          "h_tilde": ("候选状态 h~", "candidate state h~"), "h": ("新的隐藏状态 h", "new hidden state h")}
POINTS = {"r": 1.0, "z": 1.0, "h_tilde": 1.0, "h": 2.0}


def gru_cell_carried(x: list[float], h: list[float], W, b, places: int = CARRY) -> dict[str, list[float]]:
    """One GRU step as the worked steps show it: every shown value ([h; x], the pre-activations,
    r, z, r*h, h~ and h) rounded half up to ``places`` and used rounded from then on. Its r, z, h~
    and h are the *carried* key (see solvers/_rounding.py): from unrounded values a student
    carrying 6 places was marked wrong in 0.6% of items, 3% if the 4-place answer is rounded from
    the written 6-place value (measured). ``raw`` holds each value before its rounding (for how
    many places the steps write: 0.733020 was rounded, 1.01 is exact). Lists, with NumPy only for
    the products and tanh (the same operations as the array form: the same bits)."""
    H = len(h)
    raw: dict[str, list[float]] = {}
    hx = carry_list(h + x, places)
    hx_arr = np.array(hx)
    # sums of products can cancel to a float just off an exact ...5: those ties are decided exactly
    rows = {k: W[k].tolist() for k in "rzh"}
    bl = {k: b[k].tolist() for k in "rzh"}

    def affine(k: str, v: list[float], value: list[float]) -> list[float]:
        return carry_list(value, places, lambda i: exact_affine(rows[k][i], v, bl[k][i]))

    raw["pre_r"], raw["pre_z"] = (W["r"] @ hx_arr + b["r"]).tolist(), (W["z"] @ hx_arr + b["z"]).tolist()
    pre_r, pre_z = affine("r", hx, raw["pre_r"]), affine("z", hx, raw["pre_z"])
    gates = sigmoid(np.array(pre_r + pre_z)).tolist()  # elementwise: one call for both gates
    raw["r"], raw["z"] = gates[:H], gates[H:]
    r, z = carry_list(raw["r"], places), carry_list(raw["z"], places)
    raw["rh"] = [ri * hi for ri, hi in zip(r, hx)]
    rhx = carry_list(raw["rh"], places) + hx[H:]
    raw["pre_h"] = (W["h"] @ np.array(rhx) + b["h"]).tolist()
    pre_h = affine("h", rhx, raw["pre_h"])
    raw["h_tilde"] = np.tanh(pre_h).tolist()
    h_tilde = carry_list(raw["h_tilde"], places)
    raw["h"] = [(1 - zi) * hi + zi * ti for zi, hi, ti in zip(z, hx, h_tilde)]
    h_new = carry_list(raw["h"], places, lambda i: (1 - fraction(z[i])) * fraction(hx[i])
                       + fraction(z[i]) * fraction(h_tilde[i]))
    return {"hx": hx, "pre_r": pre_r, "pre_z": pre_z, "r": r, "z": z, "rhx": rhx, "pre_h": pre_h,
            "h_tilde": h_tilde, "h": h_new, "raw": raw}



@register
class GruStep(Kind):
    id = "gru_step"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("GRU 单步计算", "One GRU step")
    description = "One GRU step (h = (1-z)*h_prev + z*h~, stated): reset and update gates, candidate, new state."
    params_help = {
        "x": "the input x_t, a list of D numbers",
        "h_prev": "the previous hidden state, a list of H numbers",
        "W_r": "H x (H+D) reset-gate matrix acting on [h_prev; x]",
        "W_z": "H x (H+D) update-gate matrix acting on [h_prev; x]",
        "W_h": "H x (H+D) candidate matrix acting on [r*h_prev; x]",
        "b_r": "reset-gate bias (H numbers)", "b_z": "update-gate bias (H numbers)",
        "b_h": "candidate bias (H numbers)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d = Draws(rng)  # one batch of draws: rng.integers costs more than the rest of the drawing
        H, D = d.choice(SIZES[difficulty])
        return {"x": d.nonzero(difficulty, D), "h_prev": d.nonzero(difficulty, H), **draws_gated(d, difficulty, H, D, "rzh")}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = check_vec(params, "x")
        h = check_vec(params, "h_prev")
        return {"x": x, "h_prev": h, **check_gated(params, "rzh", len(h), len(x))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return tuple(AnswerField(k, Text(*LABELS[k]), shape="vector", decimals=4, points=POINTS[k]) for k in OUT)

    def statement(self, params: Mapping[str, Any]) -> Text:
        x, h = vec_text(params["x"]), vec_text(params["h_prev"])
        g = gated_text(params, "rzh")
        return Text(
            f"一个 GRU 单元（按下式计算）：r = σ(W_r[h;x]+b_r)，z = σ(W_z[h;x]+b_z)，"
            f"h~ = tanh(W_h[r⊙h; x]+b_h)，h_t = (1-z)⊙h_prev + z⊙h~，其中 [h; x] 是 h_prev 在前的拼接。"
            f"已知 x = {x}，h_prev = {h}；{g}。求 r、z、h~ 和 h_t，结果保留 4 位小数{CARRY_ZH}。",
            f"A GRU cell, computed as follows: r = s(W_r[h;x] + b_r), z = s(W_z[h;x] + b_z), "
            f"h~ = tanh(W_h[r*h; x] + b_h), h_t = (1 - z)*h_prev + z*h~, where [h; x] stacks h_prev above x "
            f"and * is elementwise. Given x = {x}, h_prev = {h}; {g}. Find r, z, h~ and h_t. Give your "
            f"answers to 4 decimal places{CARRY_EN}.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W = {k: np.asarray(params[f"W_{k}"], float) for k in "rzh"}
        b = {k: np.asarray(params[f"b_{k}"], float) for k in "rzh"}
        x, h = np.asarray(params["x"], float), np.asarray(params["h_prev"], float)
        H = h.size
        # gru_cell's operations, shared with the slips (the same bits): r and z once (the swapped
        # gates are the same two values), the three candidates of the answer and two slips in one
        # tanh call (elementwise)
        hx = np.concatenate([h, x])
        rz = sigmoid(np.concatenate([W["r"] @ hx + b["r"], W["z"] @ hx + b["z"]]))
        r, z = rz[:H], rz[H:]
        pre_h = W["h"] @ np.concatenate([r * h, x]) + b["h"]
        cands = np.tanh(np.concatenate([pre_h, W["h"] @ np.concatenate([z * h, x]) + b["h"], W["h"] @ hx + b["h"],
                                        0.5 * pre_h])).tolist()
        ht, ht_swapped, no_reset = cands[:H], cands[H:2 * H], cands[2 * H:3 * H]
        sig_cand = [0.5 + 0.5 * t for t in cands[3 * H:]]  # act_functions.sigmoid of pre_h
        rl, zl, hl = r.tolist(), z.tolist(), h.tolist()

        def blend(gate: list[float], cand: list[float]) -> list[float]:  # (1 - gate)*h + gate*cand
            return [(1 - g) * hi + g * ci for g, hi, ci in zip(gate, hl, cand)]

        answer = {"r": rl, "z": zl, "h_tilde": ht, "h": blend(zl, ht)}
        c = gru_cell_carried(x.tolist(), h.tolist(), W, b)
        raw = c["raw"]

        def shown(k: str, raw_k: str | None = None) -> str:
            return vec_rounded(c[k], raw[raw_k or k], CARRY)

        z_text = shown("z")
        steps = [
            Step("拼接 [h_prev; x]。", "Stack [h_prev; x].", f"[h; x] = {vec_carried(c['hx'], CARRY)}"),
            Step("重置门 r = σ(W_r[h;x] + b_r)。", "Reset gate r = s(W_r[h;x] + b_r).",
                 f"W_r[h;x] + b_r = {shown('pre_r')};  r = {shown('r')}"),
            Step("更新门 z = σ(W_z[h;x] + b_z)。", "Update gate z = s(W_z[h;x] + b_z).",
                 f"W_z[h;x] + b_z = {shown('pre_z')};  z = {z_text}"),
            Step("候选状态：先用 r 重置旧状态，再取 tanh。", "Candidate: reset the old state with r, then tanh.",
                 f"[r*h; x] = {vec_rounded(c['rhx'], raw['rh'] + c['rhx'][H:], CARRY)};  "
                 f"W_h[r*h; x] + b_h = {shown('pre_h')};  h~ = {shown('h_tilde')}"),
            Step("新状态：按 z 在旧状态和候选之间插值。", "New state: blend the old state and the candidate by z.",
                 f"h_t = (1 - {z_text})*{vec_carried(c['hx'][:H], CARRY)} + "
                 f"{z_text}*{shown('h_tilde')} = {shown('h')}"),
        ]
        mistakes = [
            Mistake("pytorch_update_convention", Text("用了另一种写法 h = z·h_prev + (1-z)·h~（Cho 原文/PyTorch），与题目给的公式相反",
                                                      "used the other form h = z*h_prev + (1-z)*h~ (Cho's paper, PyTorch), not the one given"),
                    {"h": [zi * hi + (1 - zi) * ti for zi, hi, ti in zip(zl, hl, ht)]}),
            Mistake("forgot_reset", Text("候选状态里没有乘重置门 r", "left the reset gate out of the candidate"),
                    {"h_tilde": no_reset, "h": blend(zl, no_reset)}),
            Mistake("gates_swapped", Text("重置门和更新门的角色弄反了", "swapped the roles of the reset and update gates"),
                    {"h_tilde": ht_swapped, "h": blend(rl, ht_swapped)}),
            Mistake("sigmoid_candidate", Text("候选状态用了 sigmoid 而不是 tanh", "used sigmoid for the candidate"),
                    {"h_tilde": sig_cand, "h": blend(zl, sig_cand)}),
        ]
        return Solution(answer, steps, mistakes, carried={k: c[k] for k in OUT})
