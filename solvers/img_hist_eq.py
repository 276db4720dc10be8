"""Histogram equalisation of a small image with L grey levels, by the cumulative histogram.

Gonzalez & Woods, *Digital Image Processing* (3rd ed.), 3.3.1, eq. (3.3-8)::

    p_k = n_k / N                      (the normalised histogram, N pixels)
    s_k = (L - 1) * sum_{j <= k} p_j   (the CDF scaled to 0 .. L-1)
    s_k is rounded to the nearest integer, halves up (s = 2.5 -> 3)

Every pixel of level k becomes s_k. Arithmetic is exact (fractions), so a value that is exactly
a half is rounded up as the statement says, never by the accident of binary floats.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import accumulate
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, int_matrix, need_int, register,
)
from solvers.img_edges import check_image

# Named difficulty ranges: image side, number of grey levels L, the band of levels used (a
# low-contrast image is what equalisation is for).
RANGES = {
    "easy": dict(size=4, levels=8, band=(3, 5)),
    "medium": dict(size=5, levels=8, band=(4, 6)),
    "hard": dict(size=6, levels=16, band=(6, 10)),
}


def half_up(x: Fraction) -> int:
    """Nearest integer, halves rounded up (x >= 0).

    >>> half_up(Fraction(5, 2)), half_up(Fraction(7, 3))
    (3, 2)
    """
    return int((2 * x.numerator + x.denominator) // (2 * x.denominator))


def equalisation_map(hist: Any, levels: int, scale: int | None = None) -> list[tuple[Fraction, int]]:
    """(exact s_k, rounded s_k) for k = 0 .. L-1 from the histogram counts n_k.

    ``scale`` replaces L-1 (only to compute the "used L" mistake).

    >>> [s for _, s in equalisation_map([790, 1023, 850, 656, 329, 245, 122, 81], 8)]
    [1, 3, 5, 6, 6, 7, 7, 7]
    """
    counts = [int(c) for c in hist]
    if len(counts) != levels:
        raise ValueError(f"the histogram needs {levels} counts, got {len(counts)}")
    n = sum(counts)
    if n <= 0:
        raise ValueError("the histogram is empty")
    factor = levels - 1 if scale is None else scale
    out, running = [], 0
    for c in counts:
        running += c
        s = Fraction(factor * running, n)
        out.append((s, half_up(s)))
    return out


def equalise(image: Any, levels: int) -> tuple[list[int], np.ndarray]:
    """(mapping s_0..s_(L-1), equalised image)."""
    img = np.asarray(image, dtype=np.int64)
    hist = np.bincount(img.ravel(), minlength=levels)
    mapping = [s for _, s in equalisation_map(hist, levels)]
    return mapping, np.asarray(mapping)[img]


@register
class HistogramEqualisation(Kind):
    id = "hist_eq"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("直方图均衡化", "Histogram equalisation")
    description = "Histogram equalisation of a small image: s_k = round((L-1) * CDF(k)), and the new image."
    params_help = {
        "image": "a small grey image, whole numbers in 0..L-1",
        "levels": "the number of grey levels L (2..256), e.g. 8 or 16",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        L, n = r["levels"], r["size"]
        while True:
            width = int(rng.integers(r["band"][0], r["band"][1] + 1))
            lo = int(rng.integers(0, L - width + 1))
            probs = rng.dirichlet(np.full(width, 1.5))
            img = [[lo + v for v in row] for row in rng.choice(width, size=(n, n), p=probs).tolist()]
            hist = _histogram(img, L)
            mapping = [(2 * a + d) // (2 * d) for a, d in _scaled_cdf(hist, L - 1)]
            # at least 3 levels and a mapping that really stretches the range
            if sum(1 for c in hist if c) >= 3 and any(mapping[k] != k for k, c in enumerate(hist) if c):
                return {"image": img, "levels": L}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        L = need_int(params, "levels", minimum=2, maximum=256)
        img = check_image(params, "image", 1, top=255)
        if np.asarray(img).max() >= L:
            raise ParamError("image", f"grey levels must be below levels = {L}, found {np.asarray(img).max()}")
        return {"image": img, "levels": L}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("mapping", Text("映射 s_0..s_(L-1)", "mapping s_0..s_(L-1)"), shape="vector", integer=True),
                AnswerField("output", Text("均衡化后的图像", "equalised image"), shape="matrix", integer=True))

    def statement(self, params: Mapping[str, Any]) -> Text:
        L = params["levels"]
        img = fmt_matrix(params["image"])
        return Text(
            f"下面的图像有 L = {L} 个灰度级（0..{L - 1}）。对它做直方图均衡化：s_k = (L-1)·Σ_(j≤k) p_j，"
            f"p_j = n_j/N（N 为像素总数），s_k 四舍五入到整数（恰为 .5 时进位）。给出所有灰度级 k = 0..{L - 1} "
            f"的映射 s_k（没有像素的灰度级也要给出），以及均衡化后的图像。\n{img}",
            f"The image below has L = {L} grey levels (0..{L - 1}). Equalise its histogram: "
            f"s_k = (L-1) * sum_(j<=k) p_j with p_j = n_j/N (N pixels in all), s_k rounded to the nearest "
            f"integer (an exact .5 rounds up). Give the mapping s_k for every level k = 0..{L - 1} "
            f"(levels with no pixels too) and the equalised image.\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        L = params["levels"]
        if _small_image(params["image"], L):  # plain lists: a 6 x 6 image needs no NumPy
            img = params["image"]
            hist = _histogram(img, L)
            cum = list(accumulate(hist))
        else:
            img = np.asarray(params["image"], dtype=np.int64)
            hist = np.bincount(img.ravel(), minlength=L)
            cum = np.cumsum(hist)
        hist = [int(c) for c in hist]
        n = sum(hist)
        if len(hist) != L or n <= 0:
            equalisation_map(hist, L)  # raises the reference's error for such a histogram
        cdf = _scaled_cdf(hist, L - 1)
        mapping = [(2 * a + d) // (2 * d) for a, d in cdf]  # half_up(a/d)
        out = _apply(mapping, img)
        rows = "\n".join(
            f"k={k:>2}  n_k={hist[k]:>2}  cum={int(cum[k]):>2}  s_k = {L - 1}*{int(cum[k])}/{n} = "
            f"{fmt(a / d, 2) if a % d else a // d} -> {r}"  # a / d: the float of Fraction(a, d)
            for k, ((a, d), r) in enumerate(zip(cdf, mapping)))
        steps = [
            Step("统计直方图 n_k 与累计个数 Σ_(j≤k) n_j；s_k = (L-1)·累计个数/N，再四舍五入。",
                 "Count the histogram n_k and the running total sum_(j<=k) n_j; s_k = (L-1) * total / N, "
                 "then round.", rows),
            Step("映射 s_0..s_(L-1)：", "The mapping s_0..s_(L-1):", "[" + ", ".join(map(str, mapping)) + "]"),
            Step("把每个像素的灰度 k 换成 s_k：", "Replace every pixel of level k by s_k:", fmt_matrix(out)),
        ]
        return Solution({"mapping": mapping, "output": int_matrix(out)}, steps, _mistakes(img, hist, L, n))


def _scaled_cdf(hist: list[int], factor: int) -> list[tuple[int, int]]:
    """(a, d) with s_k = a/d = factor * (n_0 + ... + n_k) / N: :func:`equalisation_map` in whole
    numbers (half up is (2a + d) // 2d, the floor a // d), without a Fraction per level."""
    n = sum(hist)
    return [(factor * running, n) for running in accumulate(hist)]


def _small_image(image: Any, levels: int) -> bool:
    """A generated-size image of plain ints, every level below L."""
    return (type(image) is list and len(image) <= 16 and all(
        type(row) is list and 0 < len(row) <= 16 and _INT_ONLY.issuperset(map(type, row))
        and min(row) >= 0 and max(row) < levels for row in image))


_INT_ONLY = frozenset((int,))


def _histogram(img: list[list[int]], levels: int) -> list[int]:
    """np.bincount(img.ravel(), minlength=L) of a small image with levels below L."""
    hist = [0] * levels
    for row in img:
        for v in row:
            hist[v] += 1
    return hist


def _apply(mapping: list[int], img: Any) -> Any:
    """Every pixel of level k replaced by s_k (lists stay lists)."""
    if isinstance(img, np.ndarray):
        return np.asarray(mapping)[img]
    return [[mapping[v] for v in row] for row in img]


def _mistakes(img: Any, hist: Any, L: int, n: int) -> list[Mistake]:
    def result(mapping: list[int]) -> dict[str, Any]:
        return {"mapping": mapping, "output": int_matrix(_apply(mapping, img))}

    pdf = [(2 * (L - 1) * c + n) // (2 * n) for c in hist]  # half_up((L-1) * c / n)
    used_l = [(2 * a + d) // (2 * d) for a, d in _scaled_cdf(hist, L)]
    floored = [a // d for a, d in _scaled_cdf(hist, L - 1)]
    return [
        Mistake("pdf_not_cdf", Text("用了概率 p_k 本身而不是累计分布（忘了累加）",
                                    "used p_k itself instead of the cumulative distribution (forgot to add up)"),
                result(pdf)),
        Mistake("used_L", Text("乘了 L 而不是 L-1", "multiplied by L instead of L-1"), result(used_l)),
        Mistake("floored", Text("向下取整了，而不是四舍五入", "rounded down instead of to the nearest integer"),
                result(floored)),
    ]
