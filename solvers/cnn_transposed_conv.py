"""Output size of a transposed convolution ("deconvolution", the upsampling layer of FCN/U-Net).

Formula (PyTorch ``ConvTranspose2d`` docs)::

    O = (W - 1)*S - 2P + D*(F - 1) + output_padding + 1

Each input pixel scatters a copy of the (dilated) kernel into the output at stride S; the
full scatter is (W-1)*S + D*(F-1) + 1 wide, P is then cropped from each side and output_padding
(< max(S, D)) is added on one side to pick among the input sizes a strided conv maps together.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_int, register,
)
from solvers.train_numbers import a_or_an

# Named difficulty ranges: (kernel, stride, padding) triples, input sizes, output paddings, dilations.
RANGES = {
    "easy": dict(W=(2, 4, 7, 8, 14, 16, 28, 32), FSP=((2, 2, 0), (4, 2, 1), (3, 1, 1), (3, 1, 0), (4, 4, 0)),
                 OP=(0,), D=(1,)),
    "medium": dict(W=(3, 5, 7, 13, 14, 16, 28), FSP=((3, 2, 1), (4, 2, 1), (5, 2, 2), (3, 3, 0), (2, 2, 0),
                                                     (5, 1, 2), (3, 2, 0)),
                   OP=(0, 0, 1), D=(1,)),
    "hard": dict(W=(5, 7, 9, 13, 15, 27), FSP=((3, 2, 1), (5, 3, 1), (4, 3, 2), (7, 2, 3), (3, 3, 2), (5, 2, 1)),
                 OP=(0, 1, 2), D=(1, 2)),
}


def transposed_conv_output_size(input_size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                                output_padding: int = 0, dilation: int = 1) -> int:
    """Spatial output size of a transposed convolution (PyTorch ``ConvTranspose2d``).

    >>> transposed_conv_output_size(16, 4, stride=2, padding=1)   # the usual x2 upsampling
    32
    >>> transposed_conv_output_size(7, 3, stride=2, padding=1, output_padding=1)
    14
    """
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding ({output_padding}) must be smaller than the stride or the "
                         f"dilation ({max(stride, dilation)})")
    if padding > dilation * (kernel_size - 1):
        raise ValueError(f"padding ({padding}) must be at most D*(F-1) = {dilation * (kernel_size - 1)}")
    out = (input_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"the padding ({padding}) crops away the whole output ({out})")
    return out


@register
class TransposedConvOutput(Kind):
    id = "transposed_conv_output"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("转置卷积输出尺寸", "Transposed convolution output size")
    description = "Output size of a transposed convolution (stride, padding, output_padding, dilation)."
    params_help = {
        "input_size": "input width/height W, a whole number >= 1",
        "kernel_size": "kernel size F, a whole number >= 1",
        "stride": "stride S, a whole number >= 1 (default 1)",
        "padding": "padding P, a whole number >= 0 (default 0)",
        "output_padding": "extra size on one side, 0 <= output_padding < max(S, D) (default 0)",
        "dilation": "dilation D, a whole number >= 1 (default 1)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            F, S, P = (int(v) for v in r["FSP"][int(rng.integers(len(r["FSP"])))])
            p = dict(input_size=int(rng.choice(r["W"])), kernel_size=F, stride=S, padding=P,
                     output_padding=int(rng.choice(r["OP"])), dilation=int(rng.choice(r["D"])))
            if p["output_padding"] >= max(S, p["dilation"]) or P > p["dilation"] * (F - 1):
                continue
            if (p["input_size"] - 1) * S - 2 * P + p["dilation"] * (F - 1) + p["output_padding"] + 1 >= 2:
                return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = dict(
            input_size=need_int(params, "input_size", minimum=1),
            kernel_size=need_int(params, "kernel_size", minimum=1),
            stride=need_int(params, "stride", minimum=1, default=1),
            padding=need_int(params, "padding", minimum=0, default=0),
            output_padding=need_int(params, "output_padding", minimum=0, default=0),
            dilation=need_int(params, "dilation", minimum=1, default=1),
        )
        if p["output_padding"] >= max(p["stride"], p["dilation"]):
            raise ParamError("output_padding", f"must be smaller than the stride or the dilation "
                             f"({max(p['stride'], p['dilation'])}), got {p['output_padding']}")
        if p["padding"] > p["dilation"] * (p["kernel_size"] - 1):
            raise ParamError("padding", f"must be at most D*(F-1) = {p['dilation'] * (p['kernel_size'] - 1)}"
                             f" for a transposed convolution, got {p['padding']}")
        full = (p["input_size"] - 1) * p["stride"] + p["dilation"] * (p["kernel_size"] - 1) + 1
        if full + p["output_padding"] - 2 * p["padding"] < 1:
            raise ParamError("padding", f"cropping {p['padding']} from each side of a {full}-wide "
                             f"result leaves nothing")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output_size", Text("输出尺寸", "output size"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, F, S, P, OP, D = (params[k] for k in ("input_size", "kernel_size", "stride", "padding",
                                                 "output_padding", "dilation"))
        extra_zh = (f"，output_padding={OP}" if OP else "") + (f"，扩张率 {D}" if D != 1 else "")
        extra_en = (f", output_padding {OP}" if OP else "") + (f", dilation {D}" if D != 1 else "")
        return Text(
            f"对 {W}×{W} 的特征图做转置卷积（反卷积）：卷积核 {F}×{F}，步幅 {S}，padding={P}{extra_zh}"
            f"（PyTorch ConvTranspose2d 的约定）。求输出特征图的边长。",
            f"A transposed convolution (PyTorch ConvTranspose2d convention) is applied to {a_or_an(W)} {W}x{W} "
            f"feature map: kernel {F}x{F}, stride {S}, padding {P}{extra_en}. What is the side "
            f"length of the output?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, F, S, P, OP, D = (params[k] for k in ("input_size", "kernel_size", "stride", "padding",
                                                 "output_padding", "dilation"))
        eff = D * (F - 1) + 1
        out = transposed_conv_output_size(W, F, S, P, OP, D)
        steps = [
            Step("转置卷积是卷积尺寸公式的逆：O = (W-1)S - 2P + D(F-1) + output_padding + 1。",
                 "A transposed conv inverts the conv size formula: "
                 "O = (W-1)S - 2P + D(F-1) + output_padding + 1.",
                 f"O = ({W}-1)*{S} - 2*{P} + {D}*({F}-1) + {OP} + 1 = {out}"),
            Step("理解：每个输入像素按步幅把卷积核“铺”到输出上，总宽 (W-1)S + F'，再从两侧各裁掉 P。",
                 "Picture it: each input pixel stamps the kernel into the output S apart, "
                 "(W-1)S + F' wide in all, then P is cropped from each side.",
                 f"F' = {D}*({F}-1) + 1 = {eff};  ({W}-1)*{S} + {eff} = {(W - 1) * S + eff};  "
                 f"{(W - 1) * S + eff} - 2*{P}" + (f" + {OP}" if OP else "") + f" = {out}"),
        ]
        mistakes = [
            Mistake("w_times_s", Text("用了 W·S 而不是 (W-1)·S", "used W*S instead of (W-1)*S"),
                    {"output_size": out + S}),
            Mistake("plus_padding", Text("把 -2P 写成了 +2P", "added 2P instead of subtracting it"),
                    {"output_size": out + 4 * P}),
            Mistake("forward_conv_formula", Text("误用了普通卷积的尺寸公式", "used the ordinary conv formula"),
                    {"output_size": max(0, (W + 2 * P - eff) // S + 1)}),
            Mistake("forgot_plus_one", Text("忘了 +1", "forgot the +1"), {"output_size": out - 1}),
        ]
        if OP:
            mistakes.append(Mistake("ignored_output_padding", Text("忽略了 output_padding", "ignored output_padding"),
                                    {"output_size": out - OP}))
        if D != 1:
            mistakes.append(Mistake("ignored_dilation", Text("忽略了扩张率", "ignored the dilation"),
                                    {"output_size": out - (D - 1) * (F - 1)}))
        return Solution({"output_size": out}, steps, mistakes)
