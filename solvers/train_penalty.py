"""L1 and L2 weight penalties, and one SGD step with L2 weight decay.

Conventions used here (stated in every statement; Goodfellow et al., *Deep Learning*, 7.1)::

    L1 = lambda * sum_i |w_i|                 gradient  lambda * sign(w)   (0 at w_i = 0)
    L2 = (lambda / 2) * ||w||^2               gradient  lambda * w
    SGD with weight decay:  w <- w - lr * (g + lambda * w) = (1 - lr*lambda) w - lr*g

where g is the gradient of the data loss. With the other common convention L2 = lambda ||w||^2 the
gradient is 2 lambda w; mixing the two is the classic slip.
"""

from __future__ import annotations

import math
from decimal import localcontext
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, Solution, Step, Text, fmt, need_float, need_vector, register,
)
from solvers._rounding import EXACT_DECIMALS, Exact, exact_decimal
from solvers.train_numbers import dec, num, pick, to_plain, vec_text

RANGES = {
    "easy": dict(n=(3,), w=(-2, 2), lam=(0.1, 0.5), lr=(0.1, 0.5), g=(-1, 1)),
    "medium": dict(n=(3, 4), w=(-2.0, 2.0), lam=(0.01, 0.05, 0.1), lr=(0.1, 0.05, 0.5), g=(-1.0, 1.0)),
    "hard": dict(n=(4, 5), w=(-3.0, 3.0), lam=(0.001, 0.02, 0.05, 0.2), lr=(0.01, 0.1, 0.2), g=(-2.0, 2.0)),
}


def weight_penalties(w: Any, lam: float) -> tuple[float, float]:
    """(L1, L2) = (lambda * sum|w|, lambda/2 * ||w||^2).

    >>> weight_penalties([1.0, -2.0], 0.1)
    (0.30000000000000004, 0.25)
    """
    w = np.asarray(w, dtype=float)
    return float(lam * np.abs(w).sum()), float(lam / 2 * (w ** 2).sum())


def sgd_weight_decay_step(w: Any, g: Any, lam: float, lr: float) -> np.ndarray:
    """One SGD step on data loss + (lambda/2)||w||^2: w - lr*(g + lambda*w).

    >>> sgd_weight_decay_step([1.0], [0.5], 0.1, 0.1).tolist()
    [0.94]
    """
    w = np.asarray(w, dtype=float)
    g = np.asarray(g, dtype=float)
    if w.shape != g.shape:
        raise ValueError(f"gradient has shape {g.shape} but the weights have {w.shape}")
    return w - lr * (g + lam * w)


