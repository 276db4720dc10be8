"""Why sigmoid gradients vanish: the chain-rule product through T sigmoid units.

For a chain of scalar units a_t = sigmoid(z_t), z_t = w_t a_(t-1) + b_t, the chain rule gives
(Goodfellow et al., *Deep Learning*, 8.2.5; Hochreiter 1991; Bengio, Simard & Frasconi 1994)::

    d a_T / d a_0 = prod_t  w_t * sigmoid'(z_t),      sigmoid'(z) = s(z)(1 - s(z)) <= 1/4

so |d a_T / d a_0| <= prod_t |w_t| * (1/4)^T, which shrinks geometrically unless |w_t| > 4.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_vector, register,
)
from solvers._rounding import Exact, carry_list, fraction
from solvers.act_functions import sigmoid
from solvers.train_numbers import dec, num, pick, picks, to_plain, vec_text

# The product is asked to 6 places; s' rounded to 4 places moves it in 5-60% of items (measured).
CARRY = 6

RANGES = {
    "easy": dict(T=(3, 4), z=(-2, -1, 0, 1, 2), w=(1,)),
    "medium": dict(T=(3, 4), z=(-2.0, 2.0), w=(-1, 0.5, 1, 1.5, 2)),
    "hard": dict(T=(4, 5), z=(-3.0, 3.0), w=(-3.0, 3.0)),
}


def sigmoid_chain_gradient(z: Any, w: Any) -> tuple[float, float]:
    """The chain-rule product prod w_t s'(z_t) and its bound prod |w_t| / 4^T.

    >>> sigmoid_chain_gradient([0, 0], [1, 1])
    (0.0625, 0.0625)
    """
    z = np.asarray(z, dtype=float)
    w = np.asarray(w, dtype=float)
    if z.shape != w.shape or z.ndim != 1:
        raise ValueError(f"z and w must be lists of the same length, got {z.shape} and {w.shape}")
    s = sigmoid(z)
    return float(np.prod(w * s * (1 - s))), float(np.prod(np.abs(w)) * 0.25 ** z.size)


@register
class SigmoidVanishing(Kind):
    id = "sigmoid_vanishing"
    topic = "gradient"
    chapter = "ch5_optimisation"
    title = Text("sigmoid 梯度消失", "Vanishing gradients through sigmoids")
    description = "Chain-rule product of w*sigmoid'(z) over T units, and its (1/4)^T bound."
    params_help = {
        "z": "the pre-activations z_1..z_T, a list of 1-10 numbers",
        "w": "the weights w_1..w_T, a list of the same length (default all 1)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        T = int(pick(rng, r["T"]))
        if difficulty == "easy":
            z = [num(v) for v in picks(rng, r["z"], T)]
        else:
            lo, hi = r["z"]
            z = to_plain(rng.integers(round(lo * 10), round(hi * 10) + 1, size=T) / 10)
        if difficulty == "hard":
            lo, hi = r["w"]
            w = to_plain(picks(rng, [v for v in range(round(lo * 10), round(hi * 10) + 1) if v], T) / 10)
        else:
            w = [num(v) for v in picks(rng, r["w"], T)]
        return {"z": z, "w": w}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        z = need_vector(params, "z")
        if len(z) > 10:
            raise ParamError("z", f"at most 10 pre-activations, got {len(z)}")
        if any(abs(v) > 50 for v in z):
            raise ParamError("z", "pre-activations must lie in [-50, 50]")
        w = need_vector(params, "w", length=len(z)) if "w" in params else [1] * len(z)
        return {"z": [num(v) for v in z], "w": [num(v) for v in w]}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("product", Text("梯度乘积 ∂a_T/∂a_0", "gradient product d a_T / d a_0"),
                            decimals=6, points=2),
                AnswerField("bound", Text("上界 ∏|w_t|·(1/4)^T", "bound prod|w_t| (1/4)^T"), decimals=6))

    def statement(self, params: Mapping[str, Any]) -> Text:
        z, w = params["z"], params["w"]
        T = len(z)
        ones = all(v == 1 for v in w)
        w_zh = "所有权重 w_t = 1" if ones else f"权重 w = {vec_text(w)}"
        w_en = "all weights w_t = 1" if ones else f"the weights are w = {vec_text(w)}"
        return Text(
            f"一条由 {T} 个标量 sigmoid 单元组成的链：a_t = σ(z_t)，z_t = w_t·a_(t-1) + b_t。"
            f"前向传播得到的预激活为 z = {vec_text(z)}，{w_zh}。"
            f"(1) 用链式法则求 ∂a_T/∂a_0 = ∏ w_t·σ'(z_t)；"
            f"(2) 求与 z 无关的上界 ∏|w_t|·(1/4)^T。结果保留 6 位小数"
            f"（中间的 σ、σ' 也至少保留 6 位小数）。",
            f"A chain of {T} scalar sigmoid units: a_t = s(z_t), z_t = w_t*a_(t-1) + b_t. The forward "
            f"pass gave pre-activations z = {vec_text(z)}, and {w_en}. (1) By the chain rule find "
            f"d a_T/d a_0 = prod_t w_t*s'(z_t). (2) Find the bound prod_t |w_t| * (1/4)^T, which holds "
            f"whatever the z_t. Give your answers to 6 decimal places (carry s and s' to at least 6 "
            f"decimal places in between).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        # one sigmoid call (NumPy's tanh), the rest in plain floats: three to five numbers, where a
        # NumPy call costs more than the arithmetic (products and sums of so few terms run left to
        # right in NumPy too: the same bits as sigmoid_chain_gradient)
        w = [float(v) for v in params["w"]]
        s = sigmoid(np.asarray(params["z"], dtype=float)).tolist()
        d = [si * (1 - si) for si in s]
        product = math.prod(wi * si * (1 - si) for wi, si in zip(w, s))
        T = len(w)
        abs_w = math.prod(abs(wi) for wi in w)
        # prod|w_t| / 4^T is rational: an exact ...5 must not print from a float just below it
        bound_q = math.prod(abs(fraction(v)) for v in params["w"]) / 4 ** T
        bound = Exact(bound_q)
        # as the steps carry it: s and s' to 6 places, s' from the rounded s (the second key)
        s6 = carry_list(s, CARRY)
        d6 = carry_list([si * (1 - si) for si in s6], CARRY)
        carried = math.prod(wi * di for wi, di in zip(w, d6))
        steps = [
            Step("先算每个单元的 σ(z_t)。", "First each unit's s(z_t).",
                 "s(z) = " + vec_text(s6, CARRY)),
            Step("σ'(z) = σ(z)(1-σ(z))，最大值 1/4（在 z = 0 处）。",
                 "s'(z) = s(z)(1 - s(z)), at most 1/4 (at z = 0).", "s'(z) = " + vec_text(d6, CARRY)),
            Step("链式法则：逐层相乘 w_t·σ'(z_t)。", "Chain rule: multiply w_t*s'(z_t) over the layers.",
                 " * ".join(f"({fmt(wi)}*{dec(di, CARRY)})" for wi, di in zip(w, d6))
                 + f" = {dec(carried, 6)} (= {carried:.3e})"),
            Step("由 σ' <= 1/4 得上界；每多一层至少缩小为原来的 |w|/4。",
                 "Since s' <= 1/4, each layer multiplies the bound by |w_t|/4.",
                 f"{fmt(abs_w)} * 0.25^{T} = {dec(bound, 6)} (= {bound:.3e})"),
        ]
        mistakes = [
            Mistake("used_sigmoid_not_derivative", Text("乘的是 σ(z) 而不是 σ'(z)", "multiplied s(z) instead of s'(z)"),
                    {"product": math.prod(wi * si for wi, si in zip(w, s))}),
            Mistake("summed_not_multiplied", Text("把各层相加而不是相乘", "added the layers instead of multiplying"),
                    {"product": sum(wi * di for wi, di in zip(w, d))}),
            Mistake("forgot_weights", Text("忘了乘权重 w_t", "left out the weights w_t"),
                    {"product": math.prod(d)}),
            Mistake("bound_one_half", Text("误以为 σ' 的最大值是 1/2", "took the maximum of s' as 1/2"),
                    {"bound": abs_w * 0.5 ** T}),
        ]
        answer = {"product": product, "bound": bound}
        return Solution(answer, steps, mistakes, _exact(params, bound_q), carried={"product": carried})


def _exact(params: Mapping[str, Any], bound: Fraction) -> dict[str, str]:
    from solvers._exact_text import atom, q, sigmoid_slope_of

    product = "*".join(f"{atom(wi)}*{sigmoid_slope_of(zi)}" for zi, wi in zip(params["z"], params["w"]))
    return {"product": product, "bound": q(bound)}
