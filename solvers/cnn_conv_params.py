"""Parameter count and multiply-accumulate (MAC) count of a convolution layer.

Formulas (cs231n "Convolutional layer"; PyTorch ``Conv2d`` weight shape (C_out, C_in, F, F))::

    params = C_out * C_in * F * F  (+ C_out biases, one per kernel)
    MACs   = H_out * W_out * C_out * C_in * F * F

Each of the C_out kernels spans all C_in input channels; weights are shared across positions,
which is why the parameter count does not depend on the image size but the MAC count does.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_bool, need_int, register,
)
from solvers.cnn_conv_output import conv_output_size

RANGES = {
    "easy": dict(C_in=(1, 3, 8, 16, 32), C_out=(4, 8, 10, 16, 32, 64), F=(1, 3, 5), bias=0.8,
                 W=(8, 16, 28, 32), SP=((1, 0), (1, 1), (2, 0))),
    "medium": dict(C_in=(3, 16, 32, 64, 96, 128), C_out=(16, 32, 64, 96, 128, 256), F=(1, 3, 5, 7), bias=0.6,
                   W=(14, 28, 32, 56, 64), SP=((1, 0), (1, 1), (1, 2), (2, 1), (2, 0))),
    "hard": dict(C_in=(3, 48, 96, 192, 256, 384, 512), C_out=(48, 64, 96, 128, 256, 384, 512), F=(1, 3, 5, 7, 11),
                 bias=0.5, W=(13, 27, 55, 56, 112, 227), SP=((1, 1), (2, 1), (4, 0), (2, 3), (1, 2))),
}

# A basic exam calculator shows 10 digits: hard answers must fit (they reached 13 digits, e.g.
# 1549208387584, which such a calculator only shows as 1.549208388E12); easy ones stay small.
MAX_MACS = {"easy": 10 ** 6, "medium": 10 ** 9, "hard": 5 * 10 ** 9}


def conv_param_count(in_channels: int, out_channels: int, kernel_size: int, bias: bool = True) -> int:
    """Learnable parameters of a 2-D convolution with square kernels.

    >>> conv_param_count(3, 64, 3)          # VGG's first layer: 64*3*3*3 + 64
    1792
    >>> conv_param_count(64, 128, 1, bias=False)
    8192
    """
    if min(in_channels, out_channels, kernel_size) < 1:
        raise ValueError(f"channels and kernel size must be >= 1, got {in_channels}, {out_channels}, "
                         f"{kernel_size}")
    return out_channels * in_channels * kernel_size * kernel_size + (out_channels if bias else 0)


def conv_mac_count(output_size: int, in_channels: int, out_channels: int, kernel_size: int) -> int:
    """Multiply-accumulates of a conv layer with a square output_size x output_size result.

    >>> conv_mac_count(30, 3, 6, 5)   # 30*30 positions * 6 kernels * (3*5*5) taps
    405000
    """
    return output_size * output_size * out_channels * in_channels * kernel_size * kernel_size


def _bias_words(bias: bool) -> tuple[str, str]:
    return ("（每个卷积核带一个偏置）", " Each kernel has one bias.") if bias else \
        ("（不使用偏置）", " There are no biases.")


@register
class ConvParams(Kind):
    id = "conv_params"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("卷积层参数量", "Parameters of a convolution layer")
    description = "Learnable parameters of a conv layer: C_out*C_in*F*F (+ C_out biases)."
    params_help = {
        "in_channels": "input channels C_in, a whole number >= 1",
        "out_channels": "number of kernels C_out, a whole number >= 1",
        "kernel_size": "kernel size F (F x F), a whole number >= 1",
        "bias": "whether each kernel has a bias: true/false (default true)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        return dict(in_channels=int(rng.choice(r["C_in"])), out_channels=int(rng.choice(r["C_out"])),
                    kernel_size=int(rng.choice(r["F"])), bias=bool(rng.random() < r["bias"]))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(in_channels=need_int(params, "in_channels", minimum=1),
                    out_channels=need_int(params, "out_channels", minimum=1),
                    kernel_size=need_int(params, "kernel_size", minimum=1),
                    bias=need_bool(params, "bias", default=True))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("params", Text("参数量", "number of parameters"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        Ci, Co, F, b = (params[k] for k in ("in_channels", "out_channels", "kernel_size", "bias"))
        bz, be = _bias_words(b)
        return Text(
            f"一个卷积层的输入有 {Ci} 个通道，使用 {Co} 个 {F}×{F} 的卷积核{bz}。该层共有多少个可学习参数？",
            f"A convolution layer takes {Ci} input channels and has {Co} kernels of size {F}x{F}.{be} "
            f"How many learnable parameters does it have?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        Ci, Co, F, b = (params[k] for k in ("in_channels", "out_channels", "kernel_size", "bias"))
        weights = Co * Ci * F * F
        total = conv_param_count(Ci, Co, F, b)
        steps = [
            Step("每个卷积核覆盖全部输入通道：F×F×C_in 个权重。",
                 "Each kernel spans every input channel: F*F*C_in weights.",
                 f"{F}*{F}*{Ci} = {F * F * Ci}"),
            Step("C_out 个卷积核的权重。", "Weights of all C_out kernels.",
                 f"{F * F * Ci}*{Co} = {weights}"),
        ]
        if b:
            steps.append(Step("每个卷积核一个偏置，共 C_out 个。", "One bias per kernel: C_out more.",
                              f"{weights} + {Co} = {total}"))
        else:
            steps.append(Step("没有偏置，权重数就是参数量。", "No biases: the weights are all the parameters.",
                              f"{total}"))
        mistakes = [
            Mistake("forgot_in_channels", Text("忘了乘输入通道数 C_in", "forgot the input channels C_in"),
                    {"params": Co * F * F + (Co if b else 0)}),
            Mistake("bias_per_weight", Text("每个权重都配一个偏置", "counted a bias for every weight"),
                    {"params": 2 * weights}),
            Mistake("bias_per_channel", Text("按输入通道计偏置（C_in·C_out 个）",
                                             "counted a bias per input channel (C_in*C_out)"),
                    {"params": weights + Ci * Co}),
        ]
        if b:
            mistakes.append(Mistake("forgot_bias", Text("忘了偏置", "forgot the biases"), {"params": weights}))
        else:
            mistakes.append(Mistake("added_bias", Text("题目说无偏置却加了偏置", "added biases though there are none"),
                                    {"params": weights + Co}))
        return Solution({"params": total}, steps, mistakes)


@register
class ConvMacs(Kind):
    id = "conv_macs"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("卷积层计算量（乘加次数）", "Multiply-accumulates of a convolution layer")
    description = "Output size and multiply-accumulate count H_out*W_out*C_out*C_in*F*F of a conv layer."
    params_help = {
        "input_size": "input width/height W (square), a whole number >= 1",
        "in_channels": "input channels C_in, a whole number >= 1",
        "out_channels": "number of kernels C_out, a whole number >= 1",
        "kernel_size": "kernel size F, a whole number >= 1",
        "stride": "stride S, a whole number >= 1 (default 1)",
        "padding": "zero padding P per side, a whole number >= 0 (default 0)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            S, P = (int(v) for v in r["SP"][int(rng.integers(len(r["SP"])))])
            p = dict(input_size=int(rng.choice(r["W"])), in_channels=int(rng.choice(r["C_in"])),
                     out_channels=int(rng.choice(r["C_out"])), kernel_size=int(rng.choice(r["F"])),
                     stride=S, padding=P)
            F, W = p["kernel_size"], p["input_size"]
            if P >= F or F > W + 2 * P:
                continue
            if difficulty == "easy" and ((W + 2 * P - F) % S or p["in_channels"] * p["out_channels"] > 512):
                continue
            O = conv_output_size(W, F, P, S)
            if conv_mac_count(O, p["in_channels"], p["out_channels"], F) > MAX_MACS[difficulty]:
                continue
            return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = dict(input_size=need_int(params, "input_size", minimum=1),
                 in_channels=need_int(params, "in_channels", minimum=1),
                 out_channels=need_int(params, "out_channels", minimum=1),
                 kernel_size=need_int(params, "kernel_size", minimum=1),
                 stride=need_int(params, "stride", minimum=1, default=1),
                 padding=need_int(params, "padding", minimum=0, default=0))
        if p["kernel_size"] > p["input_size"] + 2 * p["padding"]:
            raise ParamError("kernel_size", f"the kernel ({p['kernel_size']}) must fit in the padded input "
                             f"({p['input_size'] + 2 * p['padding']})")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output_size", Text("输出边长", "output side"), integer=True, points=1.0),
                AnswerField("macs", Text("乘加次数", "multiply-accumulates"), integer=True, points=2.0))

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, Ci, Co, F, S, P = (params[k] for k in ("input_size", "in_channels", "out_channels",
                                                  "kernel_size", "stride", "padding"))
        return Text(
            f"输入为 {W}×{W}×{Ci}，卷积层有 {Co} 个 {F}×{F} 卷积核，步幅 {S}，每侧填充 {P}。"
            f"求输出特征图的边长，以及该层的乘加运算次数（一次乘法加一次加法算 1 次 MAC，不计偏置）。",
            f"The input is {W}x{W}x{Ci}; a conv layer has {Co} kernels of {F}x{F}, stride {S}, "
            f"padding {P}. Give the output side and the number of multiply-accumulates (one multiply "
            f"plus one add = 1 MAC; ignore biases).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W, Ci, Co, F, S, P = (params[k] for k in ("input_size", "in_channels", "out_channels",
                                                  "kernel_size", "stride", "padding"))
        O = conv_output_size(W, F, P, S)
        macs = conv_mac_count(O, Ci, Co, F)
        steps = [
            Step("输出边长。", "Output side.", f"floor(({W} - {F} + 2*{P})/{S}) + 1 = {O}"),
            Step("每个输出值需要 F·F·C_in 次乘加。", "Each output value takes F*F*C_in MACs.",
                 f"{F}*{F}*{Ci} = {F * F * Ci}"),
            Step("输出共有 O·O·C_out 个值。", "There are O*O*C_out output values.",
                 f"{O}*{O}*{Co} = {O * O * Co}; {O * O * Co}*{F * F * Ci} = {macs}"),
        ]
        mistakes = [
            Mistake("used_input_size", Text("用输入尺寸代替了输出尺寸", "used the input size instead of the output size"),
                    {"macs": conv_mac_count(W, Ci, Co, F)}),
            Mistake("forgot_in_channels", Text("忘了乘输入通道数", "forgot the input channels"),
                    {"macs": O * O * Co * F * F}),
            Mistake("counted_flops", Text("把乘和加各算一次（FLOPs = 2·MACs）", "counted FLOPs (2 per MAC)"),
                    {"macs": 2 * macs}),
            Mistake("forgot_plus_one", Text("输出尺寸忘了 +1", "forgot the +1 in the output size"),
                    {"output_size": O - 1, "macs": conv_mac_count(O - 1, Ci, Co, F)}),
        ]
        return Solution({"output_size": O, "macs": macs}, steps, mistakes)
