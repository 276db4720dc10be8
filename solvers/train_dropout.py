"""Dropout at training and test time, inverted and classic.

Keep each unit with probability p (mask m_i = 1 kept, 0 dropped). Two equivalent ways to make the
expected training output equal the test output (Srivastava et al. 2014, JMLR 15; cs231n notes,
"inverted dropout"; PyTorch ``nn.Dropout`` is inverted)::

    inverted:  train  y = a * m / p        test  y = a
    classic:   train  y = a * m            test  y = p * a
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_choice, need_float,
    need_vector, register,
)
from solvers.train_numbers import num, pick, to_plain, vec_text

VARIANTS = ("inverted", "classic")
RANGES = {
    "easy": dict(n=(4,), p=(0.5,), variants=("inverted",)),
    "medium": dict(n=(4, 5), p=(0.5, 0.8, 0.75, 0.6), variants=("inverted", "classic")),
    "hard": dict(n=(5, 6), p=(0.4, 0.6, 0.7, 0.9, 0.75), variants=("inverted", "classic")),
}


def dropout_outputs(a: Any, mask: Any, p_keep: float, variant: str = "inverted") -> tuple[np.ndarray, np.ndarray]:
    """Training output (with ``mask``) and test output of dropout with keep probability ``p_keep``.

    >>> tr, te = dropout_outputs([2.0, 4.0], [1, 0], 0.5)
    >>> tr.tolist(), te.tolist()
    ([4.0, 0.0], [2.0, 4.0])
    """
    a = np.asarray(a, dtype=float)
    m = np.asarray(mask, dtype=float)
    if a.shape != m.shape:
        raise ValueError(f"mask has shape {m.shape} but the activations have {a.shape}")
    if not 0 < p_keep <= 1:
        raise ValueError(f"keep probability must be in (0, 1], got {p_keep}")
    if variant == "inverted":
        return a * m / p_keep, a.copy()
    if variant == "classic":
        return a * m, a * p_keep
    raise ValueError(f"variant must be inverted or classic, got {variant!r}")


@register
class DropoutScaling(Kind):
    id = "dropout_scaling"
    topic = "regularisation"
    chapter = "ch5_optimisation"
    title = Text("Dropout 的缩放", "Dropout scaling")
    description = "Training and test outputs of a dropout layer (inverted or classic scaling)."
    params_help = {
        "a": "the activations entering dropout, a list of numbers",
        "mask": "the sampled mask, a list of 0/1 of the same length (1 = kept)",
        "p_keep": "keep probability p, a number in (0, 1]",
        "variant": "inverted (scale by 1/p while training, as PyTorch) or classic (scale by p at test time)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        n = int(pick(rng, r["n"]))
        if difficulty == "easy":
            a = [int(v) for v in rng.integers(1, 6, size=n)]
        else:
            a = to_plain(rng.integers(1, 31, size=n) / 10)  # nonzero: a kept 0 teaches nothing
        while True:
            mask = [int(v) for v in rng.integers(0, 2, size=n)]
            if 0 < sum(mask) < n:  # at least one kept and one dropped
                break
        return {"a": a, "mask": mask, "p_keep": num(pick(rng, r["p"])),
                "variant": str(pick(rng, r["variants"]))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        a = need_vector(params, "a")
        mask = need_vector(params, "mask", length=len(a))
        if any(v not in (0, 1) for v in mask):
            raise ParamError("mask", f"must contain only 0 (dropped) and 1 (kept), got {vec_text(mask)}")
        p = need_float(params, "p_keep", minimum=0.0, maximum=1.0)
        if p == 0:
            raise ParamError("p_keep", "must be greater than 0 (p = 0 drops every unit)")
        return {"a": [num(v) for v in a], "mask": [int(v) for v in mask], "p_keep": num(p),
                "variant": need_choice(params, "variant", VARIANTS, default="inverted")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("train_output", Text("训练时的输出", "training output"), shape="vector", decimals=4),
                AnswerField("test_output", Text("测试时的输出", "test-time output"), shape="vector", decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        a, m, p, var = params["a"], params["mask"], params["p_keep"], params["variant"]
        if var == "inverted":
            conv_zh = "采用反向（inverted）dropout：训练时保留的单元除以 p，测试时不做缩放（PyTorch 的做法）"
            conv_en = ("Use inverted dropout: kept units are divided by p during training and nothing "
                       "is scaled at test time (as PyTorch does)")
        else:
            conv_zh = "采用原始（classic）dropout：训练时只做掩码、不缩放，测试时把输出乘以 p"
            conv_en = ("Use classic (non-inverted) dropout: training only applies the mask, and test-time "
                       "outputs are multiplied by p")
        return Text(
            f"某层的激活为 a = {vec_text(a)}，dropout 的保留概率 p = {fmt(p)}，本次采样的掩码为 "
            f"m = {vec_text(m)}（1 = 保留，0 = 丢弃）。{conv_zh}。求训练时和测试时该层的输出，"
            f"结果保留 4 位小数。",
            f"A layer's activations are a = {vec_text(a)}. Dropout keeps each unit with probability "
            f"p = {fmt(p)}; the sampled mask is m = {vec_text(m)} (1 = kept, 0 = dropped). {conv_en}. "
            f"Find the layer's output during training and at test time. Give your answers to 4 decimal "
            f"places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        a = np.asarray(params["a"], dtype=float)
        m = np.asarray(params["mask"], dtype=float)
        p, var = float(params["p_keep"]), params["variant"]
        train, test = dropout_outputs(a, m, p, var)
        if var == "inverted":
            steps = [Step("训练：a ⊙ m，再除以保留概率 p，使期望不变。",
                          "Training: a * m, then divide by the keep probability p so the expectation is unchanged.",
                          f"{vec_text(a * m)} / {fmt(p)} = {vec_text(train, 4)}"),
                     Step("测试：全部单元参与，不再缩放。", "Test: every unit takes part and nothing is rescaled.",
                          f"y = a = {vec_text(test)}")]
            mistakes = [
                Mistake("multiplied_by_p", Text("训练时乘以 p 而不是除以 p", "multiplied by p while training"),
                        {"train_output": (a * m * p).tolist()}),
                Mistake("scaled_test_too", Text("测试时又乘了 p（两种做法混用）", "also scaled by p at test time"),
                        {"test_output": (a * p).tolist()}),
            ]
            if p < 1:
                mistakes.insert(0, Mistake("divided_by_drop_prob", Text("除以了丢弃概率 1-p", "divided by the drop probability 1-p"),
                                           {"train_output": (a * m / (1 - p)).tolist()}))
        else:
            steps = [Step("训练：只做掩码 a ⊙ m，不缩放。", "Training: apply the mask a * m, no scaling.",
                          f"{vec_text(a)} * {vec_text(m)} = {vec_text(train)}"),
                     Step("测试：乘以 p，使输出等于训练时的期望。",
                          "Test: multiply by p so the output equals the training-time expectation.",
                          f"{fmt(p)} * {vec_text(a)} = {vec_text(test, 4)}")]
            mistakes = [
                Mistake("inverted_in_training", Text("训练时除以了 p（那是 inverted dropout）",
                                                     "divided by p while training (that is inverted dropout)"),
                        {"train_output": (a * m / p).tolist()}),
                Mistake("forgot_test_scaling", Text("测试时忘了乘 p", "forgot to multiply by p at test time"),
                        {"test_output": a.tolist()}),
                Mistake("test_divided_by_p", Text("测试时除以了 p", "divided by p at test time"),
                        {"test_output": (a / p).tolist()}),
                Mistake("masked_at_test", Text("测试时也用了掩码", "applied the mask at test time too"),
                        {"test_output": (a * m * p).tolist()}),
            ]
        answer = {"train_output": train.tolist(), "test_output": test.tolist()}
        return Solution(answer, steps, mistakes, _exact(params))


def _exact(params: Mapping[str, Any]) -> dict[str, str]:
    from solvers._exact_text import qlist
    from solvers._rounding import fraction

    a = [fraction(v) for v in params["a"]]
    p = fraction(params["p_keep"])
    m = params["mask"]
    if params["variant"] == "inverted":
        train, test = [ai * mi / p for ai, mi in zip(a, m)], a
    else:
        train, test = [ai * mi for ai, mi in zip(a, m)], [p * ai for ai in a]
    return {"train_output": qlist(train), "test_output": qlist(test)}
