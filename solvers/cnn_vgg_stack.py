"""VGG's argument: n stacked 3x3 convolutions versus one large (2n+1)x(2n+1) convolution.

Simonyan & Zisserman, "Very Deep Convolutional Networks" (VGG, 2014), section 2.3: a stack of n
3x3 conv layers (stride 1) has a (2n+1)x(2n+1) receptive field; with C channels in and out it has
n * 3*3*C*C weights against (2n+1)^2 * C*C for the single layer (27C^2 vs 49C^2 for n = 3), and
puts n non-linearities in place of one. Without biases the weight ratio is 9n/(2n+1)^2.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, Solution, Step, Text, need_int, register
from solvers._base import need_bool
from solvers.cnn_conv_params import conv_param_count

RANGES = {
    "easy": dict(n=(2, 3), C=(1, 8, 16, 32, 64), bias=0.0),
    "medium": dict(n=(2, 3), C=(32, 64, 128, 256), bias=0.3),
    "hard": dict(n=(2, 3, 4, 5), C=(48, 96, 128, 256, 512), bias=0.5),
}
RATIO_DECIMALS = 4


def vgg_stack_comparison(n: int, channels: int, bias: bool = False) -> dict[str, Any]:
    """Receptive field and parameters of n stacked 3x3 convs vs one (2n+1)x(2n+1) conv.

    >>> vgg_stack_comparison(3, 64)["params_stack"], vgg_stack_comparison(3, 64)["params_single"]
    (110592, 200704)
    """
    if n < 1 or channels < 1:
        raise ValueError(f"need n >= 1 and channels >= 1, got n={n}, channels={channels}")
    big = 2 * n + 1  # each stride-1 3x3 layer widens the receptive field by 2
    stack = n * conv_param_count(channels, channels, 3, bias)
    single = conv_param_count(channels, channels, big, bias)
    return {"receptive_field": big, "params_stack": stack, "params_single": single,
            "ratio": stack / single}


@register
class VggStack(Kind):
    id = "vgg_stack"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("VGG：堆叠小卷积核与大卷积核的比较", "VGG: stacked 3x3 convs versus one large conv")
    description = "Receptive field and parameters of n stacked 3x3 convs vs one (2n+1)x(2n+1) conv, and their ratio."
    params_help = {"n": "number of stacked 3x3 layers, a whole number >= 1",
                   "channels": "channels C in and out of every layer, a whole number >= 1",
                   "bias": "whether the layers have biases: true/false (default false)"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        return dict(n=int(rng.choice(r["n"])), channels=int(rng.choice(r["C"])),
                    bias=bool(rng.random() < r["bias"]))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(n=need_int(params, "n", minimum=1, maximum=50),
                    channels=need_int(params, "channels", minimum=1),
                    bias=need_bool(params, "bias", default=False))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (
            AnswerField("receptive_field", Text("堆叠后的感受野边长", "receptive field of the stack (side)"),
                        integer=True),
            AnswerField("params_stack", Text("堆叠小卷积的参数量", "parameters of the 3x3 stack"), integer=True),
            AnswerField("params_single", Text("单个大卷积的参数量", "parameters of the single large conv"),
                        integer=True),
            AnswerField("ratio", Text("参数量之比（堆叠/单个）", "ratio stack / single"), decimals=RATIO_DECIMALS),
        )

    def statement(self, params: Mapping[str, Any]) -> Text:
        n, C, b = params["n"], params["channels"], params["bias"]
        bz, be = ("每层带偏置" if b else "不计偏置"), ("each layer has biases" if b else "ignore biases")
        return Text(
            f"VGG 用 {n} 个堆叠的 3×3 卷积（步幅 1）代替一个大卷积。设每层输入、输出通道数都是 {C}，{bz}。"
            f"求：(1) 堆叠后的感受野边长；(2) 这 {n} 层的总参数量；(3) 具有相同感受野的单个卷积层的参数量；"
            f"(4) 参数量之比（堆叠/单个，保留 {RATIO_DECIMALS} 位小数）。",
            f"VGG replaces one large convolution by {n} stacked 3x3 convolutions (stride 1). Every layer "
            f"has {C} input and {C} output channels; {be}. Find (1) the receptive field of the stack, "
            f"(2) the parameters of the {n} layers, (3) the parameters of a single conv layer with the "
            f"same receptive field, (4) the ratio stack/single to {RATIO_DECIMALS} decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        from fractions import Fraction  # the exact ratio without SymPy (3 ms per problem)

        from solvers._rounding import Exact, round_half_up

        n, C, b = params["n"], params["channels"], params["bias"]
        res = vgg_stack_comparison(n, C, b)
        big, stack, single = res["receptive_field"], res["params_stack"], res["params_single"]
        exact = Fraction(stack, single)
        res["ratio"] = Exact(exact)  # the key rounds half up from the exact ratio
        bias_s = f" + {C}" if b else ""
        steps = [
            Step("每个 3×3（步幅 1）层使感受野增加 2。", "Each stride-1 3x3 layer adds 2 to the receptive field.",
                 f"1 + 2*{n} = {big}"),
            Step("堆叠的参数：n 层，每层 3·3·C·C" + ("，每层再加 C 个偏置。" if b else "。"),
                 "The stack: n layers of 3*3*C*C each" + (", each layer plus C biases." if b else "."),
                 f"{n}*(3*3*{C}*{C}{bias_s}) = {stack}"),
            Step("单个大卷积：(2n+1)²·C·C" + ("，再加 C 个偏置。" if b else "。"),
                 "One large conv: (2n+1)^2*C*C" + (", plus C biases." if b else "."),
                 f"{big}*{big}*{C}*{C}{bias_s} = {single}"),
            Step("比值。" + ("无偏置时为 9n/(2n+1)²，与 C 无关。" if not b else ""),
                 "Ratio." + (" Without biases it is 9n/(2n+1)^2, whatever C is." if not b else ""),
                 f"{stack}/{single} = {exact} ≈ {round_half_up(res['ratio'], RATIO_DECIMALS)}"),
        ]
        wrong_single = conv_param_count(C, C, 3 * n, b)
        mistakes = [
            Mistake("summed_kernels", Text("感受野算成 3n（把核大小直接相加）", "took the receptive field as 3n"),
                    {"receptive_field": 3 * n, "params_single": wrong_single, "ratio": stack / wrong_single}),
            Mistake("forgot_in_channels", Text("参数量只乘了一次 C", "multiplied by C only once"),
                    {"params_stack": n * (9 * C + (C if b else 0)),
                     "params_single": big * big * C + (C if b else 0)}),
            Mistake("one_layer_only", Text("堆叠只算了一层的参数", "counted one layer of the stack"),
                    {"params_stack": stack // n, "ratio": (stack // n) / single}),
            Mistake("ratio_inverted", Text("比值倒过来了（单个/堆叠）", "inverted the ratio (single/stack)"),
                    {"ratio": single / stack}),
        ]
        return Solution(res, steps, mistakes, exact={"ratio": str(exact)})
