"""The zero padding that gives a convolution a wanted output size ("same" padding and beyond).

From the output-size formula (cs231n; PyTorch ``Conv2d`` docs)::

    O = floor((W + 2P - F') / S) + 1,     F' = D*(F-1) + 1

the smallest P >= 0 with this O is  P = ceil(((O-1)*S + F' - W) / 2), provided it does not
overshoot (W + 2P - F' < O*S). For stride 1 and odd F, keeping the size ("same") needs
P = (F-1)/2; an even F has no symmetric "same" padding.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_int, register,
)
from solvers.cnn_conv_output import conv_output_size
from solvers.train_numbers import a_or_an

# Named difficulty ranges: input sizes, kernel sizes, strides, true paddings, dilations, and how
# often the item is the plain "same" question (stride 1, output = input).
RANGES = {
    "easy": dict(W=(8, 16, 28, 32, 64, 224), F=(3, 5, 7), S=(1,), P=(0, 1, 2, 3), D=(1,), same=0.7),
    "medium": dict(W=(13, 28, 32, 56, 64, 100), F=(3, 5, 7, 9, 11), S=(1, 2), P=(0, 1, 2, 3, 4, 5), D=(1,),
                   same=0.3),
    "hard": dict(W=(15, 27, 33, 55, 65, 97), F=(3, 5, 7), S=(1, 2, 3), P=(0, 1, 2, 3, 4, 6), D=(1, 2, 3),
                 same=0.2),
}


def padding_for_output(input_size: int, kernel_size: int, output_size: int, stride: int = 1,
                       dilation: int = 1) -> int | None:
    """The smallest padding P >= 0 giving ``output_size``, or None if no padding does.

    >>> padding_for_output(32, 5, 32)        # "same" at stride 1: (5-1)/2
    2
    >>> padding_for_output(32, 4, 32) is None  # even kernel: no symmetric "same" padding
    True
    """
    if min(input_size, kernel_size, output_size, stride, dilation) < 1:
        raise ValueError("sizes, stride and dilation must be at least 1")
    eff = dilation * (kernel_size - 1) + 1
    need = (output_size - 1) * stride + eff - input_size  # 2P must be at least this
    P = max(0, -(-need // 2))
    if input_size + 2 * P - eff >= output_size * stride:  # overshoots: one window too many
        return None
    return P


@register
class SamePadding(Kind):
    id = "same_padding"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("求填充量（same 填充）", "Padding for a given output size (same padding)")
    description = "The zero padding P that keeps the size ('same') or gives a requested output size."
    params_help = {
        "input_size": "input width/height W, a whole number >= 1",
        "kernel_size": "kernel size F, a whole number >= 1",
        "output_size": "the wanted output size O, a whole number >= 1 (O = W for 'same')",
        "stride": "stride S, a whole number >= 1 (default 1)",
        "dilation": "dilation D, a whole number >= 1 (default 1)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            W, F = int(rng.choice(r["W"])), int(rng.choice(r["F"]))
            if rng.random() < r["same"]:
                if F % 2 == 1:
                    return dict(input_size=W, kernel_size=F, output_size=W, stride=1, dilation=1)
                continue
            S, P, D = int(rng.choice(r["S"])), int(rng.choice(r["P"])), int(rng.choice(r["D"]))
            eff = D * (F - 1) + 1
            if P >= eff or eff > W + 2 * P:
                continue
            O = conv_output_size(W, F, P, S, D)
            return dict(input_size=W, kernel_size=F, output_size=O, stride=S, dilation=D)

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = dict(
            input_size=need_int(params, "input_size", minimum=1),
            kernel_size=need_int(params, "kernel_size", minimum=1),
            output_size=need_int(params, "output_size", minimum=1),
            stride=need_int(params, "stride", minimum=1, default=1),
            dilation=need_int(params, "dilation", minimum=1, default=1),
        )
        if padding_for_output(*(p[k] for k in ("input_size", "kernel_size", "output_size", "stride",
                                                "dilation"))) is None:
            raise ParamError("output_size", f"no padding gives an output of {p['output_size']} here "
                             f"(the next padding jumps past it; an even kernel cannot keep the size)")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("padding", Text("每侧填充量 P", "padding P on each side"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, F, O, S, D = (params[k] for k in ("input_size", "kernel_size", "output_size", "stride", "dilation"))
        dil_zh = f"，扩张率为 {D}" if D != 1 else ""
        dil_en = f", dilation {D}" if D != 1 else ""
        if O == W and S == 1:
            want_zh, want_en = f"使输出尺寸保持 {W}×{W} 不变（same 填充）", f"the output stays {W}x{W} ('same' padding)"
        else:
            want_zh, want_en = f"使输出为 {O}×{O}", f"the output is {O}x{O}"
        return Text(
            f"输入特征图为 {W}×{W}，卷积核 {F}×{F}，步幅 {S}{dil_zh}。每侧需要零填充多少，才能{want_zh}？"
            f"（输出尺寸向下取整；若有多个答案，给出最小的 P。）",
            f"{a_or_an(W, True)} {W}x{W} input is convolved with {a_or_an(F)} {F}x{F} kernel at stride {S}{dil_en}. How much zero "
            f"padding P on each side is needed so that {want_en}? (Output sizes round down; if several P work, "
            f"give the smallest.)",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, F, O, S, D = (params[k] for k in ("input_size", "kernel_size", "output_size", "stride", "dilation"))
        eff = D * (F - 1) + 1
        P = padding_for_output(W, F, O, S, D)
        if P is None:
            raise ParamError("output_size", f"no padding gives an output of {O}")
        need = (O - 1) * S + eff - W
        steps = []
        if D != 1:
            steps.append(Step("等效核大小 F' = D(F-1)+1。", "Effective kernel F' = D(F-1)+1.",
                              f"F' = {D}*({F}-1)+1 = {eff}"))
        if S == 1:
            steps.append(Step("步幅为 1 时 O = W + 2P - F' + 1，解出 P = (O - W + F' - 1)/2。",
                              "At stride 1, O = W + 2P - F' + 1, so P = (O - W + F' - 1)/2.",
                              f"P = ({O} - {W} + {eff} - 1)/2 = {P}"))
        else:
            steps.append(Step("需要 W + 2P - F' ≥ (O-1)S，取最小的整数 P = ⌈((O-1)S + F' - W)/2⌉。",
                              "We need W + 2P - F' >= (O-1)S; the smallest whole P is "
                              "ceil(((O-1)S + F' - W)/2).",
                              f"P = ceil((({O}-1)*{S} + {eff} - {W})/2) = ceil({need}/2) = {P}"))
        steps.append(Step("验算输出尺寸。", "Check the output size.",
                          f"floor(({W} + 2*{P} - {eff})/{S}) + 1 = {conv_output_size(W, F, P, S, D)}"))
        mistakes = [
            Mistake("forgot_halving", Text("忘了除以 2（两侧都要填充）", "forgot to halve (padding goes on both sides)"),
                    {"padding": max(0, need)}),
            # at stride 1 the shown formula has no S: name the slip as the student would see it
            Mistake("dropped_minus_one", Text("把 (O-1)S 写成了 OS", "used O*S instead of (O-1)*S") if S != 1
                    else Text("漏了公式里的 -1（用了 O 而不是 O-1）", "dropped the -1 (used O instead of O-1)"),
                    {"padding": max(0, -(-(O * S + eff - W) // 2))}),
        ]
        if S != 1:
            mistakes.append(Mistake("ignored_stride", Text("忽略了步幅", "ignored the stride"),
                                    {"padding": max(0, -(-(O - 1 + eff - W) // 2))}))
        if D != 1:
            mistakes.append(Mistake("ignored_dilation", Text("忽略了扩张率", "ignored the dilation"),
                                    {"padding": max(0, -(-((O - 1) * S + F - W) // 2))}))
        return Solution({"padding": P}, steps, mistakes)
