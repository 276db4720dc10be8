"""Batch normalisation, forward pass in training mode, per feature over a mini-batch.

Ioffe & Szegedy 2015, Algorithm 1 (the training-time statistics use the biased variance, 1/m)::

    mu = (1/m) sum_i x_i        var = (1/m) sum_i (x_i - mu)^2
    x_hat_i = (x_i - mu) / sqrt(var + eps)        y_i = gamma * x_hat_i + beta

A batch is a list (one feature, m samples) or an m x d matrix (rows = samples, columns = features,
each column normalised on its own with its own gamma and beta).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_float, need_matrix,
    need_vector, register,
)
from solvers._rounding import carry_list
from solvers.train_numbers import dec, mat_text, num, pick, to_plain, vec_text

CARRY = 6  # decimal places of the intermediate values shown in the steps

RANGES = {
    "easy": dict(m=(4,), d=1, x=(0, 8), gamma=(1, 2), beta=(0, 1), eps=(0,)),
    "medium": dict(m=(4, 5, 6), d=1, x=(-5, 10), gamma=(0.5, 2.0), beta=(-1.0, 1.0), eps=(0,)),
    "hard": dict(m=(4,), d=2, x=(-2.0, 3.0), gamma=(0.5, 2.0), beta=(-1.0, 1.0), eps=(0, 1e-5)),
}


def batchnorm_forward(x: Any, gamma: Any = 1.0, beta: Any = 0.0, eps: float = 1e-5):
    """Training-mode batch norm over axis 0: returns (mean, var, x_hat, y); var is biased (1/m).

    >>> mu, var, xh, y = batchnorm_forward([1.0, 3.0], eps=0.0)
    >>> float(mu), float(var), xh.tolist()
    (2.0, 1.0, [-1.0, 1.0])
    """
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.shape[0] < 2:
        raise ValueError(f"need at least 2 samples (a list or an m x d matrix), got shape {x.shape}")
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)  # biased, as in the paper's training statistics
    if np.any(var + eps <= 0):
        raise ValueError("a feature has zero variance and eps = 0: cannot normalise")
    x_hat = (x - mean) / np.sqrt(var + eps)
    return mean, var, x_hat, np.asarray(gamma, dtype=float) * x_hat + np.asarray(beta, dtype=float)


def _easy_batch(rng: np.random.Generator, m: int, lo: int, hi: int) -> list[int]:
    """Whole numbers with a whole-number mean, not all equal (hand work without fractions)."""
    while True:
        x = [int(v) for v in rng.integers(lo, hi + 1, size=m)]
        if sum(x) % m == 0 and len(set(x)) > 1:
            return x


@register
class BatchNormForward(Kind):
    id = "batchnorm_forward"
    topic = "normalisation"
    chapter = "ch5_optimisation"
    title = Text("批量归一化前向计算", "Batch normalisation forward pass")
    description = "Batch-norm mean, biased variance, normalised values and gamma*x_hat + beta."
    params_help = {
        "x": "the mini-batch: a list (one feature) or an m x d matrix (rows = samples), m >= 2",
        "gamma": "scale: a number, or a list of d numbers for a matrix batch (default 1)",
        "beta": "shift: a number, or a list of d numbers for a matrix batch (default 0)",
        "eps": "epsilon added to the variance, a number >= 0 (default 0)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        m = int(pick(rng, r["m"]))
        eps = num(pick(rng, r["eps"]))
        if difficulty == "easy":
            return {"x": _easy_batch(rng, m, *r["x"]), "gamma": int(pick(rng, r["gamma"])),
                    "beta": int(pick(rng, r["beta"])), "eps": eps}
        if difficulty == "medium":
            x = [int(v) for v in rng.integers(r["x"][0], r["x"][1] + 1, size=m)]
            while len(set(x)) == 1:
                x = [int(v) for v in rng.integers(r["x"][0], r["x"][1] + 1, size=m)]
            return {"x": x, "gamma": _dec(rng, r["gamma"]), "beta": _dec(rng, r["beta"]), "eps": eps}
        d = r["d"]
        while True:
            x = rng.integers(round(r["x"][0] * 10), round(r["x"][1] * 10) + 1, size=(m, d)) / 10
            if all(len(set(col)) > 1 for col in x.T):
                break
        return {"x": to_plain(x), "gamma": [_dec(rng, r["gamma"]) for _ in range(d)],
                "beta": [_dec(rng, r["beta"]) for _ in range(d)], "eps": eps}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw = need(params, "x")
        matrix = isinstance(raw, (list, tuple)) and len(raw) > 0 and isinstance(raw[0], (list, tuple))
        if matrix:
            x = need_matrix(params, "x", min_rows=2)
            d = len(x[0])
        else:
            x = need_vector(params, "x")
            if len(x) < 2:
                raise ParamError("x", f"a batch needs at least 2 samples, got {len(x)}")
            d = None
        eps = num(need_float(params, "eps", minimum=0.0, default=0.0))
        out: dict[str, Any] = {"x": to_plain(x)}
        for name, default in (("gamma", 1), ("beta", 0)):
            if name not in params:
                out[name] = default if d is None else [default] * d
            elif d is None:
                out[name] = num(need_float(params, name))
            else:
                out[name] = [num(v) for v in need_vector(params, name, length=d)]
        var = np.asarray(x, dtype=float).var(axis=0)
        if np.any(var + eps <= 0):
            raise ParamError("x", "a feature has all values equal and eps = 0, so its variance is 0 and "
                             "it cannot be normalised; give different values or eps > 0")
        out["eps"] = eps
        return out

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        matrix = isinstance(params["x"][0], list)
        stat, out = ("vector", "matrix") if matrix else ("scalar", "vector")
        return (AnswerField("mean", Text("均值 μ", "mean mu"), shape=stat, decimals=4),
                AnswerField("var", Text("方差 σ²（有偏，1/m）", "variance (biased, 1/m)"), shape=stat, decimals=4),
                AnswerField("x_hat", Text("归一化值 x̂", "normalised x_hat"), shape=out, decimals=4),
                AnswerField("y", Text("输出 y = γx̂ + β", "output y = gamma*x_hat + beta"), shape=out, decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        x, g, b, eps = params["x"], params["gamma"], params["beta"], params["eps"]
        matrix = isinstance(x[0], list)
        eps_t = "0（手算）" if eps == 0 else fmt(eps)
        eps_e = "0 (for hand work)" if eps == 0 else fmt(eps)
        if matrix:
            what_zh = (f"一个小批量有 {len(x)} 个样本、{len(x[0])} 个特征（每行一个样本）：X = {mat_text(x)}；"
                       f"每个特征（每列）单独归一化，γ = {vec_text(g)}，β = {vec_text(b)}")
            what_en = (f"A mini-batch of {len(x)} samples with {len(x[0])} features (one sample per row) is "
                       f"X = {mat_text(x)}. Each feature (column) is normalised on its own, with "
                       f"gamma = {vec_text(g)} and beta = {vec_text(b)}")
        else:
            what_zh = f"某一特征在一个小批量中的取值为 x = {vec_text(x)}，γ = {fmt(g)}，β = {fmt(b)}"
            what_en = (f"One feature takes the values x = {vec_text(x)} over a mini-batch; "
                       f"gamma = {fmt(g)}, beta = {fmt(b)}")
        return Text(
            f"{what_zh}，ε = {eps_t}。按训练模式的批量归一化（Ioffe & Szegedy 2015），方差用有偏估计"
            f"（除以 m）。求均值 μ、方差 σ²、归一化值 x̂ = (x-μ)/√(σ²+ε) 与输出 y = γx̂ + β，结果保留 4 位小数"
            f"（中间结果 √(σ²+ε) 与求 y 用的 x̂ 至少保留 6 位小数）。",
            f"{what_en}; eps = {eps_e}. Apply batch normalisation in training mode (Ioffe & Szegedy "
            f"2015), with the biased variance (divide by m). Find the mean mu, the variance, the "
            f"normalised values x_hat = (x - mu)/sqrt(var + eps) and the outputs y = gamma*x_hat + beta. "
            f"Give your answers to 4 decimal places (carry sqrt(var + eps), and the x_hat you use for y, "
            f"to at least 6 decimal places).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        # plain Python floats, column by column: four to six numbers per feature, where each NumPy
        # call costs more than the arithmetic (the same operations in the same order as
        # batchnorm_forward; sums of so few terms add left to right in NumPy too: the same bits)
        matrix = isinstance(params["x"][0], list)
        rows = [[float(v) for v in r] for r in params["x"]] if matrix else [[float(v)] for v in params["x"]]
        m, cols = len(rows), [list(c) for c in zip(*rows)]
        gam = [float(v) for v in params["gamma"]] if matrix else [float(params["gamma"])]
        bet = [float(v) for v in params["beta"]] if matrix else [float(params["beta"])]
        eps = float(params["eps"])
        mean = [sum(c) / m for c in cols]
        diff = [[v - mu for v in c] for c, mu in zip(cols, mean)]
        var = [sum(d * d for d in dc) / m for dc in diff]
        if any(v + eps <= 0 for v in var):
            raise ValueError("a feature has zero variance and eps = 0: cannot normalise")
        x_hat = [[d / math.sqrt(v + eps) for d in dc] for dc, v in zip(diff, var)]
        # as the steps carry it: sqrt(var + eps) and x_hat to 6 places, y from those (second key)
        root = carry_list([math.sqrt(v + eps) for v in var], CARRY)
        xh6 = [carry_list([d / r for d in dc], CARRY) for dc, r in zip(diff, root)]

        def affine(cols_, g=gam, b=bet):  # g*x + b per column
            return [[gi * v + bi for v in c] for c, gi, bi in zip(cols_, g, b)]

        def out(cols_):  # back to the shape of x: a list, or rows of a matrix
            return [list(r) for r in zip(*cols_)] if matrix else cols_[0]

        def stat(values, places):
            return vec_text(values, places) if matrix else dec(values[0], places)

        show = mat_text if matrix else vec_text
        steps = [
            Step("均值：μ = (1/m)Σx_i。", "Mean: mu = (1/m) sum x_i.", f"mu = {stat(mean, 4)}"),
            Step("方差（有偏，除以 m）：σ² = (1/m)Σ(x_i-μ)²。",
                 "Variance (biased, divide by m): var = (1/m) sum (x_i - mu)^2.",
                 f"x - mu = {show(out(diff), 4)};  var = {stat(var, 4)}"),
            Step("归一化：x̂ = (x-μ)/√(σ²+ε)。", "Normalise: x_hat = (x - mu)/sqrt(var + eps).",
                 f"sqrt(var + eps) = {stat(root, CARRY)};  x_hat = {show(out(xh6), 4)}"),
            # y from the 4-place x_hat misses the 4-place y in 45-87% of items (measured); carry 6
            Step("缩放和平移：y = γx̂ + β（x̂ 用 6 位小数）。",
                 "Scale and shift: y = gamma*x_hat + beta (x_hat to 6 places).",
                 f"x_hat = {show(out(xh6), CARRY)};  y = {show(out(affine(xh6)), 4)}"),
        ]
        var_u = [v * m / (m - 1) for v in var]
        xh_u = [[d / math.sqrt(v + eps) for d in dc] for dc, v in zip(diff, var_u)]
        xh_v = [[d / (v + eps) for d in dc] for dc, v in zip(diff, var)]

        def key(cols_or_stats, stats=False):
            return (cols_or_stats if matrix else cols_or_stats[0]) if stats else out(cols_or_stats)

        mistakes = [
            Mistake("unbiased_variance", Text("方差除以了 m-1（无偏估计）", "divided the variance by m-1"),
                    {"var": key(var_u, True), "x_hat": key(xh_u), "y": key(affine(xh_u))}),
            Mistake("divided_by_variance", Text("除以方差而不是标准差", "divided by the variance, not the std"),
                    {"x_hat": key(xh_v), "y": key(affine(xh_v))}),
            Mistake("gamma_beta_swapped", Text("γ 与 β 用反了", "swapped gamma and beta"),
                    {"y": key(affine(x_hat, bet, gam))}),
        ]
        answer = {"mean": key(mean, True), "var": key(var, True), "x_hat": key(x_hat), "y": key(affine(x_hat))}
        return Solution(answer, steps, mistakes, _exact(params),
                        carried={"x_hat": key(xh6), "y": key(affine(xh6))})


def _dec(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    return num(int(rng.integers(round(lo * 10), round(hi * 10) + 1)) / 10)


def _exact(params: Mapping[str, Any]) -> dict[str, str]:
    from solvers._exact_text import qlist

    from solvers._rounding import fraction

    rows = params["x"] if isinstance(params["x"][0], list) else [[v] for v in params["x"]]
    means, variances = [], []
    for col in zip(*rows):
        # in integers over a common denominator L (x_i = n_i/L), two Fractions per column instead of
        # a Fraction operation per value: mu = S/(mL), var = sum (m n_i - S)^2 / (m^3 L^2)
        col = [fraction(v) for v in col]
        m, L = len(col), math.lcm(*(v.denominator for v in col))
        n = [v.numerator * (L // v.denominator) for v in col]
        S = sum(n)
        means.append(Fraction(S, m * L))
        variances.append(Fraction(sum((m * ni - S) ** 2 for ni in n), m ** 3 * L * L))
    if len(means) == 1:
        return {"mean": str(means[0]), "var": str(variances[0])}
    return {"mean": qlist(means), "var": qlist(variances)}
