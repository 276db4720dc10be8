"""Output size of a pooling layer along one spatial axis.

Formula (cs231n "Pooling layer"; PyTorch ``MaxPool2d`` docs with ``ceil_mode=False``)::

    O = floor((W + 2P - F) / S) + 1

where W is the input size, F the pooling window, S the stride and P the padding on each side.
Frameworks also offer ``ceil_mode=True`` (round up, keeping a partial last window); the course
uses the floor convention, which is also the frameworks' default.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_int, register,
)
from solvers.train_numbers import a_or_an

# Named difficulty ranges: input sizes, (window, stride) pairs, paddings.
RANGES = {
    "easy": dict(W=(4, 6, 8, 9, 12, 16, 24, 32, 56, 64, 112, 224), FS=((2, 2), (2, 2), (3, 3), (4, 4)),
                 P=(0,)),
    "medium": dict(W=(6, 12, 13, 27, 28, 55, 56, 64, 112), FS=((2, 2), (3, 2), (3, 1), (2, 1), (3, 3)),
                   P=(0, 1)),
    "hard": dict(W=(13, 15, 27, 31, 55, 57, 75, 111, 147), FS=((3, 2), (2, 2), (3, 3), (5, 2), (4, 3)),
                 P=(0, 1, 2)),
}


def pool_output_size(input_size: int, kernel_size: int, stride: int | None = None,
                     padding: int = 0) -> int:
    """Spatial output size of max/average pooling (floor convention, PyTorch's default).

    Parameters
    ----------
    input_size : W, the side of the input feature map.
    kernel_size : F, the side of the pooling window.
    stride : S; defaults to ``kernel_size`` (non-overlapping windows), as in PyTorch.
    padding : P on each side.

    >>> pool_output_size(224, 2, 2)
    112
    >>> pool_output_size(55, 3, 2)   # AlexNet's overlapping pooling
    27
    """
    stride = kernel_size if stride is None else stride
    if kernel_size < 1 or stride < 1 or padding < 0:
        raise ValueError(f"need kernel_size >= 1, stride >= 1, padding >= 0; got "
                         f"{kernel_size}, {stride}, {padding}")
    span = input_size + 2 * padding - kernel_size
    if span < 0:
        raise ValueError(f"the pooling window ({kernel_size}) is larger than the padded input "
                         f"({input_size + 2 * padding})")
    return span // stride + 1


@register
class PoolOutput(Kind):
    id = "pool_output"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("池化输出尺寸", "Pooling output size")
    description = "Output size of a max/average pooling layer (window, stride, padding; floor)."
    params_help = {
        "input_size": "input width/height W, a whole number >= 1",
        "kernel_size": "pooling window F, a whole number >= 1",
        "stride": "stride S, a whole number >= 1 (default: the window size)",
        "padding": "padding P on each side, 0 <= P <= F/2 (default 0)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            F, S = (int(v) for v in r["FS"][int(rng.integers(len(r["FS"])))])
            p = dict(input_size=int(rng.choice(r["W"])), kernel_size=F, stride=S,
                     padding=int(rng.choice(r["P"])))
            span = p["input_size"] + 2 * p["padding"] - F
            if span < 0 or 2 * p["padding"] > F:
                continue
            exact = span % S == 0
            if difficulty == "easy" and not exact:
                continue
            # hard items mostly need the floor
            if difficulty == "hard" and exact and rng.random() < 0.6:
                continue
            return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        F = need_int(params, "kernel_size", minimum=1)
        p = dict(
            input_size=need_int(params, "input_size", minimum=1),
            kernel_size=F,
            stride=need_int(params, "stride", minimum=1, default=F),
            padding=need_int(params, "padding", minimum=0, default=0),
        )
        if 2 * p["padding"] > F:
            raise ParamError("padding", f"must be at most half the window ({F}/2), got {p['padding']}")
        if F > p["input_size"] + 2 * p["padding"]:
            raise ParamError("kernel_size", f"the window ({F}) must fit in the padded input "
                             f"({p['input_size'] + 2 * p['padding']})")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output_size", Text("输出尺寸", "output size"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, F, S, P = (params[k] for k in ("input_size", "kernel_size", "stride", "padding"))
        pad_zh = f"，每侧填充 {P}" if P else ""
        pad_en = f", padding {P} on each side" if P else ", no padding"
        return Text(
            f"输入特征图大小为 {W}×{W}，经过窗口 {F}×{F}、步幅 {S} 的最大池化{pad_zh}。"
            f"求输出特征图的边长（向下取整，即 ceil_mode=False）。",
            f"{a_or_an(W, True)} {W}x{W} feature map goes through {F}x{F} max pooling with stride {S}{pad_en}. "
            f"What is the side length of the output (round down, i.e. ceil_mode=False)?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, F, S, P = (params[k] for k in ("input_size", "kernel_size", "stride", "padding"))
        out = pool_output_size(W, F, S, P)
        span = W + 2 * P - F
        steps = [
            Step("池化层与卷积层用同一个尺寸公式（无参数）：O = ⌊(W + 2P - F)/S⌋ + 1。",
                 "Pooling uses the same size formula as a convolution (and has no weights): "
                 "O = floor((W + 2P - F)/S) + 1.",
                 f"O = floor(({W} + 2*{P} - {F})/{S}) + 1 = floor({span}/{S}) + 1 = {out}"),
        ]
        if span % S:
            steps.append(Step("不能整除：最后一个不完整的窗口被丢弃（向下取整）。",
                              "Not an exact division: the last partial window is dropped (floor).",
                              f"{span}/{S} = {span / S:.4g} -> {span // S}"))
        mistakes = [
            Mistake("forgot_plus_one", Text("忘了 +1", "forgot the +1"), {"output_size": span // S}),
            Mistake("ceil_not_floor", Text("向上取整（ceil_mode）而不是向下取整",
                                           "rounded up (ceil_mode) instead of down"),
                    {"output_size": -(-span // S) + 1}),
            Mistake("divided_by_stride", Text("直接用 W/S，忽略了窗口大小", "took W/S, ignoring the window"),
                    {"output_size": (W + 2 * P) // S}),
        ]
        if S != F:
            mistakes.append(Mistake("kernel_as_stride", Text("把窗口大小当成了步幅", "used the window size as the stride"),
                                    {"output_size": span // F + 1}))
        if P:
            mistakes.append(Mistake("forgot_padding", Text("忘了填充", "forgot the padding"),
                                    {"output_size": (W - F) // S + 1}))
        return Solution({"output_size": out}, steps, mistakes)
