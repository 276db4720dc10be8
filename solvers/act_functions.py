"""Activation functions and their derivatives; the ``activation`` kind.

Definitions (Goodfellow, Bengio & Courville, *Deep Learning*, 6.3; Maas et al. 2013 for leaky
ReLU)::

    sigmoid(x) = 1 / (1 + e^-x)          sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))   (<= 1/4)
    tanh(x)    = (e^x - e^-x)/(e^x + e^-x) tanh'(x)  = 1 - tanh(x)^2                 (<= 1)
    relu(x)    = max(0, x)               relu'(x)    = 1 if x > 0 else 0
    leaky(x)   = x if x > 0 else a x     leaky'(x)   = 1 if x > 0 else a

At x = 0 ReLU has no derivative; like PyTorch we take the value on the left (0, or a for leaky).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_choice, need_float,
    register,
)
from solvers.train_numbers import dec, num, one_decimal

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid 1/(1+e^-x), elementwise, without overflow for large |x|.

    >>> round(float(sigmoid(0.0)), 4)
    0.5
    """
    # (1 + tanh(x/2))/2: the same function, no overflow, and half the NumPy calls of the
    # two-branch form (the recurrent kinds call it hundreds of times per problem)
    return 0.5 + 0.5 * np.tanh(0.5 * np.asarray(x, dtype=float))


def activation_value(function: str, x: float, alpha: float = 0.01) -> float:
    """f(x) for one of ``FUNCTIONS``.

    >>> activation_value("leaky_relu", -2.0, alpha=0.1)
    -0.2
    """
    if function == "sigmoid":
        return float(sigmoid(x))
    if function == "tanh":
        return math.tanh(x)
    if function == "relu":
        return max(0.0, x)
    if function == "leaky_relu":
        return x if x > 0 else alpha * x
    raise ValueError(f"unknown activation {function!r}; expected one of {', '.join(FUNCTIONS)}")


def activation_derivative(function: str, x: float, alpha: float = 0.01) -> float:
    """f'(x) for one of ``FUNCTIONS`` (left derivative at the ReLU kink, as PyTorch).

    >>> round(activation_derivative("sigmoid", 0.0), 4), activation_derivative("tanh", 0.0)
    (0.25, 1.0)
    """
    if function == "sigmoid":
        s = float(sigmoid(x))
        return s * (1.0 - s)
    if function == "tanh":
        return 1.0 - math.tanh(x) ** 2
    if function == "relu":
        return 1.0 if x > 0 else 0.0
    if function == "leaky_relu":
        return 1.0 if x > 0 else alpha
    raise ValueError(f"unknown activation {function!r}; expected one of {', '.join(FUNCTIONS)}")


# Named difficulty ranges: inputs x and leaky slopes alpha.
RANGES = {
    "easy": dict(x=(-2, -1, -0.5, 0, 0.5, 1, 2), alpha=(0.1,)),
    "medium": dict(x=(-3.0, 3.0), alpha=(0.1, 0.2, 0.01)),
    "hard": dict(x=(-5.0, 5.0), alpha=(0.01, 0.05, 0.2, 0.3)),
}


