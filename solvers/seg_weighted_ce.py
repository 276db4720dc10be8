"""Class-weighted cross-entropy over the pixels of a segmentation output.

With softmax probabilities p_i (one row per pixel), true classes t_i and class weights w_k
(Long et al. 2015 and Ronneberger et al. 2015, U-Net eq. 1, weight the per-pixel loss; PyTorch
``nn.CrossEntropyLoss(weight=w)`` documents both normalisations)::

    l_i  = -w_(t_i) * ln p_i[t_i]
    loss = sum_i l_i / N                  "mean over pixels"
    loss = sum_i l_i / sum_i w_(t_i)      "weighted mean" (PyTorch's reduction='mean' with weights)

The statement says which normalisation is asked; the natural logarithm is used throughout.
"""

from __future__ import annotations

import math
import random
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_choice, need_matrix, need_vector,
    register,
)
from solvers._rounding import half_up
from solvers.det_iou import pick, py_random
from solvers.rnn_cells import CARRY
from solvers.train_numbers import carried, num, vec_text

RANGES = {
    "easy": dict(K=(2,), N=(3,), weights=((1, 2), (1, 3), (0.5, 2), (1, 4)), norms=("pixels",)),
    "medium": dict(K=(3,), N=(4,), weights=(0.5, 1, 2, 3), norms=("pixels", "weights")),
    "hard": dict(K=(3, 4), N=(5, 6), weights=(0.2, 0.5, 1, 1.5, 2, 4), norms=("weights", "weights", "pixels")),
}
NORMS = ("pixels", "weights")


def weighted_cross_entropy(probs: Any, targets: Any, weights: Any, normalise: str = "pixels") -> tuple[list[float], float]:
    """Per-pixel weighted losses and their normalised sum.

    >>> losses, loss = weighted_cross_entropy([[0.5, 0.5], [0.25, 0.75]], [0, 1], [2, 1], "weights")
    >>> [round(x, 4) for x in losses], round(loss, 4)
    ([1.3863, 0.2877], 0.558)
    """
    p = np.asarray(probs, dtype=float)
    t = np.asarray(targets, dtype=int)
    w = np.asarray(weights, dtype=float)[t]
    losses = -w * np.log(p[np.arange(len(t)), t])
    return losses.tolist(), float(losses.sum() / (len(t) if normalise == "pixels" else w.sum()))


def _draw_row(rnd: random.Random, K: int) -> list[float]:
    """K probabilities with two decimals, each at least 0.05, summing to 1: K - 1 distinct cuts
    among 0.05, 0.10, ..., 0.95 (so every part is at least 0.05)."""
    cuts: list[int] = []
    while len(cuts) < K - 1:
        c = 5 * (1 + int(rnd.random() * 19))
        if c not in cuts:
            cuts.append(c)
    cuts.sort()
    return [num((b - a) / 100) for a, b in zip([0] + cuts, cuts + [100])]


