"""Gradient clipping by the global L2 norm: the ``grad_clip`` kind.

Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks" (ICML 2013),
algorithm 1; the rule of PyTorch ``torch.nn.utils.clip_grad_norm_`` (which adds 1e-6 to the norm;
here, as on paper, nothing is added)::

    norm  = sqrt(sum over ALL tensors and components of g^2)          (one global norm)
    scale = max_norm / norm   if norm > max_norm,   else 1
    g_i  <- scale * g_i       for every tensor g_i (the direction is kept, the length capped)
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations_with_replacement
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_float, register,
)
from solvers._rounding import half_up
from solvers.train_numbers import carried, num, rounded_text, vec_text

DECIMALS = 4
# Named difficulty ranges: how many tensors, their lengths, the component range, whether the
# global norm is a whole number (a Pythagorean set of components) and how often the norm is
# already under the cap (then nothing changes).
RANGES = {
    "easy": dict(tensors=(1,), length=(2, 3), top=8, whole_norm=True, under=0.0),
    "medium": dict(tensors=(2,), length=(1, 2), top=8, whole_norm=True, under=0.15),
    "hard": dict(tensors=(2, 3), length=(1, 3), top=9, whole_norm=False, under=0.1),
}
NAMES = ("g_W1", "g_b1", "g_W2")


def global_norm(grads: list[list[float]]) -> float:
    """sqrt of the sum of squares over every component of every tensor.

    >>> global_norm([[3.0], [4.0]])
    5.0
    """
    return math.sqrt(sum(float(x) ** 2 for g in grads for x in g))


def clip_by_global_norm(grads: list[list[float]], max_norm: float) -> tuple[float, float, list[list[float]]]:
    """(norm, scale, clipped tensors).

    >>> clip_by_global_norm([[3.0, 4.0]], 1.0)
    (5.0, 0.2, [[0.6000000000000001, 0.8]])
    """
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return norm, scale, [[scale * float(x) for x in g] for g in grads]


def _draw(rng: np.random.Generator, n: int, length: tuple[int, int], top: int) -> list[list[int]]:
    sizes = [int(rng.integers(length[0], length[1] + 1)) for _ in range(n)]
    while sum(sizes) < 2:
        sizes[0] += 1
    return [[int(v) * (1 if rng.random() < 0.5 else -1) for v in rng.integers(0, top + 1, size=s)]
            for s in sizes]


@lru_cache(maxsize=None)
def _whole_norm_sets(count: int, top: int) -> tuple[tuple[int, ...], ...]:
    """Every multiset of ``count`` magnitudes in 0..top, at least two non-zero, whose squares add
    up to a perfect square (3, 4 -> 5; 2, 3, 6 -> 7; ...): found once, then drawn from."""
    out = []
    for combo in combinations_with_replacement(range(top + 1), count):
        sq = sum(v * v for v in combo)
        if sum(v != 0 for v in combo) >= 2 and math.isqrt(sq) ** 2 == sq:
            out.append(combo)
    return tuple(out)


def _whole_norm_grads(rng: np.random.Generator, n: int, length: tuple[int, int], top: int) -> list[list[int]]:
    sizes = [int(rng.integers(length[0], length[1] + 1)) for _ in range(n)]
    while sum(sizes) < 2:
        sizes[0] += 1
    choices = _whole_norm_sets(sum(sizes), top)
    values = list(choices[int(rng.integers(len(choices)))])
    order = rng.permutation(len(values)).tolist()
    signs = (rng.random(len(values)) < 0.5).tolist()
    flat = [values[i] * (-1 if neg else 1) for i, neg in zip(order, signs)]
    out, start = [], 0
    for size in sizes:
        out.append(flat[start:start + size])
        start += size
    return out


@register
class GradClip(Kind):
    id = "grad_clip"
    topic = "optimiser"
    chapter = "ch5_optimisation"
    title = Text("按范数梯度裁剪", "Gradient clipping by norm")
    description = "Clip gradients by their global L2 norm: norm, scale factor and the clipped gradients."
    params_help = {
        "grads": "the gradient tensors, flattened, as a list of 1-4 lists, e.g. [[3, -4], [12]]",
        "max_norm": "the largest allowed global norm, a number > 0",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        n = int(rng.choice(r["tensors"]))
        if r["whole_norm"]:
            grads = _whole_norm_grads(rng, n, r["length"], r["top"])
        else:
            grads = _draw(rng, n, r["length"], r["top"])
            while not any(grads[0]) or global_norm(grads) == 0:
                grads = _draw(rng, n, r["length"], r["top"])
        norm = global_norm(grads)
        if rng.random() < r["under"]:
            max_norm = num(math.ceil(norm) + int(rng.integers(0, 3)))
        else:  # a cap clearly below the norm, one decimal at most
            max_norm = num(max(0.5, round(float(rng.uniform(0.2, 0.8)) * norm * 2) / 2))
            if max_norm >= norm:
                max_norm = num(max(0.5, math.floor(norm) - 1))
        return {"grads": grads, "max_norm": max_norm}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw = need(params, "grads")
        if not isinstance(raw, (list, tuple)) or not raw or not all(isinstance(g, (list, tuple)) for g in raw):
            raise ParamError("grads", "must be a list of gradient tensors, each a list of numbers, e.g. [[3, -4], [12]]")
        if len(raw) > 4 or sum(len(g) for g in raw) > 16:
            raise ParamError("grads", f"must hold at most 4 tensors and 16 numbers in all, got {len(raw)} tensors")
        grads = []
        for g in raw:
            try:
                arr = np.asarray(g, dtype=float)
            except (TypeError, ValueError):
                raise ParamError("grads", "every tensor must be a list of numbers") from None
            if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
                raise ParamError("grads", "every tensor must be a non-empty list of finite numbers")
            grads.append([num(x) for x in arr])
        if global_norm(grads) == 0:
            raise ParamError("grads", "are all zero, so there is no norm to clip")
        max_norm = need_float(params, "max_norm", minimum=0.0)
        if max_norm <= 0:
            raise ParamError("max_norm", f"must be greater than 0, got {num(max_norm)}")
        return {"grads": grads, "max_norm": num(max_norm)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        out = [AnswerField("norm", Text("全局 L2 范数", "global L2 norm"), decimals=DECIMALS),
               AnswerField("scale", Text("缩放因子", "scale factor"), decimals=DECIMALS)]
        for i in range(len(params["grads"])):
            name = NAMES[i] if i < len(NAMES) else f"g_{i + 1}"
            out.append(AnswerField(f"clipped_{i + 1}", Text(f"裁剪后的 {name}", f"clipped {name}"),
                                   shape="vector", decimals=DECIMALS))
        return tuple(out)

    def statement(self, params: Mapping[str, Any]) -> Text:
        grads, c = params["grads"], fmt(params["max_norm"])
        listed = "，".join(f"{_name(i)} = {vec_text(g)}" for i, g in enumerate(grads))
        listed_en = ", ".join(f"{_name(i)} = {vec_text(g)}" for i, g in enumerate(grads))
        return Text(
            f"一次反向传播得到的梯度（已展平）为 {listed}。按全局 L2 范数裁剪，阈值 max_norm = {c}："
            f"把所有张量的全部分量合在一起求一个范数 norm；若 norm > max_norm，每个张量都乘以 "
            f"max_norm/norm，否则不变（缩放因子为 1，分母不加 ε）。求 norm、缩放因子和裁剪后的每个梯度，"
            f"均保留 {DECIMALS} 位小数（中间值至少保留 6 位）。",
            f"One backward pass gives the (flattened) gradients {listed_en}. Clip them by the global "
            f"L2 norm with max_norm = {c}: one norm is taken over every component of every tensor; "
            f"if norm > max_norm every tensor is multiplied by max_norm/norm, otherwise nothing "
            f"changes (scale factor 1; no epsilon is added). Give the norm, the scale factor and each "
            f"clipped gradient to {DECIMALS} decimal places (carry at least 6 in between).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        grads, c = params["grads"], float(params["max_norm"])
        norm, scale, clipped = clip_by_global_norm(grads, c)
        sq = sum(float(x) ** 2 for g in grads for x in g)
        squares = " + ".join(f"({fmt(x)})^2" if x < 0 else f"{fmt(x)}^2" for g in grads for x in g)
        steps = [
            Step("把所有张量的分量放在一起，求平方和再开方（一个全局范数）。",
                 "Put the components of all tensors together: sum the squares, then take the root "
                 "(one global norm).",
                 f"norm = sqrt({squares}) = sqrt({fmt(sq)}) = {carried(norm)}"),
        ]
        # the steps as a student carries them (norm and scale to 6 places, the clipped values from
        # the shown scale), and the second accepted key from them: from the unrounded scale such a
        # student was marked wrong in 1 of 300 problems (measured)
        norm6 = half_up(norm, 6)
        scale6 = half_up(c / norm6, 6) if norm > c else 1.0
        clipped6 = [[scale6 * float(x) for x in g] for g in grads]
        scale_text = rounded_text(scale6, c / norm6) if norm > c else "1"
        if norm > c:
            steps.append(Step("norm 大于 max_norm，缩放因子为 max_norm/norm。",
                              "The norm exceeds max_norm, so the scale factor is max_norm/norm.",
                              f"scale = {fmt(c)}/{carried(norm)} = {scale_text}"))
        else:
            steps.append(Step("norm 不大于 max_norm，不裁剪：缩放因子为 1，梯度不变。",
                              "The norm does not exceed max_norm: no clipping, scale factor 1, the "
                              "gradients are unchanged.", f"{carried(norm)} <= {fmt(c)}, scale = 1"))
        for i, (g, cg) in enumerate(zip(grads, clipped6)):
            steps.append(Step(f"每个分量乘以缩放因子：{_name(i)}。", f"Multiply every component by the scale: {_name(i)}.",
                              f"{scale_text} * {vec_text(g)} = {vec_text(cg, DECIMALS)}"))
        answer: dict[str, Any] = {"norm": norm, "scale": scale}
        answer.update({f"clipped_{i + 1}": cg for i, cg in enumerate(clipped)})
        carried_key: dict[str, Any] = {"scale": scale6}
        carried_key.update({f"clipped_{i + 1}": cg for i, cg in enumerate(clipped6)})
        return Solution(answer, steps, _mistakes(grads, c, norm, scale), carried=carried_key)


def _name(i: int) -> str:
    return NAMES[i] if i < len(NAMES) else f"g_{i + 1}"


def _mistakes(grads: list[list[float]], c: float, norm: float, scale: float) -> list[Mistake]:
    def clipped(s: float) -> dict[str, Any]:
        return {f"clipped_{i + 1}": [s * float(x) for x in g] for i, g in enumerate(grads)}

    out = []
    if len(grads) > 1:  # each tensor clipped by its own norm: a different scale per tensor
        own = {}
        for i, g in enumerate(grads):
            n_i = global_norm([g])
            s_i = c / n_i if n_i > c else 1.0
            own[f"clipped_{i + 1}"] = [s_i * float(x) for x in g]
        out.append(Mistake("per_tensor", Text("对每个张量分别按各自的范数裁剪，而不是用全局范数",
                                               "clipped each tensor by its own norm instead of the global norm"),
                           own))
    if norm > c:
        out.append(Mistake("inverted_scale", Text("缩放因子写反了（用了 norm/max_norm）",
                                                   "inverted the scale factor (norm/max_norm)"),
                           {"scale": norm / c, **clipped(norm / c)}))
        l1 = sum(abs(float(x)) for g in grads for x in g)
        s1 = c / l1 if l1 > c else 1.0
        out.append(Mistake("l1_norm", Text("用了 L1 范数（绝对值之和）", "used the L1 norm (sum of absolute values)"),
                           {"norm": l1, "scale": s1, **clipped(s1)}))
        sq = norm * norm
        s2 = c / sq if sq > c else 1.0
        out.append(Mistake("no_square_root", Text("忘了开平方（用了平方和）", "forgot the square root (used the sum of squares)"),
                           {"norm": sq, "scale": s2, **clipped(s2)}))
        out.append(Mistake("clip_by_value", Text("按值裁剪：把每个分量截到 [-max_norm, max_norm]",
                                                 "clipped by value: cut each component to [-max_norm, max_norm]"),
                           {f"clipped_{i + 1}": [min(c, max(-c, float(x))) for x in g] for i, g in enumerate(grads)}))
    else:
        out.append(Mistake("always_rescale", Text("范数未超过阈值也做了缩放（把梯度放大到 max_norm）",
                                                  "rescaled although the norm was under the cap (stretched the gradient to max_norm)"),
                           {"scale": c / norm, **clipped(c / norm)}))
    return out
