"""Output size of a convolution along one spatial axis.

Formula (cs231n; PyTorch ``Conv2d`` docs)::

    O = floor((W - D*(F-1) - 1 + 2P) / S) + 1        with D = 1:  floor((W - F + 2P) / S) + 1

where W is the input size, F the kernel size, P the padding on each side, S the stride and D the
dilation (the effective kernel is D*(F-1)+1 wide).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_int, register,
)
from solvers.train_numbers import a_or_an

# Named difficulty ranges: (input sizes, kernel sizes, paddings, strides, dilations).
RANGES = {
    "easy": dict(W=(5, 8, 16, 28, 32), F=(1, 3, 5), P=(0, 1, 2), S=(1, 2), D=(1,)),
    "medium": dict(W=(13, 27, 32, 56, 64, 100, 224), F=(3, 5, 7), P=(0, 1, 2, 3), S=(1, 2, 3), D=(1, 2)),
    "hard": dict(W=(37, 55, 97, 128, 227, 224, 300), F=(3, 5, 7, 11), P=(0, 1, 2, 3, 5), S=(2, 3, 4), D=(1, 2, 3)),
}


def conv_output_size(input_size: int, kernel_size: int, padding: int = 0, stride: int = 1,
                     dilation: int = 1) -> int:
    """Spatial output size of a convolution (floor convention, as PyTorch and the course).

    >>> conv_output_size(32, 5, padding=1, stride=1)
    30
    >>> conv_output_size(7, 3, padding=0, stride=2, dilation=2)
    2
    """
    effective = dilation * (kernel_size - 1) + 1
    span = input_size + 2 * padding - effective
    if span < 0:
        raise ValueError(
            f"the effective kernel ({effective}) is larger than the padded input "
            f"({input_size + 2 * padding})")
    # Python's // floors, which is what the frameworks do with a partial last window.
    return span // stride + 1


@register
class ConvOutput(Kind):
    id = "conv_output"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("卷积输出尺寸", "Convolution output size")
    description = "Output size of a convolution with padding, stride and dilation."
    params_help = {
        "input_size": "input width/height W, a whole number >= 1",
        "kernel_size": "kernel size F, a whole number >= 1",
        "padding": "zero padding P on each side, a whole number >= 0 (default 0)",
        "stride": "stride S, a whole number >= 1 (default 1)",
        "dilation": "dilation D, a whole number >= 1 (default 1)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            p = dict(
                input_size=int(rng.choice(r["W"])), kernel_size=int(rng.choice(r["F"])),
                padding=int(rng.choice(r["P"])), stride=int(rng.choice(r["S"])),
                dilation=int(rng.choice(r["D"])),
            )
            eff = p["dilation"] * (p["kernel_size"] - 1) + 1
            # exam-sized: the window fits, and padding is smaller than the kernel
            if eff <= p["input_size"] + 2 * p["padding"] and p["padding"] < eff:
                # easy items divide exactly (no floor needed)
                if difficulty != "easy" or (p["input_size"] + 2 * p["padding"] - eff) % p["stride"] == 0:
                    return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = dict(
            input_size=need_int(params, "input_size", minimum=1),
            kernel_size=need_int(params, "kernel_size", minimum=1),
            padding=need_int(params, "padding", minimum=0, default=0),
            stride=need_int(params, "stride", minimum=1, default=1),
            dilation=need_int(params, "dilation", minimum=1, default=1),
        )
        eff = p["dilation"] * (p["kernel_size"] - 1) + 1
        if eff > p["input_size"] + 2 * p["padding"]:
            raise ParamError("kernel_size", f"the effective kernel ({eff}) must fit in the padded "
                             f"input ({p['input_size'] + 2 * p['padding']})")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output_size", Text("输出尺寸", "output size"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, F, P, S, D = (params[k] for k in ("input_size", "kernel_size", "padding", "stride", "dilation"))
        dil_zh = f"，扩张率（dilation）为 {D}" if D != 1 else ""
        dil_en = f", dilation {D}" if D != 1 else ""
        return Text(
            f"输入特征图大小为 {W}×{W}，卷积核大小为 {F}×{F}，每侧零填充 {P}，步幅 {S}{dil_zh}。"
            f"求输出特征图的边长（向下取整）。",
            f"An input feature map is {W}x{W}. {a_or_an(F, True)} {F}x{F} convolution is applied with zero padding "
            f"{P} on each side and stride {S}{dil_en}. What is the side length of the output "
            f"(rounding down)?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, F, P, S, D = (params[k] for k in ("input_size", "kernel_size", "padding", "stride", "dilation"))
        eff = D * (F - 1) + 1
        out = conv_output_size(W, F, P, S, D)
        steps = []
        if D != 1:
            steps.append(Step("空洞卷积的等效核大小 F' = D(F-1)+1。",
                              "A dilated kernel covers F' = D(F-1)+1 pixels.",
                              f"F' = {D}*({F}-1)+1 = {eff}"))
        k = "F'" if D != 1 else "F"  # F' is only introduced (and only differs) with dilation
        steps.append(Step(f"输出尺寸 O = ⌊(W - {k} + 2P)/S⌋ + 1。",
                          f"Output size O = floor((W - {k} + 2P)/S) + 1.",
                          f"O = floor(({W} - {eff} + 2*{P})/{S}) + 1 = "
                          f"floor({W - eff + 2 * P}/{S}) + 1 = {out}"))
        mistakes = [
            Mistake("forgot_plus_one", Text("忘了 +1", "forgot the +1"),
                    {"output_size": (W - eff + 2 * P) // S}),
            Mistake("single_padding", Text("只加了一次填充（用了 P 而不是 2P）", "used P instead of 2P"),
                    {"output_size": (W - eff + P) // S + 1}),
            Mistake("ceil_not_floor", Text("向上取整而不是向下取整", "rounded up instead of down"),
                    {"output_size": -((-(W - eff + 2 * P)) // S) + 1}),
        ]
        if D != 1:
            mistakes.append(Mistake("ignored_dilation", Text("忽略了扩张率", "ignored the dilation"),
                                    {"output_size": (W - F + 2 * P) // S + 1}))
        return Solution({"output_size": out}, steps, mistakes)
