"""Parameter counts of two efficient conv blocks: the depthwise separable convolution
(``separable_params``) and the ResNet bottleneck block (``bottleneck_params``).

Depthwise separable (Howard et al. 2017, MobileNets, sec. 3.1), F x F kernels, C_in -> C_out::

    standard  = C_out*C_in*F*F (+ C_out)
    depthwise = C_in*F*F (+ C_in)          one F x F filter per input channel
    pointwise = C_out*C_in (+ C_out)       a 1 x 1 convolution mixing the channels
    ratio     = (depthwise + pointwise) / standard  = 1/C_out + 1/F^2 without biases

Bottleneck (He et al. 2016, "Deep residual learning", Fig. 5 right; torchvision ``Bottleneck``):
1x1 C_in -> m, 3x3 m -> m, 1x1 m -> 4m, each conv without bias and followed by batch norm with
a learnable scale gamma and shift beta per channel (the running mean and variance are buffers,
not parameters). When C_in != 4m the shortcut is a 1x1 projection conv plus its batch norm.
torchvision's resnet50 ``layer1[0]`` (C_in 64, m 64) has 75,008 parameters.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, Solution, Step, Text, fmt, need_bool, need_int, register
from solvers._rounding import Exact
from solvers.cnn_conv_params import conv_param_count

SEPARABLE_RANGES = {
    "easy": dict(C_in=(3, 4, 8, 16), C_out=(8, 16, 32), F=(3,), bias=0.0),
    "medium": dict(C_in=(16, 32, 64), C_out=(32, 64, 128), F=(3, 5), bias=0.5),
    "hard": dict(C_in=(32, 64, 128, 256, 512), C_out=(64, 128, 256, 512, 1024), F=(3, 5, 7), bias=0.7),
}
# (C_in, m): the first entries are toy sizes; the ResNet-50 stages (C_in, m) at medium/hard.
BOTTLENECK_RANGES = {
    "easy": ((16, 4), (16, 8), (32, 8), (8, 4), (8, 2), (32, 16)),
    "medium": ((64, 64), (256, 64), (32, 16), (64, 16), (128, 32)),
    "hard": ((256, 64), (256, 128), (512, 128), (512, 256), (1024, 256), (1024, 512), (2048, 512), (64, 64)),
}
EXPANSION = 4


def separable_counts(C_in: int, C_out: int, F: int, bias: bool) -> dict[str, int]:
    """Standard vs depthwise separable parameter counts.

    >>> separable_counts(3, 32, 3, False)   # 864 standard; 27 depthwise + 96 pointwise
    {'standard': 864, 'depthwise': 27, 'pointwise': 96}
    """
    return {"standard": conv_param_count(C_in, C_out, F, bias),
            "depthwise": C_in * F * F + (C_in if bias else 0),
            "pointwise": conv_param_count(C_in, C_out, 1, bias)}


def _ratio_text(num: int, den: int) -> str:
    return f"{num}/{den} = {fmt(num / den, 4)}"


@register
class SeparableParams(Kind):
    id = "separable_params"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("深度可分离卷积参数量", "Parameters of a depthwise separable convolution")
    description = "Standard vs depthwise separable conv: depthwise C_in*F*F, pointwise C_in*C_out, and the ratio."
    params_help = {
        "in_channels": "input channels C_in, a whole number >= 1",
        "out_channels": "output channels C_out, a whole number >= 1",
        "kernel_size": "kernel size F (F x F), a whole number >= 1",
        "bias": "whether each conv has one bias per output channel: true/false (default false)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = SEPARABLE_RANGES[difficulty]
        return dict(in_channels=int(rng.choice(r["C_in"])), out_channels=int(rng.choice(r["C_out"])),
                    kernel_size=int(rng.choice(r["F"])), bias=bool(rng.random() < r["bias"]))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(in_channels=need_int(params, "in_channels", minimum=1, maximum=100_000),
                    out_channels=need_int(params, "out_channels", minimum=1, maximum=100_000),
                    kernel_size=need_int(params, "kernel_size", minimum=1, maximum=99),
                    bias=need_bool(params, "bias", default=False))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("standard", Text("标准卷积参数量", "standard conv parameters"), integer=True),
                AnswerField("depthwise", Text("逐通道（depthwise）卷积参数量", "depthwise conv parameters"),
                            integer=True),
                AnswerField("pointwise", Text("逐点（1×1）卷积参数量", "pointwise (1x1) conv parameters"),
                            integer=True),
                AnswerField("ratio", Text("可分离 / 标准 之比", "ratio separable / standard"), decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        Ci, Co, F, b = (params[k] for k in ("in_channels", "out_channels", "kernel_size", "bias"))
        bz = "每个卷积（包括逐通道和逐点卷积）的每个输出通道带一个偏置" if b else "所有卷积都不带偏置"
        be = ("every conv (depthwise and pointwise included) has one bias per output channel" if b
              else "no conv has a bias")
        return Text(
            f"把一个 {F}×{F}、输入 {Ci} 通道、输出 {Co} 通道的标准卷积换成深度可分离卷积："
            f"先做 {F}×{F} 逐通道卷积（每个输入通道一个卷积核，通道数不变），再做 1×1 逐点卷积到 {Co} 通道；{bz}。"
            f"求标准卷积、逐通道卷积、逐点卷积各自的参数量，以及（逐通道 + 逐点）/ 标准 的比值（保留 4 位小数）。",
            f"A standard {F}x{F} convolution from {Ci} to {Co} channels is replaced by a depthwise separable "
            f"one: a {F}x{F} depthwise conv (one kernel per input channel, channels unchanged) followed by a "
            f"1x1 pointwise conv to {Co} channels; {be}. Find the parameters of the standard conv, of the "
            f"depthwise conv and of the pointwise conv, and the ratio (depthwise + pointwise) / standard "
            f"to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        Ci, Co, F, b = (params[k] for k in ("in_channels", "out_channels", "kernel_size", "bias"))
        c = separable_counts(Ci, Co, F, b)
        std, dw, pw = c["standard"], c["depthwise"], c["pointwise"]
        ratio = Fraction(dw + pw, std)
        plus = lambda n: f" + {n}" if b else ""  # noqa: E731
        steps = [
            Step("标准卷积：C_out 个 F×F×C_in 的卷积核。", "Standard: C_out kernels of F*F*C_in.",
                 f"{Co}*{Ci}*{F}*{F}{plus(Co)} = {std}"),
            Step("逐通道卷积：每个输入通道只有一个 F×F 卷积核。", "Depthwise: one F x F kernel per input channel.",
                 f"{Ci}*{F}*{F}{plus(Ci)} = {dw}"),
            Step("逐点卷积：C_out 个 1×1×C_in 的卷积核。", "Pointwise: C_out kernels of 1*1*C_in.",
                 f"{Co}*{Ci}{plus(Co)} = {pw}"),
            Step("比值 = (逐通道 + 逐点) / 标准" + ("（无偏置时等于 1/C_out + 1/F²）。" if not b else "。"),
                 "Ratio = (depthwise + pointwise) / standard" + (" (= 1/C_out + 1/F^2 without biases)." if not b
                                                                else "."),
                 f"({dw} + {pw}) / {std} = {_ratio_text(dw + pw, std)}"),
        ]
        answer = {"standard": std, "depthwise": dw, "pointwise": pw, "ratio": Exact(ratio)}
        mistakes = [
            Mistake("depthwise_times_out", Text("逐通道卷积也乘了 C_out（当成了标准卷积）",
                                                "multiplied the depthwise conv by C_out as in a standard conv"),
                    {"depthwise": std, "ratio": (std + pw) / std}),
            Mistake("ratio_inverted", Text("比值算反了：标准 / 可分离", "inverted the ratio: standard / separable"),
                    {"ratio": std / (dw + pw)}),
            Mistake("pointwise_as_fxf", Text("逐点卷积也用了 F×F 卷积核", "gave the pointwise conv F x F kernels"),
                    {"pointwise": std, "ratio": (dw + std) / std}),
        ]
        if b:
            mistakes += [
                Mistake("forgot_pointwise_bias", Text("忘了逐点卷积的偏置", "forgot the pointwise biases"),
                        {"pointwise": pw - Co, "ratio": (dw + pw - Co) / std}),
                Mistake("forgot_depthwise_bias", Text("忘了逐通道卷积的偏置", "forgot the depthwise biases"),
                        {"depthwise": dw - Ci, "ratio": (dw - Ci + pw) / std}),
                Mistake("ratio_without_bias", Text("比值直接用了无偏置的公式 1/C_out + 1/F²",
                                                   "used the bias-free shortcut 1/C_out + 1/F^2 for the ratio"),
                        {"ratio": 1 / Co + 1 / F ** 2}),
            ]
        return Solution(answer, steps, mistakes, exact={"ratio": f"{ratio.numerator}/{ratio.denominator}"})


def bottleneck_counts(C_in: int, mid: int) -> dict[str, int]:
    """Bottleneck block parameters: convs (no bias), learnable batch norm (2 per channel), and
    the projection shortcut (0 when C_in equals the 4*mid output channels).

    >>> bottleneck_counts(64, 64)   # torchvision resnet50 layer1[0]: 57344 + 768 + 16896 = 75008
    {'convs': 57344, 'bn': 768, 'shortcut': 16896, 'total': 75008}
    """
    out = EXPANSION * mid
    convs = C_in * mid + 9 * mid * mid + mid * out
    bn = 2 * (mid + mid + out)
    shortcut = 0 if C_in == out else C_in * out + 2 * out
    return {"convs": convs, "bn": bn, "shortcut": shortcut, "total": convs + bn + shortcut}


@register
class BottleneckParams(Kind):
    id = "bottleneck_params"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("ResNet 瓶颈块参数量", "Parameters of a ResNet bottleneck block")
    description = "ResNet bottleneck 1x1-3x3-1x1 (x4 expansion): conv weights, batch-norm gamma/beta, shortcut."
    params_help = {
        "in_channels": "input channels C_in, a whole number >= 1",
        "mid_channels": "bottleneck width m (the block outputs 4m channels), a whole number >= 1",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        choices = BOTTLENECK_RANGES[difficulty]
        Ci, m = choices[int(rng.integers(len(choices)))]
        return dict(in_channels=int(Ci), mid_channels=int(m))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(in_channels=need_int(params, "in_channels", minimum=1, maximum=100_000),
                    mid_channels=need_int(params, "mid_channels", minimum=1, maximum=100_000))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("convs", Text("主路径三个卷积的权重数", "weights of the three main-path convs"),
                            integer=True),
                AnswerField("bn", Text("主路径 BN 的可学习参数", "learnable BN parameters of the main path"),
                            integer=True),
                AnswerField("shortcut", Text("捷径分支参数量（恒等映射填 0）", "shortcut parameters (0 if identity)"),
                            integer=True),
                AnswerField("total", Text("整个块的参数量", "parameters of the whole block"), integer=True, points=2.0))

    def statement(self, params: Mapping[str, Any]) -> Text:
        Ci, m = params["in_channels"], params["mid_channels"]
        out = EXPANSION * m
        return Text(
            f"ResNet 瓶颈块的输入有 {Ci} 个通道，主路径为 1×1 卷积（{Ci}→{m}）、3×3 卷积（{m}→{m}）、"
            f"1×1 卷积（{m}→{out}，即扩展 4 倍）。卷积都不带偏置，每个卷积后接一个 BN 层，"
            f"BN 每个通道有可学习的 γ、β（运行均值和方差是统计量，不是参数）。输入与输出通道数不同时，"
            f"捷径分支为 1×1 卷积（{Ci}→{out}，无偏置）加 BN，相同时为恒等映射。"
            f"求主路径三个卷积的权重数、主路径 BN 的可学习参数数、捷径分支的参数量和整个块的参数量。",
            f"A ResNet bottleneck block takes {Ci} input channels; its main path is a 1x1 conv ({Ci} -> {m}), "
            f"a 3x3 conv ({m} -> {m}) and a 1x1 conv ({m} -> {out}, the 4x expansion). The convs have no bias; "
            f"each is followed by batch norm with a learnable gamma and beta per channel (the running mean "
            f"and variance are statistics, not parameters). When the input and output channels differ the "
            f"shortcut is a 1x1 conv ({Ci} -> {out}, no bias) plus batch norm; otherwise it is the identity. "
            f"Find the weights of the three main-path convs, the learnable BN parameters of the main path, "
            f"the shortcut's parameters and the parameters of the whole block.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        Ci, m = params["in_channels"], params["mid_channels"]
        out = EXPANSION * m
        c = bottleneck_counts(Ci, m)
        proj = Ci != out
        steps = [
            Step("三个卷积的权重（无偏置）：C_in·m + 3·3·m·m + m·4m。",
                 "Weights of the three convs (no bias): C_in*m + 3*3*m*m + m*4m.",
                 f"{Ci}*{m} + 9*{m}*{m} + {m}*{out} = {Ci * m} + {9 * m * m} + {m * out} = {c['convs']}"),
            Step("每个 BN 层每通道 2 个可学习参数 γ、β。", "Each BN layer has 2 learnable parameters (gamma, beta) "
                 "per channel.", f"2*({m} + {m} + {out}) = {c['bn']}"),
            Step("输入与输出通道不同：捷径为 1×1 投影卷积加 BN。" if proj else "输入与输出通道相同：恒等捷径，无参数。",
                 "Input and output channels differ: a 1x1 projection plus BN." if proj
                 else "Input and output channels match: identity shortcut, no parameters.",
                 f"{Ci}*{out} + 2*{out} = {c['shortcut']}" if proj else "0"),
            Step("相加。", "Add up.", f"{c['convs']} + {c['bn']} + {c['shortcut']} = {c['total']}"),
        ]
        conv3x3_as_1 = Ci * m + m * m + m * out
        no_expand_convs = Ci * m + 9 * m * m + m * m
        no_expand_short = 0 if Ci == m else Ci * m + 2 * m
        no_expand_bn = 6 * m
        mistakes = [
            Mistake("middle_as_1x1", Text("中间的 3×3 卷积当成了 1×1", "counted the middle 3x3 conv as 1x1"),
                    {"convs": conv3x3_as_1, "total": c["total"] - c["convs"] + conv3x3_as_1}),
            Mistake("forgot_expansion", Text("忘了最后一个 1×1 卷积扩展到 4m 通道", "forgot the 4x expansion of the "
                                             "last 1x1 conv"),
                    {"convs": no_expand_convs, "bn": no_expand_bn, "shortcut": no_expand_short,
                     "total": no_expand_convs + no_expand_bn + no_expand_short}),
            Mistake("bn_running_stats", Text("把 BN 的运行均值和方差也算成了参数（每通道 4 个）",
                                             "counted BN's running mean and variance as parameters (4 per channel)"),
                    {"bn": 2 * c["bn"], "shortcut": c["shortcut"] + (2 * out if proj else 0),
                     "total": c["total"] + c["bn"] + (2 * out if proj else 0)}),
            Mistake("conv_biases", Text("给卷积加了偏置（BN 前的卷积不用偏置）", "gave the convs biases (a conv "
                                        "followed by BN has none)"),
                    {"convs": c["convs"] + 2 * m + out, "shortcut": c["shortcut"] + (out if proj else 0),
                     "total": c["total"] + 2 * m + out + (out if proj else 0)}),
            Mistake("forgot_bn", Text("漏了 BN 的参数", "left out the batch-norm parameters"),
                    {"bn": 0, "shortcut": c["shortcut"] - (2 * out if proj else 0),
                     "total": c["convs"] + c["shortcut"] - (2 * out if proj else 0)}),
        ]
        if proj:
            mistakes.append(Mistake("forgot_projection", Text("漏了捷径上的 1×1 投影卷积", "forgot the 1x1 projection "
                                                               "on the shortcut"),
                                    {"shortcut": 0, "total": c["convs"] + c["bn"]}))
        else:
            mistakes.append(Mistake("projection_on_identity", Text("通道数相同时也加了投影卷积",
                                                                  "added a projection though the channels match"),
                                    {"shortcut": Ci * out + 2 * out, "total": c["total"] + Ci * out + 2 * out}))
        return Solution({k: c[k] for k in ("convs", "bn", "shortcut", "total")}, steps, mistakes)
