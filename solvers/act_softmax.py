"""Softmax probabilities and the cross-entropy loss of the true class.

Definitions (Goodfellow et al., *Deep Learning*, 6.2.2.3; cs231n "Softmax classifier")::

    p_k = e^(z_k) / sum_j e^(z_j)          L = -ln p_y = ln(sum_j e^(z_j)) - z_y

Natural log throughout (as PyTorch ``cross_entropy``). Computed with the max subtracted first,
which changes nothing mathematically but keeps e^z from overflowing.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_int, need_vector, register,
)
from solvers._rounding import carry
from solvers.train_numbers import dec, num, pick, picks, to_plain, vec_text

CARRY = 6  # decimal places of e^z and their sum in the steps (the statement asks for at least 6)

RANGES = {
    "easy": dict(K=(3,), z=(-1, 0, 1, 2)),
    "medium": dict(K=(3, 4), z=(-2.0, 3.0)),
    "hard": dict(K=(4, 5), z=(-3.0, 4.0)),
}


def softmax_cross_entropy(logits: Any, target: int) -> tuple[np.ndarray, float]:
    """Softmax of ``logits`` and -ln p[target] (``target`` counted from 0).

    >>> p, loss = softmax_cross_entropy([0.0, 0.0], 0)
    >>> p.tolist(), round(loss, 4)
    ([0.5, 0.5], 0.6931)
    """
    z = np.asarray(logits, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits must be a list of at least 2 numbers, got shape {z.shape}")
    if not 0 <= target < z.size:
        raise ValueError(f"target class {target} is outside 0..{z.size - 1}")
    shifted = z - z.max()  # same softmax, no overflow
    e = np.exp(shifted)
    p = e / e.sum()
    loss = float(math.log(e.sum()) - shifted[target])
    return p, loss


@register
class SoftmaxCrossEntropy(Kind):
    id = "softmax_cross_entropy"
    topic = "activation"
    chapter = "ch1_cnn"
    title = Text("Softmax 与交叉熵", "Softmax and cross-entropy")
    description = "Softmax probabilities of a logit vector and the cross-entropy of the true class."
    params_help = {
        "logits": "the scores z, a list of 2-10 numbers",
        "target": "the true class, counted from 1 (1 = the first logit)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        K = int(pick(rng, r["K"]))
        if difficulty == "easy":
            z = [num(v) for v in picks(rng, r["z"], K)]
        else:
            lo, hi = r["z"]
            z = to_plain(rng.integers(round(lo * 10), round(hi * 10) + 1, size=K) / 10)
        return {"logits": z, "target": int(rng.integers(1, K + 1))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        z = need_vector(params, "logits")
        if not 2 <= len(z) <= 10:
            raise ParamError("logits", f"must have 2 to 10 scores, got {len(z)}")
        if max(z) - min(z) > 100:
            raise ParamError("logits", "the scores must lie within 100 of each other")
        target = need_int(params, "target", minimum=1, maximum=len(z))
        return {"logits": [num(v) for v in z], "target": target}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("probs", Text("softmax 概率", "softmax probabilities"), shape="vector",
                            decimals=4, points=2),
                AnswerField("loss", Text("交叉熵损失", "cross-entropy loss"), decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        z, t = params["logits"], params["target"]
        K = len(z)
        return Text(
            f"某分类网络对 {K} 个类别输出的得分（logits）为 z = {vec_text(z)}，真实类别为第 {t} 类"
            f"（类别从 1 开始编号：第 1 类是第一个得分）。"
            f"(1) 求 softmax 概率 p；(2) 求交叉熵损失 L = -ln p_{t}（自然对数）。结果保留 4 位小数"
            f"（e^z 及其和至少保留 6 位小数；L 请用未舍入的 p 计算，例如 L = ln Σe^z - z_{t}）。",
            f"A classifier outputs the logits z = {vec_text(z)} over {K} classes; the true class is "
            f"class {t}, counting classes from 1 (class 1 is the first logit, class {t} the logit in "
            f"position {t}). (1) Find the softmax probabilities p. (2) Find the cross-entropy loss "
            f"L = -ln p_{t} (natural log). Give your answers to 4 decimal places (carry e^z and their "
            f"sum to at least 6 decimal places; compute L from the unrounded p, e.g. "
            f"L = ln(sum of e^z) - z_{t}).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        z = np.asarray(params["logits"], dtype=float)
        y = int(params["target"]) - 1
        p, loss = softmax_cross_entropy(z, y)
        e = np.exp(z)
        # as the steps carry it (e^z to 6 places, their sum, p and L from those): the second key
        e6 = carry(e, CARRY)
        total6 = float(e6.sum())
        p6, loss6 = e6 / total6, math.log(total6) - float(z[y])
        steps = [
            Step("对每个得分取指数（保留 6 位小数）。", "Exponentiate each score (to 6 places).",
                 "e^z = " + vec_text(e6, CARRY)),
            Step("除以总和得到概率（和为 1）。", "Divide by their sum so they add up to 1.",
                 f"sum = {dec(total6, CARRY)};  p = " + vec_text(p6, 4)),
            # -ln of the 4-place p_y can miss the 4-place loss (-ln 0.0900 = 2.4079, not 2.4076);
            # ln(sum) - z_y needs no rounded probability
            Step("交叉熵只看真实类别的概率：L = -ln p_y = ln Σe^z - z_y。",
                 "Cross-entropy uses only the true class: L = -ln p_y = ln(sum of e^z) - z_y.",
                 f"L = ln({dec(total6, CARRY)}) - ({fmt(z[y])}) = {dec(loss6, 4)}"),
        ]
        mistakes = [
            Mistake("log10", Text("用了以 10 为底的对数", "used log10 instead of ln"),
                    {"loss": loss / math.log(10)}),
            Mistake("forgot_normalise", Text("忘了除以指数和（没有归一化）", "forgot to divide by the sum"),
                    {"probs": e.tolist(), "loss": float(-z[y])}),
            Mistake("dropped_minus", Text("忘了负号", "dropped the minus sign"), {"loss": -loss}),
        ]
        if z[y] > 0:
            mistakes.append(Mistake("used_logit", Text("直接用了 logit 而不是概率", "used the logit instead of the probability"),
                                    {"loss": float(-math.log(z[y]))}))
        if np.all(z > 0):
            mistakes.append(Mistake("linear_normalise", Text("直接按得分比例归一化（没取指数）",
                                                             "normalised the raw scores (no exponential)"),
                                    {"probs": (z / z.sum()).tolist(), "loss": float(-math.log(z[y] / z.sum()))}))
        answer = {"probs": p.tolist(), "loss": loss}
        return Solution(answer, steps, mistakes, _exact(params),
                        carried={"probs": p6.tolist(), "loss": loss6})


def _exact(params: Mapping[str, Any]) -> dict[str, str]:
    from solvers._exact_text import exp_of, q

    z = params["logits"]
    y = int(params["target"]) - 1
    total = " + ".join(exp_of(v) for v in z)
    return {"probs": "[" + ", ".join(f"{exp_of(v)}/({total})" for v in z) + "]",
            "loss": f"log({total}) - ({q(z[y])})"}