@register
class Activation(Kind):
    id = "activation"
    topic = "activation"
    chapter = "ch1_cnn"
    title = Text("激活函数的值与导数", "Activation value and derivative")
    description = "Value and derivative of sigmoid, tanh, ReLU or leaky ReLU at a point."
    params_help = {
        "function": "one of sigmoid, tanh, relu, leaky_relu",
        "x": "the input x, a number",
        "alpha": "leaky ReLU slope for x <= 0, a number in [0, 1) (default 0.01; leaky_relu only)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        function = str(rng.choice(FUNCTIONS))
        if difficulty == "easy":
            x = num(rng.choice(r["x"]))
        else:
            x = one_decimal(rng, *r["x"])
        if function in ("relu", "leaky_relu"):
            # keep away from the kink; the negative side is where students slip, so favour it
            x = num(-abs(x) if rng.random() < 0.65 else abs(x)) or num(-1)
        p: dict[str, Any] = {"function": function, "x": x}
        if function == "leaky_relu":
            p["alpha"] = num(rng.choice(r["alpha"]))
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p: dict[str, Any] = {"function": need_choice(params, "function", FUNCTIONS),
                             "x": num(need_float(params, "x", minimum=-50, maximum=50))}
        if p["function"] == "leaky_relu":
            p["alpha"] = num(need_float(params, "alpha", minimum=0.0, maximum=0.999, default=0.01))
        elif "alpha" in params:
            raise ParamError("alpha", f"only applies to leaky_relu, not {p['function']}")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("value", Text("函数值 f(x)", "value f(x)"), decimals=4),
                AnswerField("derivative", Text("导数 f'(x)", "derivative f'(x)"), decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        fn, x = params["function"], params["x"]
        name = NAMES[fn]
        slope_zh = f"（负半轴斜率 α = {fmt(params['alpha'])}）" if fn == "leaky_relu" else ""
        slope_en = f" with slope alpha = {fmt(params['alpha'])} for x <= 0" if fn == "leaky_relu" else ""
        kink_zh = "（x = 0 处导数取左导数）" if fn in ("relu", "leaky_relu") and x == 0 else ""
        kink_en = " (at x = 0 take the left derivative)" if fn in ("relu", "leaky_relu") and x == 0 else ""
        # f' of sigmoid/tanh is computed from f(x): rounding f(x) to 4 places first can move f' by a unit
        carry = fn in ("sigmoid", "tanh")
        carry_zh = "（求导数时请用 f(x) 的未舍入值）" if carry else ""
        carry_en = " (use the unrounded f(x) when you compute f'(x))" if carry else ""
        return Text(
            f"激活函数 f 为 {name}{slope_zh}。求 x = {fmt(x)} 处的函数值 f(x) 与导数 f'(x){kink_zh}，"
            f"结果保留 4 位小数{carry_zh}。",
            f"The activation f is {name}{slope_en}. Find f(x) and f'(x) at x = {fmt(x)}{kink_en}. "
            f"Give your answers to 4 decimal places{carry_en}.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        fn, x = params["function"], float(params["x"])
        alpha = float(params.get("alpha", 0.01))
        value = activation_value(fn, x, alpha)
        deriv = activation_derivative(fn, x, alpha)
        answer = {"value": value, "derivative": deriv}
        mistakes = _mistakes(fn, x, alpha, value, deriv)
        return Solution(answer, _steps(fn, x, alpha, value, deriv), mistakes, _exact(fn, x, alpha))


def _steps(fn: str, x: float, alpha: float, value: float, deriv: float) -> list[Step]:
    X = fmt(x)
    if fn == "sigmoid":
        return [Step("sigmoid(x) = 1/(1+e^(-x))。", "sigmoid(x) = 1/(1+e^(-x)).",
                     f"sigmoid({X}) = 1/(1+e^({fmt(-x)})) = {dec(value, 4)}"),
                Step("导数 σ'(x) = σ(x)(1-σ(x))。", "The derivative is s(x)(1 - s(x)).",
                     f"{dec(value, 6)} * (1 - {dec(value, 6)}) = {dec(deriv, 4)}")]
    if fn == "tanh":
        return [Step("tanh(x) = (e^x - e^-x)/(e^x + e^-x)。", "tanh(x) = (e^x - e^-x)/(e^x + e^-x).",
                     f"tanh({X}) = {dec(value, 4)}"),
                Step("导数 tanh'(x) = 1 - tanh²(x)。", "The derivative is 1 - tanh(x)^2.",
                     f"1 - {dec(value, 6)}^2 = {dec(deriv, 4)}")]
    side_zh = "x > 0，取正半轴" if x > 0 else "x <= 0，取负半轴"
    side_en = "x > 0: the positive branch" if x > 0 else "x <= 0: the negative branch"
    if fn == "relu":
        return [Step(f"ReLU(x) = max(0, x)；{side_zh}。", f"ReLU(x) = max(0, x); {side_en}.",
                     f"ReLU({X}) = {fmt(value)}"),
                Step("导数：x > 0 为 1，否则为 0。", "Derivative: 1 for x > 0, else 0.",
                     f"ReLU'({X}) = {fmt(deriv)}")]
    return [Step(f"leaky ReLU：x > 0 时为 x，否则为 αx；{side_zh}。",
                 f"leaky ReLU is x for x > 0 and alpha*x otherwise; {side_en}.",
                 f"f({X}) = {dec(value, 4)}"),
            Step("导数：x > 0 为 1，否则为 α。", "Derivative: 1 for x > 0, alpha otherwise.",
                 f"f'({X}) = {fmt(deriv)}")]


def _mistakes(fn: str, x: float, alpha: float, value: float, deriv: float) -> list[Mistake]:
    if fn == "sigmoid":
        return [
            Mistake("sigmoid_derivative_is_value", Text("把 σ' 当成 σ 本身", "took s' = s instead of s(1-s)"),
                    {"derivative": value}),
            Mistake("sigmoid_derivative_one_minus", Text("把 σ' 写成 1-σ", "took s' = 1 - s"),
                    {"derivative": 1.0 - value}),
            Mistake("sigmoid_sign", Text("指数符号错误：用了 1/(1+e^x)", "sign slip: used 1/(1+e^x)"),
                    {"value": 1.0 - value}),
        ]
    if fn == "tanh":
        return [
            Mistake("tanh_derivative_not_squared", Text("tanh' 写成 1 - tanh（忘了平方）",
                                                        "took tanh' = 1 - tanh (not squared)"),
                    {"derivative": 1.0 - value}),
            Mistake("tanh_derivative_sigmoid_form", Text("用了 sigmoid 的导数形式 t(1-t)",
                                                         "used the sigmoid form t(1 - t)"),
                    {"derivative": value * (1.0 - value)}),
            Mistake("tanh_as_sigmoid", Text("把 tanh 当成 sigmoid 计算", "computed a sigmoid instead of tanh"),
                    {"value": float(sigmoid(x))}),
        ]
    if fn == "relu":
        return [
            Mistake("relu_no_clamp", Text("没有截断负值（把 ReLU 当恒等映射）", "did not clip negatives (identity)"),
                    {"value": x, "derivative": 1.0}),
            Mistake("relu_derivative_is_value", Text("把导数写成函数值", "gave the value as the derivative"),
                    {"derivative": value}),
        ]
    flipped = alpha * x if x > 0 else x
    return [
        Mistake("leaky_slope_wrong_side", Text("把小斜率放在了正半轴", "put the small slope on the positive side"),
                {"value": flipped, "derivative": alpha if x > 0 else 1.0}),
        Mistake("leaky_as_relu", Text("当成普通 ReLU（负半轴为 0）", "treated it as a plain ReLU (0 for x <= 0)"),
                {"value": max(0.0, x), "derivative": 1.0 if x > 0 else 0.0}),
        Mistake("leaky_derivative_is_value", Text("把导数写成函数值", "gave the value as the derivative"),
                {"derivative": value}),
    ]


def _exact(fn: str, x: float, alpha: float) -> dict[str, str]:
    from solvers._exact_text import q, sigmoid_of, sigmoid_slope_of

    X = q(x)
    if fn == "sigmoid":
        return {"value": sigmoid_of(x), "derivative": sigmoid_slope_of(x)}
    if fn == "tanh":
        return {"value": f"tanh({X})", "derivative": f"1 - tanh({X})^2"}
    if fn == "relu":
        return {"value": X if x > 0 else "0", "derivative": "1" if x > 0 else "0"}
    return {"value": X if x > 0 else q(Fraction(repr(float(alpha))) * Fraction(repr(float(x)))),
            "derivative": "1" if x > 0 else q(alpha)}
