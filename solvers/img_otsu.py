"""Otsu's threshold: the split of the grey levels that maximises the between-class variance.

Definition (N. Otsu, "A threshold selection method from gray-level histograms", IEEE Trans. SMC
9(1), 1979)::

    class 0 (background) = pixels <= t,  class 1 (foreground) = pixels > t,   t = 0 .. L-2
    w0 = N0/N,  w1 = N1/N,  mu0 = mean of class 0,  mu1 = mean of class 1
    sigma_B^2(t) = w0 * w1 * (mu0 - mu1)^2          (= w0 (mu0 - mu)^2 + w1 (mu1 - mu)^2)

If a class is empty, sigma_B^2 = 0. Tie rule: the SMALLEST maximising t is the answer (several t
tie whenever a grey level next to the best split holds no pixel). scikit-image's
``threshold_otsu`` follows the same convention: it returns t with foreground ``image > t``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, need_int, register,
)
from solvers.img_edges import check_image

# Named difficulty ranges: image size, number of grey levels L, and whether ties are allowed
# (the stated smallest-t rule then decides).
RANGES = {
    "easy": dict(size=4, levels=8, ties=False),
    "medium": dict(size=5, levels=8, ties=False),
    "hard": dict(size=6, levels=16, ties=True),
}


def otsu_table(image: Any, levels: int) -> list[tuple[int, Fraction, Fraction, Fraction | None,
                                                      Fraction | None, Fraction]]:
    """Rows (t, w0, w1, mu0, mu1, sigma_B^2) for t = 0 .. L-2, exact; mu is None for an empty class.

    >>> [(t, str(s)) for t, *_, s in otsu_table([[0, 0, 3, 3]], 4)]
    [(0, '9/4'), (1, '9/4'), (2, '9/4')]
    """
    img = np.asarray(image, dtype=np.int64).ravel()
    if img.size == 0:
        raise ValueError("the image is empty")
    if img.min() < 0 or img.max() >= levels:
        raise ValueError(f"grey levels must lie in 0..{levels - 1}, got {img.min()}..{img.max()}")
    hist = np.bincount(img, minlength=levels)
    n = int(hist.sum())
    rows = []
    n0 = s0 = 0
    total = int((hist * np.arange(levels)).sum())
    for t in range(levels - 1):
        n0 += int(hist[t])
        s0 += t * int(hist[t])
        n1, s1 = n - n0, total - s0
        w0, w1 = Fraction(n0, n), Fraction(n1, n)
        mu0 = Fraction(s0, n0) if n0 else None
        mu1 = Fraction(s1, n1) if n1 else None
        sigma = w0 * w1 * (mu0 - mu1) ** 2 if n0 and n1 else Fraction(0)
        rows.append((t, w0, w1, mu0, mu1, sigma))
    return rows


def otsu_threshold(image: Any, levels: int) -> int:
    """The smallest t in 0..L-2 maximising the between-class variance (pixels <= t: background).

    >>> otsu_threshold([[0, 1, 1, 6], [7, 7, 6, 0]], 8)
    1
    """
    rows = otsu_table(image, levels)
    best = max(r[5] for r in rows)
    return next(r[0] for r in rows if r[5] == best)


def _dec(x: Fraction | None, places: int = 4) -> str:
    return "-" if x is None else fmt(float(x), places)


# The table in whole numbers. sigma_B^2(t) = (s0*n1 - s1*n0)^2 / (N^2 * n0 * n1) with n0, n1 the
# class sizes and s0, s1 their sums of grey levels, so the maximising t are found by comparing
# integers, and every shown value a/b is the int division a / b, which Python rounds correctly,
# as float(Fraction(a, b)) does: the same floats as the Fraction table, without building a
# hundred Fractions per problem (most of the time of this kind).
def _class_sums(hist: list[int]) -> list[tuple[int, int, int, int, int]]:
    """(t, n0, n1, s0, s1) for t = 0 .. L-2."""
    n = sum(hist)
    total = sum(k * c for k, c in enumerate(hist))
    out, n0, s0 = [], 0, 0
    for t in range(len(hist) - 1):
        n0 += hist[t]
        s0 += t * hist[t]
        out.append((t, n0, n - n0, s0, total - s0))
    return out


def _maximisers(sums: list[tuple[int, int, int, int, int]]) -> list[int]:
    """Every t where sigma_B^2 is largest, exactly (0 for an empty class)."""
    keys = [((s0 * n1 - s1 * n0) ** 2, n0 * n1) if n0 and n1 else (0, 1) for _, n0, n1, s0, s1 in sums]
    best_a, best_b = keys[0]
    for a, b in keys:
        if a * best_b > best_a * b:  # a/b > best_a/best_b, denominators positive
            best_a, best_b = a, b
    return [t for (t, *_), (a, b) in zip(sums, keys) if a * best_b == best_a * b]


def _dec_ratio(a: int, b: int) -> str:
    """_dec(Fraction(a, b)): the same float (a / b is correctly rounded), without the Fraction."""
    return fmt(a / b, 4)


def _row(sums: tuple[int, int, int, int, int], n: int) -> tuple:
    """One row of :func:`otsu_table`, exact, from its class sums."""
    t, n0, n1, s0, s1 = sums
    mu0 = Fraction(s0, n0) if n0 else None
    mu1 = Fraction(s1, n1) if n1 else None
    w0, w1 = Fraction(n0, n), Fraction(n1, n)
    return t, w0, w1, mu0, mu1, (w0 * w1 * (mu0 - mu1) ** 2 if n0 and n1 else Fraction(0))


def _histogram(image: Any, levels: int) -> list[int]:
    """np.bincount of a generated image (plain ints in 0..L-1)."""
    hist = [0] * levels
    for row in image:
        for v in row:
            hist[v] += 1
    return hist


def _plain_image(image: Any, levels: int) -> bool:
    return type(image) is list and all(type(row) is list and all(type(v) is int and 0 <= v < levels for v in row)
                                       for row in image) and bool(image) and bool(image[0])


@register
class Otsu(Kind):
    id = "otsu"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("Otsu 阈值分割", "Otsu thresholding")
    description = "Otsu's threshold of a small image by the between-class variance table."
    params_help = {
        "image": "a small grey image, whole numbers in 0..L-1",
        "levels": "the number of grey levels L (2..256), e.g. 8 or 16",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        L, size = r["levels"], r["size"]
        while True:
            # two clusters of grey levels, one dark and one bright, mixed in random proportions
            split = int(rng.integers(L // 4, 3 * L // 4))
            n_dark = int(rng.integers(size * size // 3, 2 * size * size // 3 + 1))
            spread = max(2, L // 4)
            dark = rng.integers(max(0, split - spread), split + 1, size=n_dark)
            bright = rng.integers(split + 1, min(L, split + 1 + spread + 1), size=size * size - n_dark)
            img = rng.permutation(np.concatenate([dark, bright])).reshape(size, size).tolist()
            if r["ties"] or len(_maximisers(_class_sums(_histogram(img, L)))) == 1:
                return {"image": img, "levels": L}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        L = need_int(params, "levels", minimum=2, maximum=256)
        img = check_image(params, "image", 1, top=255)
        arr = np.asarray(img)
        if arr.max() >= L:
            raise ParamError("image", f"grey levels must be below levels = {L}, found {arr.max()}")
        if arr.min() == arr.max():
            raise ParamError("image", "needs at least two different grey levels to split")
        return {"image": img, "levels": L}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("threshold", Text("阈值 t", "threshold t"), integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        L = params["levels"]
        img = fmt_matrix(params["image"])
        return Text(
            f"下面的图像有 L = {L} 个灰度级（0..{L - 1}）。用 Otsu 方法求阈值 t：灰度 ≤ t 的像素为背景（类 0），"
            f"> t 的为前景（类 1），t 取 0..{L - 2}，使类间方差 σ_B² = w0·w1·(μ0-μ1)² 最大；"
            f"若有多个 t 同样最大，取最小的 t。\n{img}",
            f"The image below has L = {L} grey levels (0..{L - 1}). Find Otsu's threshold t: pixels "
            f"<= t are the background (class 0), pixels > t the foreground (class 1), t ranges over "
            f"0..{L - 2}, and t maximises the between-class variance sigma_B^2 = w0*w1*(mu0-mu1)^2. "
            f"If several t tie for the maximum, give the smallest.\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        L = params["levels"]
        if _plain_image(params["image"], L):
            hist = _histogram(params["image"], L)
        else:  # a user's image: NumPy counts it (and otsu_table checks its range)
            img = np.asarray(params["image"], dtype=np.int64)
            otsu_table(img, L)
            hist = np.bincount(img.ravel(), minlength=L).tolist()
        n = sum(hist)
        total = sum(k * c for k, c in enumerate(hist))
        mu = Fraction(total, n)
        sums = _class_sums(hist)
        maximisers = _maximisers(sums)
        t = maximisers[0]
        lines = []
        for r, n0, n1, s0, s1 in sums:
            mu0 = _dec_ratio(s0, n0) if n0 else "-"
            mu1 = _dec_ratio(s1, n1) if n1 else "-"
            sigma = _dec_ratio((s0 * n1 - s1 * n0) ** 2, n * n * n0 * n1) if n0 and n1 else _dec_ratio(0, 1)
            lines.append(f"t={r:>2}  w0={_dec_ratio(n0, n)}  w1={_dec_ratio(n1, n)}  mu0={mu0}  mu1={mu1}  "
                         f"sigma_B^2={sigma}" + ("  <- max" if r in maximisers else ""))
        table = "\n".join(lines)
        steps = [
            Step("统计直方图：每个灰度级的像素个数 n_k。", "Count the histogram: n_k pixels at each level k.",
                 "  ".join(f"n{k}={c}" for k, c in enumerate(hist))),
            Step("全图平均灰度 μ = Σ k·n_k / N。", "The global mean mu = sum k*n_k / N.",
                 f"mu = {total}/{n} = {_dec(mu)}"),
            Step("对每个 t 计算 w0、w1、μ0、μ1 和类间方差 σ_B² = w0·w1·(μ0-μ1)²（空类记为 0）。",
                 "For each t compute w0, w1, mu0, mu1 and sigma_B^2 = w0*w1*(mu0-mu1)^2 (0 if a class "
                 "is empty).", table),
        ]
        r = _row(sums[t], n)
        value = str(r[5]) if r[5].denominator == 1 else f"{r[5]} = {_dec(r[5])}"
        exact_line = f"sigma_B^2({t}) = {r[1]} * {r[2]} * ({r[3]} - {r[4]})^2 = {value}"
        if len(maximisers) > 1:
            steps.append(Step(f"t = {', '.join(map(str, maximisers))} 并列最大，按约定取最小的 t = {t}。",
                              f"t = {', '.join(map(str, maximisers))} tie for the maximum; by the stated "
                              f"rule take the smallest, t = {t}.", exact_line))
        else:
            steps.append(Step(f"σ_B² 在 t = {t} 处最大。", f"sigma_B^2 is largest at t = {t}.", exact_line))
        mistakes = [
            Mistake("off_by_one", Text("答成了 t+1（约定用了 < t 为背景，而题目是 ≤ t）",
                                       "gave t+1 (used pixels < t as the background; the question says <= t)"),
                    {"threshold": t + 1}),
            Mistake("global_mean", Text("直接用全图平均灰度（向下取整）作阈值",
                                                "used the global mean grey level (rounded down) as the threshold"),
                    {"threshold": int(mu)}),
        ]
        if len(maximisers) > 1:
            mistakes.append(Mistake("largest_tie", Text("并列时取了最大的 t", "took the largest of the tied t"),
                                    {"threshold": maximisers[-1]}))
        return Solution({"threshold": t}, steps, mistakes)