@register
class WeightedCrossEntropy(Kind):
    id = "weighted_cross_entropy"
    topic = "segmentation"
    chapter = "ch7_segmentation"
    title = Text("加权交叉熵（分割）", "Class-weighted cross-entropy (segmentation)")
    description = "Per-pixel losses -w_t ln p_t and their mean over pixels or over the weights."
    params_help = {
        "probs": "softmax probabilities, one row per pixel (N x K), each row summing to 1",
        "targets": "the true class of each pixel, N whole numbers counted from 0",
        "class_weights": "one weight per class, K numbers > 0",
        "normalise": "pixels (divide by N) or weights (divide by the sum of the true classes' weights)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        u = rnd.random
        K, N = pick(rnd, r["K"]), pick(rnd, r["N"])
        if difficulty == "easy":
            w = list(pick(rnd, r["weights"]))
            if u() < 0.5:
                w = w[::-1]
        else:
            while True:  # unequal weights, or the weighting changes nothing
                w = [num(pick(rnd, r["weights"])) for _ in range(K)]
                if len(set(w)) > 1:
                    break
        while True:
            targets = [int(u() * K) for _ in range(N)]
            if len(set(targets)) > 1 and len({w[t] for t in targets}) > 1:
                break
        return {"probs": [_draw_row(rnd, K) for _ in range(N)], "targets": targets,
                "class_weights": [num(x) for x in w], "normalise": pick(rnd, r["norms"])}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        probs = np.asarray(need_matrix(params, "probs", min_cols=2))
        N, K = probs.shape
        if N > 100:
            raise ParamError("probs", f"has {N} rows; give at most 100 pixels")
        if (probs <= 0).any() or (probs > 1).any() or not np.allclose(probs.sum(axis=1), 1, atol=1e-6):
            raise ParamError("probs", "every row must hold probabilities in (0, 1] summing to 1")
        raw_t = need(params, "targets")
        targets = need_vector(params, "targets", length=N)
        if not all(float(t).is_integer() and 0 <= t < K for t in targets):
            raise ParamError("targets", f"must be class indices 0..{K - 1}, one per row of probs"
                             if isinstance(raw_t, (list, tuple)) else "must be a list of class indices")
        w = need_vector(params, "class_weights", length=K)
        if min(w) <= 0:
            raise ParamError("class_weights", "must all be greater than 0")
        return {"probs": [[num(x) for x in row] for row in probs], "targets": [int(t) for t in targets],
                "class_weights": [num(x) for x in w], "normalise": need_choice(params, "normalise", NORMS,
                                                                                default="pixels")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("pixel_losses", Text("各像素的加权损失", "weighted loss of each pixel"), shape="vector",
                            decimals=4),
                AnswerField("loss", Text("总损失", "the loss"), decimals=4, points=2.0))

    def statement(self, params: Mapping[str, Any]) -> Text:
        pairs = list(enumerate(zip(params["probs"], params["targets"]), start=1))
        rows_zh = "\n".join(f"像素 {i}：p = {vec_text(p)}，真实类别 {t}" for i, (p, t) in pairs)
        rows = "\n".join(f"pixel {i}: p = {vec_text(p)}, true class {t}" for i, (p, t) in pairs)
        w = vec_text(params["class_weights"])
        N = len(params["targets"])
        if params["normalise"] == "pixels":
            nz, ne = f"除以像素数 N = {N}（对像素取平均）", f"divided by the number of pixels N = {N} (the mean over pixels)"
        else:
            nz = "除以各像素真实类别权重之和（PyTorch 带 weight 时 reduction='mean' 的做法）"
            ne = "divided by the sum of the weights of the pixels' true classes (PyTorch's reduction='mean' with weights)"
        return Text(
            f"分割网络对 {N} 个像素输出的 softmax 概率（类别从 0 开始编号）和真实类别如下：\n{rows_zh}\n"
            f"类别权重 w = {w}（依次对应类别 0, 1, ...）。每个像素的损失为 l = −w_t·ln p_t（t 为真实类别，自然对数），"
            f"总损失为各像素损失之和{nz}。求各像素的损失和总损失，保留 4 位小数。",
            f"A segmentation network gives the softmax probabilities below for {N} pixels (classes counted "
            f"from 0), with each pixel's true class:\n{rows}\nThe class weights are w = {w} (for classes 0, 1, "
            f"... in order). Each pixel's loss is l = -w_t * ln p_t (t the true class, natural log); the loss "
            f"is the sum of the pixel losses {ne}. Find each pixel's loss and the loss, to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        probs, targets, w = params["probs"], params["targets"], params["class_weights"]
        norm = params["normalise"]
        losses, loss = weighted_cross_entropy(probs, targets, w, norm)
        N = len(targets)
        # the steps write ln p to 6 places, the product w * ln p exactly, and carry those products
        ln6 = [half_up(-math.log(p[t]), CARRY) for p, t in zip(probs, targets)]
        l_written = [w[t] * v for t, v in zip(targets, ln6)]
        l6 = [half_up(v, CARRY) for v in l_written]
        total6 = sum(l6)
        steps = []
        for i, (p, t) in enumerate(zip(probs, targets), start=1):
            steps.append(Step(f"像素 {i}：真实类别 {t}，取 p_{t} 和 w_{t}。",
                              f"Pixel {i}: true class {t}; take p_{t} and w_{t}.",
                              f"l_{i} = -{fmt(w[t])} * ln({fmt(p[t])}) = {fmt(w[t])} * {carried(ln6[i - 1])} = "
                              f"{carried(l6[i - 1])}"))
        total = sum(losses)
        wsum = sum(w[t] for t in targets)
        den, den_text = (N, f"N = {N}") if norm == "pixels" else (wsum, " + ".join(fmt(w[t]) for t in targets)
                                                                  + f" = {fmt(wsum)}")
        steps.append(Step("各像素损失相加。", "Add the pixel losses.",
                          " + ".join(carried(x) for x in l6) + f" = {carried(total6)}"))
        steps.append(Step("除以像素数。" if norm == "pixels" else "除以真实类别权重之和。",
                          "Divide by the number of pixels." if norm == "pixels" else
                          "Divide by the sum of the true classes' weights.",
                          f"{den_text};  {carried(total6)} / {fmt(den)} = {fmt(total6 / den, 4)}"))
        plain = [-math.log(p[t]) for p, t in zip(probs, targets)]
        top = [p.index(max(p)) for p in probs]  # the predicted class: the first largest, as np.argmax
        pred_w = [w[k] * -math.log(p[t]) for k, p, t in zip(top, probs, targets)]
        max_p = [w[t] * -math.log(max(p)) for p, t in zip(probs, targets)]
        log10 = [w[t] * -math.log10(p[t]) for p, t in zip(probs, targets)]
        other = total / (wsum if norm == "pixels" else N)
        mistakes = [
            Mistake("forgot_weights", Text("忘了乘类别权重（普通交叉熵）", "left out the class weights (plain "
                                           "cross-entropy)"),
                    {"pixel_losses": plain, "loss": sum(plain) / N}),
            Mistake("other_normalisation", Text("归一化用错了（像素数与权重之和弄混）",
                                                "used the other normalisation (pixel count vs sum of weights)"),
                    {"loss": other}),
            Mistake("summed_not_averaged", Text("只求和，没有归一化", "summed the losses without normalising"),
                    {"loss": total}),
            Mistake("log10", Text("用了以 10 为底的对数", "used log base 10"),
                    {"pixel_losses": log10, "loss": sum(log10) / den}),
            Mistake("predicted_class_weight", Text("用了预测类别（最大概率）的权重，而不是真实类别的",
                                                   "weighted by the predicted (most likely) class instead of the "
                                                   "true class"),
                    {"pixel_losses": pred_w,
                     "loss": sum(pred_w) / (N if norm == "pixels" else sum(w[k] for k in top))}),
            Mistake("largest_probability", Text("取了最大的概率而不是真实类别的概率", "took the largest "
                                                "probability instead of the true class's"),
                    {"pixel_losses": max_p, "loss": sum(max_p) / den}),
        ]
        return Solution({"pixel_losses": losses, "loss": loss}, steps, mistakes,
                        carried={"pixel_losses": l_written, "loss": total6 / den})
