"""Weight initialisation scales: Xavier/Glorot and He/Kaiming.

Glorot & Bengio 2010 (eq. 12, 16); He et al. 2015 ("Delving deep into rectifiers", eq. 10)::

    Xavier:  Var(W) = 2 / (fan_in + fan_out)     uniform U(-a, a) with a = sqrt(6 / (fan_in + fan_out))
    He:      Var(W) = 2 / fan_in                 normal N(0, std^2) with std = sqrt(2 / fan_in)

fan_in / fan_out of a dense layer are its input / output sizes; of a k x k convolution they are
C_in*k*k and C_out*k*k (as PyTorch's ``_calculate_fan_in_and_fan_out``).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_choice, need_int, register,
)
from solvers.train_numbers import dec, pick

LAYERS = ("dense", "conv")

RANGES = {
    "easy": dict(layers=("dense",), n=(50, 100, 150, 200, 300, 400)),
    "medium": dict(layers=("conv", "dense"), n=(64, 128, 256, 512, 784, 1000),
                   c_in=(1, 3, 16, 32), c_out=(8, 16, 32, 64), k=(1, 3, 5)),
    "hard": dict(layers=("conv",), c_in=(3, 16, 32, 64, 128, 256), c_out=(16, 32, 64, 128, 256), k=(3, 5, 7)),
}


def fans(layer: str, n_in: int = 0, n_out: int = 0, c_in: int = 0, c_out: int = 0, k: int = 1) -> tuple[int, int]:
    """(fan_in, fan_out) of a dense layer or a k x k convolution.

    >>> fans("conv", c_in=3, c_out=64, k=3)
    (27, 576)
    """
    if layer == "dense":
        return n_in, n_out
    if layer == "conv":
        return c_in * k * k, c_out * k * k
    raise ValueError(f"layer must be dense or conv, got {layer!r}")


def init_scales(fan_in: int, fan_out: int) -> dict[str, float]:
    """Xavier variance and uniform bound, He variance and normal std.

    >>> init_scales(100, 100)["xavier_var"], init_scales(200, 10)["he_var"]
    (0.01, 0.01)
    """
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fans must be positive, got fan_in={fan_in}, fan_out={fan_out}")
    return {"xavier_var": 2 / (fan_in + fan_out), "xavier_bound": math.sqrt(6 / (fan_in + fan_out)),
            "he_var": 2 / fan_in, "he_std": math.sqrt(2 / fan_in)}


@register
class InitVariance(Kind):
    id = "init_variance"
    topic = "initialisation"
    chapter = "ch5_optimisation"
    title = Text("Xavier 与 He 初始化", "Xavier and He initialisation")
    description = "fan_in/fan_out of a dense or conv layer and the Xavier and He initialisation scales."
    params_help = {
        "layer": "dense or conv",
        "n_in": "dense: number of inputs (whole number >= 1)",
        "n_out": "dense: number of outputs (whole number >= 1)",
        "c_in": "conv: input channels", "c_out": "conv: output channels", "k": "conv: kernel size k (k x k)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        layer = str(pick(rng, r["layers"]))
        if layer == "dense":
            return {"layer": "dense", "n_in": int(pick(rng, r["n"])), "n_out": int(pick(rng, r["n"]))}
        return {"layer": "conv", "c_in": int(pick(rng, r["c_in"])), "c_out": int(pick(rng, r["c_out"])),
                "k": int(pick(rng, r["k"]))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        layer = need_choice(params, "layer", LAYERS)
        names = ("n_in", "n_out") if layer == "dense" else ("c_in", "c_out", "k")
        other = ("c_in", "c_out", "k") if layer == "dense" else ("n_in", "n_out")
        for name in other:
            if name in params:
                raise ParamError(name, f"does not apply to a {layer} layer (give {', '.join(names)})")
        out: dict[str, Any] = {"layer": layer}
        for name in names:
            out[name] = need_int(params, name, minimum=1, maximum=100_000)
        return out

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("fan_in", Text("fan_in", "fan_in"), integer=True),
                AnswerField("fan_out", Text("fan_out", "fan_out"), integer=True),
                AnswerField("xavier_var", Text("Xavier 方差", "Xavier variance"), decimals=6),
                AnswerField("xavier_bound", Text("Xavier 均匀分布边界 a", "Xavier uniform bound a"), decimals=6),
                AnswerField("he_var", Text("He 方差", "He variance"), decimals=6),
                AnswerField("he_std", Text("He 正态分布标准差", "He normal std"), decimals=6))

    def statement(self, params: Mapping[str, Any]) -> Text:
        if params["layer"] == "dense":
            zh = f"一个全连接层有 {params['n_in']} 个输入、{params['n_out']} 个输出。"
            en = f"A fully connected layer has {params['n_in']} inputs and {params['n_out']} outputs."
        else:
            c_in, c_out, k = params["c_in"], params["c_out"], params["k"]
            zh = (f"一个卷积层输入 {c_in} 个通道、输出 {c_out} 个通道，卷积核 {k}×{k}"
                  f"（fan_in = C_in·k·k，fan_out = C_out·k·k）。")
            en = (f"A convolution layer has {c_in} input channels, {c_out} output channels and {k}x{k} "
                  f"kernels (fan_in = C_in*k*k, fan_out = C_out*k*k).")
        return Text(
            zh + "求 fan_in、fan_out；Xavier 初始化的方差 2/(fan_in+fan_out) 及均匀分布 U(-a, a) 的边界 "
                 "a = √(6/(fan_in+fan_out))；He 初始化的方差 2/fan_in 及正态分布的标准差 √(2/fan_in)。"
                 "小数结果保留 6 位小数。",
            en + " Find fan_in and fan_out; the Xavier variance 2/(fan_in + fan_out) and the bound "
                 "a = sqrt(6/(fan_in + fan_out)) of its uniform U(-a, a); the He variance 2/fan_in and the "
                 "std sqrt(2/fan_in) of its normal distribution. Give decimal answers to 6 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        layer = params["layer"]
        fi, fo = fans(layer, params.get("n_in", 0), params.get("n_out", 0), params.get("c_in", 0),
                      params.get("c_out", 0), params.get("k", 1))
        s = init_scales(fi, fo)
        steps = []
        if layer == "conv":
            c_in, c_out, k = params["c_in"], params["c_out"], params["k"]
            steps.append(Step("卷积层的 fan 要乘上卷积核面积。", "A conv layer's fans include the kernel area.",
                              f"fan_in = {c_in}*{k}*{k} = {fi};  fan_out = {c_out}*{k}*{k} = {fo}"))
        else:
            steps.append(Step("全连接层：fan_in/fan_out 就是输入/输出个数。",
                              "Dense layer: the fans are the input and output sizes.",
                              f"fan_in = {fi};  fan_out = {fo}"))
        steps += [
            Step("Xavier：让前向与反向的方差都保持不变。", "Xavier keeps forward and backward variances equal.",
                 f"2/({fi}+{fo}) = {dec(s['xavier_var'], 6)};  a = sqrt(6/{fi + fo}) = {dec(s['xavier_bound'], 6)}"),
            Step("He：ReLU 丢掉一半，所以方差加倍为 2/fan_in。", "He: ReLU zeroes half the inputs, so use 2/fan_in.",
                 f"2/{fi} = {dec(s['he_var'], 6)};  std = sqrt(2/{fi}) = {dec(s['he_std'], 6)}"),
        ]
        mistakes = [
            Mistake("xavier_bound_is_std", Text("均匀分布边界用了 √(2/(fan_in+fan_out))（那是标准差）",
                                               "gave the std sqrt(2/(fan_in+fan_out)) as the uniform bound"),
                    {"xavier_bound": math.sqrt(s["xavier_var"])}),
            Mistake("xavier_one_over_sum", Text("Xavier 方差用了 1/(fan_in+fan_out)", "took Xavier variance 1/(fan_in+fan_out)"),
                    {"xavier_var": 1 / (fi + fo)}),
            Mistake("he_forgot_sqrt", Text("标准差忘了开方", "gave the variance as the std"),
                    {"he_std": s["he_var"]}),
            Mistake("lecun_not_he", Text("用了 1/fan_in（LeCun 初始化）", "used 1/fan_in (LeCun), not 2/fan_in"),
                    {"he_var": 1 / fi, "he_std": math.sqrt(1 / fi)}),
            Mistake("he_used_fan_out", Text("He 初始化用了 fan_out", "used fan_out in He initialisation"),
                    {"he_var": 2 / fo, "he_std": math.sqrt(2 / fo)}),
        ]
        if layer == "conv" and params["k"] > 1:
            w = init_scales(params["c_in"], params["c_out"])
            mistakes.append(Mistake("conv_fan_without_kernel", Text("卷积层的 fan 忘了乘 k·k", "left k*k out of the conv fans"),
                                    {"fan_in": params["c_in"], "fan_out": params["c_out"], **w}))
        answer = {"fan_in": fi, "fan_out": fo, **s}
        return Solution(answer, steps, mistakes, _exact(fi, fo))


def _exact(fi: int, fo: int) -> dict[str, str]:
    from fractions import Fraction

    return {"xavier_var": str(Fraction(2, fi + fo)), "xavier_bound": f"sqrt({Fraction(6, fi + fo)})",
            "he_var": str(Fraction(2, fi)), "he_std": f"sqrt({Fraction(2, fi)})"}
