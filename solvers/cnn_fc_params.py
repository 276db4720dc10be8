"""Fully connected layers on a feature map: parameter count, and the same layer seen as a conv.

Formulas (cs231n "Converting FC layers to CONV layers")::

    params = (H * W * C) * N  (+ N biases)

An FC layer reading a flattened H x W x C map into N units is exactly a convolution with N
kernels of size H x W (each spanning the C channels), no padding: its output is 1 x 1 x N and
it has the same parameters. This is what lets FCN-style networks run on larger images.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_int, register,
)
from solvers._base import need_bool
from solvers.train_numbers import a_or_an

RANGES = {
    "easy": dict(HW=(1, 2, 4, 5, 7), C=(8, 10, 16, 32, 64), N=(10, 16, 32, 64, 100), bias=0.8),
    "medium": dict(HW=(4, 5, 6, 7, 8), C=(16, 32, 64, 128, 256), N=(10, 64, 120, 128, 256, 1000), bias=0.6),
    "hard": dict(HW=(3, 6, 7, 13), C=(96, 256, 384, 512), N=(512, 1000, 1024, 2048, 4096), bias=0.5),
}


def fc_param_count(height: int, width: int, channels: int, units: int, bias: bool = True) -> int:
    """Parameters of an FC layer from a flattened height x width x channels input to ``units``.

    >>> fc_param_count(7, 7, 512, 4096)   # VGG16's first FC layer
    102764544
    """
    if min(height, width, channels, units) < 1:
        raise ValueError(f"sizes must be >= 1, got {height}x{width}x{channels} -> {units}")
    return height * width * channels * units + (units if bias else 0)


def _generate(rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
    r = RANGES[difficulty]
    hw = int(rng.choice(r["HW"]))
    return dict(height=hw, width=hw, channels=int(rng.choice(r["C"])), units=int(rng.choice(r["N"])),
                bias=bool(rng.random() < r["bias"]))


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    h = need_int(params, "height", minimum=1)
    return dict(height=h, width=need_int(params, "width", minimum=1, default=h),
                channels=need_int(params, "channels", minimum=1), units=need_int(params, "units", minimum=1),
                bias=need_bool(params, "bias", default=True))


_HELP = {
    "height": "feature-map height H, a whole number >= 1",
    "width": "feature-map width W, a whole number >= 1 (default: the height)",
    "channels": "feature-map channels C, a whole number >= 1",
    "units": "number of output units N, a whole number >= 1",
    "bias": "whether each unit has a bias: true/false (default true)",
}


def _mistakes(H: int, W: int, C: int, N: int, b: bool, field: str) -> list[Mistake]:
    weights = H * W * C * N
    out = [
        Mistake("forgot_channels", Text("展平时忘了乘通道数 C", "forgot the channels when flattening"),
                {field: H * W * N + (N if b else 0)}),
        Mistake("added_sizes", Text("把输入和输出个数相加而不是相乘", "added the input and output sizes"),
                {field: H * W * C + N}),
        Mistake("bias_per_input", Text("每个输入都配了偏置", "counted a bias per input value"),
                {field: weights + H * W * C}),
    ]
    if b:
        out.append(Mistake("forgot_bias", Text("忘了偏置", "forgot the biases"), {field: weights}))
    else:
        out.append(Mistake("added_bias", Text("题目说无偏置却加了偏置", "added biases though there are none"),
                           {field: weights + N}))
    return out


def _bias_words(b: bool) -> tuple[str, str]:
    return ("（每个单元带一个偏置）", " Each unit has a bias.") if b else ("（不使用偏置）", " There are no biases.")


@register
class FcParams(Kind):
    id = "fc_params"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("全连接层参数量", "Parameters of a fully connected layer")
    description = "Parameters of an FC layer from a flattened H x W x C map to N units (+ N biases)."
    params_help = _HELP

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        return _generate(rng, difficulty)

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return _check(params)

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("params", Text("参数量", "number of parameters"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        H, W, C, N, b = (params[k] for k in ("height", "width", "channels", "units", "bias"))
        bz, be = _bias_words(b)
        return Text(
            f"把 {H}×{W}×{C} 的特征图展平后接一个有 {N} 个神经元的全连接层{bz}。该层有多少个可学习参数？",
            f"{a_or_an(H, True)} {H}x{W}x{C} feature map is flattened and fed to a fully connected layer of {N} units."
            f"{be} How many learnable parameters does the layer have?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        H, W, C, N, b = (params[k] for k in ("height", "width", "channels", "units", "bias"))
        n_in = H * W * C
        total = fc_param_count(H, W, C, N, b)
        steps = [
            Step("展平后的输入长度。", "Length of the flattened input.", f"{H}*{W}*{C} = {n_in}"),
            Step("每个神经元与每个输入相连：权重数 = 输入长度 × 神经元数。",
                 "Every unit connects to every input: weights = inputs * units.",
                 f"{n_in}*{N} = {n_in * N}"),
            Step("加上偏置（每个神经元一个）。" if b else "没有偏置。",
                 "Add one bias per unit." if b else "No biases.",
                 f"{n_in * N} + {N} = {total}" if b else f"{total}"),
        ]
        return Solution({"params": total}, steps, _mistakes(H, W, C, N, b, "params"))


@register
class FcAsConv(Kind):
    id = "fc_as_conv"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("全连接层转卷积层", "An FC layer seen as a convolution")
    description = "The conv equivalent of an FC layer on an H x W x C map: N kernels of H x W, same params."
    params_help = {k: v for k, v in _HELP.items() if k != "width"} | {
        "height": "side H of the square feature map, a whole number >= 1"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        p = _generate(rng, difficulty)
        del p["width"]
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = _check(params)
        if p.pop("width") != p["height"]:
            raise ParamError("width", "this kind uses square feature maps: give only the height")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("kernel_size", Text("卷积核边长", "kernel side"), integer=True),
                AnswerField("num_kernels", Text("卷积核个数", "number of kernels"), integer=True),
                AnswerField("params", Text("参数量", "number of parameters"), integer=True))

    def statement(self, params: Mapping[str, Any]) -> Text:
        H, C, N, b = (params[k] for k in ("height", "channels", "units", "bias"))
        bz, be = _bias_words(b)
        return Text(
            f"{H}×{H}×{C} 的特征图后接一个 {N} 个神经元的全连接层{bz}。若把它改写成等价的卷积层"
            f"（不填充，步幅 1），卷积核边长是多少？需要多少个卷积核？参数量是多少？",
            f"{a_or_an(H, True)} {H}x{H}x{C} feature map feeds a fully connected layer of {N} units.{be} Rewritten as "
            f"an equivalent convolution (no padding, stride 1): what is the kernel side, how many "
            f"kernels are there, and how many parameters?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        H, C, N, b = (params[k] for k in ("height", "channels", "units", "bias"))
        total = fc_param_count(H, H, C, N, b)
        steps = [
            Step("每个神经元看整张特征图：卷积核与特征图一样大，为 H×H（深度 C）。",
                 "Each unit sees the whole map: the kernel is as large as the map, H x H (depth C).",
                 f"kernel {H}x{H}x{C}"),
            Step("每个神经元对应一个卷积核，输出为 1×1×N。", "One kernel per unit; the output is 1 x 1 x N.",
                 f"{N} kernels -> 1x1x{N}"),
            Step("参数量与全连接层相同。", "Same parameters as the FC layer.",
                 f"{H}*{H}*{C}*{N}" + (f" + {N}" if b else "") + f" = {total}"),
        ]
        mistakes = _mistakes(H, H, C, N, b, "params") + [
            Mistake("one_by_one_kernel", Text("以为是 1×1 卷积", "thought it was a 1x1 convolution"),
                    {"kernel_size": 1, "params": C * N + (N if b else 0)}),
            Mistake("kernels_equal_channels", Text("把卷积核个数当成了输入通道数", "took the input channels as the number of kernels"),
                    {"num_kernels": C}),
        ]
        return Solution({"kernel_size": H, "num_kernels": N, "params": total}, steps, mistakes)