@register
class WeightPenalty(Kind):
    id = "weight_penalty"
    topic = "regularisation"
    chapter = "ch5_optimisation"
    title = Text("L1/L2 正则与权重衰减", "L1/L2 penalties and weight decay")
    description = "L1 and L2 penalties of a weight vector and one SGD step with L2 weight decay."
    params_help = {
        "w": "the weights, a list of numbers",
        "grad": "the data-loss gradient at w, a list of the same length",
        "lam": "regularisation strength lambda >= 0",
        "lr": "learning rate > 0",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        n = int(pick(rng, r["n"]))
        if difficulty == "easy":
            w = [int(v) for v in rng.integers(r["w"][0], r["w"][1] + 1, size=n)]
            g = [int(v) for v in rng.integers(r["g"][0], r["g"][1] + 1, size=n)]
        else:
            w = to_plain(rng.integers(round(r["w"][0] * 10), round(r["w"][1] * 10) + 1, size=n) / 10)
            g = to_plain(rng.integers(round(r["g"][0] * 10), round(r["g"][1] * 10) + 1, size=n) / 10)
        if not any(w):
            w[0] = 1
        return {"w": w, "grad": g, "lam": num(pick(rng, r["lam"])), "lr": num(pick(rng, r["lr"]))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        w = need_vector(params, "w")
        return {"w": [num(v) for v in w],
                "grad": [num(v) for v in need_vector(params, "grad", length=len(w))],
                "lam": num(need_float(params, "lam", minimum=0.0)),
                "lr": num(need_float(params, "lr", minimum=1e-12))}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("l1", Text("L1 惩罚", "L1 penalty"), decimals=4),
                AnswerField("l2", Text("L2 惩罚", "L2 penalty"), decimals=4),
                AnswerField("w_new", Text("一步更新后的权重", "weights after one step"), shape="vector",
                            decimals=4, points=2))

    def statement(self, params: Mapping[str, Any]) -> Text:
        w, g, lam, lr = params["w"], params["grad"], params["lam"], params["lr"]
        return Text(
            f"权重 w = {vec_text(w)}，正则化系数 λ = {fmt(lam)}。约定 L1 惩罚 = λΣ|w_i|，"
            f"L2 惩罚 = (λ/2)‖w‖²。(1) 求 L1 惩罚；(2) 求 L2 惩罚；(3) 数据损失对 w 的梯度为 "
            f"g = {vec_text(g)}，学习率 η = {fmt(lr)}，用带 L2 权重衰减的 SGD 更新一步 "
            f"w ← w - η(g + λw)，求新的 w。结果保留 4 位小数。",
            f"The weights are w = {vec_text(w)} and the regularisation strength is lambda = {fmt(lam)}. "
            f"Conventions: L1 penalty = lambda * sum|w_i|, L2 penalty = (lambda/2) * ||w||^2. "
            f"(1) Find the L1 penalty. (2) Find the L2 penalty. (3) The data-loss gradient is "
            f"g = {vec_text(g)} and the learning rate is {fmt(lr)}; take one SGD step with L2 weight "
            f"decay, w <- w - lr*(g + lambda*w), and give the new w. Give your answers to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        # plain Python floats: three to five numbers, where each NumPy call costs more than the
        # arithmetic (the same operations in the same order as weight_penalties and
        # sgd_weight_decay_step, and sums of so few terms add left to right: the same bits)
        w = [float(x) for x in params["w"]]
        g = [float(x) for x in params["grad"]]
        lam, lr = float(params["lam"]), float(params["lr"])
        abs_sum, square_sum = sum(abs(x) for x in w), sum(x * x for x in w)
        l2 = lam / 2 * square_sum
        exact = _exact_answer(params)
        decayed = vec_text([gi + lam * wi for gi, wi in zip(g, w)], 4)
        steps = [
            Step("L1：绝对值之和乘 λ。", "L1: lambda times the sum of absolute values.",
                 f"{fmt(lam)} * {fmt(abs_sum)} = {dec(exact['l1'], 4)}"),
            Step("L2：平方和乘 λ/2。", "L2: lambda/2 times the sum of squares.",
                 f"{fmt(lam)}/2 * {fmt(square_sum)} = {dec(exact['l2'], 4)}"),
            Step("L2 惩罚的梯度是 λw，加到数据梯度上。", "The L2 penalty adds lambda*w to the gradient.",
                 f"g + lambda*w = {decayed}"),
            Step("沿负梯度走一步。", "Step against the gradient.",
                 f"w - {fmt(lr)} * {decayed} = {vec_text(exact['w_new'], 4)}"),
        ]
        mistakes = [
            Mistake("l2_without_half", Text("L2 忘了 1/2（用了 λ‖w‖²）", "left out the 1/2 in L2"),
                    {"l2": 2 * l2}),
            Mistake("l2_norm_not_squared", Text("L2 用了范数而不是范数的平方", "used ||w|| instead of ||w||^2"),
                    {"l2": lam / 2 * math.sqrt(square_sum)}),
            Mistake("l1_without_abs", Text("L1 忘了取绝对值", "forgot the absolute values in L1"),
                    {"l1": lam * sum(w)}),
            Mistake("decay_gradient_doubled", Text("衰减梯度用了 2λw（混用了两种 L2 约定）",
                                                   "used 2*lambda*w as the decay gradient (mixed conventions)"),
                    {"w_new": [wi - lr * (gi + 2 * lam * wi) for wi, gi in zip(w, g)]}),
            Mistake("decay_without_lr", Text("权重衰减项没乘学习率", "did not multiply the decay by the learning rate"),
                    {"w_new": [wi - lr * gi - lam * wi for wi, gi in zip(w, g)]}),
            Mistake("decay_sign", Text("衰减项符号错误（把权重变大了）", "added the decay with the wrong sign"),
                    {"w_new": [wi - lr * (gi - lam * wi) for wi, gi in zip(w, g)]}),
        ]
        answer = exact  # rational: an exact ...5 must not print from a float below it
        return Solution(answer, steps, mistakes, _exact(exact))


def _exact_answer(params: Mapping[str, Any]) -> dict[str, Any]:
    """l1, l2 and w_new in exact arithmetic (as Exact floats): each number read as the decimal it
    prints as, in Decimal with room for every digit (exact: no rounding at 200 digits), then the
    same rationals as Fraction arithmetic gives, several times faster."""
    with localcontext(EXACT_DECIMALS):
        w = [exact_decimal(v) for v in params["w"]]
        g = [exact_decimal(v) for v in params["grad"]]
        lam, lr = exact_decimal(params["lam"]), exact_decimal(params["lr"])
        l1, l2 = lam * sum(abs(v) for v in w), lam / 2 * sum(v * v for v in w)
        w_new = [wi - lr * (gi + lam * wi) for wi, gi in zip(w, g)]
    return {"l1": Exact(Fraction(l1)), "l2": Exact(Fraction(l2)), "w_new": [Exact(Fraction(v)) for v in w_new]}


def _exact(exact: Mapping[str, Any]) -> dict[str, str]:
    from solvers._exact_text import qlist

    return {"l1": str(exact["l1"].exact), "l2": str(exact["l2"].exact),
            "w_new": qlist(v.exact for v in exact["w_new"])}
