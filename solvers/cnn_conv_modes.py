"""Full, same and valid convolution of a short signal or a small image: size and values.

Definitions (those of ``numpy.convolve`` and ``scipy.signal.convolve``; Oppenheim & Schafer,
*Discrete-Time Signal Processing*, 2.3)::

    convolution:   y[n] = sum_k x[k] * h[n - k]        (the kernel is flipped)
    correlation:   y[n] = sum_k x[k + n - (M-1)] * h[k]  (not flipped; what CNN layers compute)
    full  : every overlap,        length N + M - 1   (M - 1 zeros padded on each side)
    same  : length N, the centre of full: floor((M-1)/2) values dropped at the start, the rest at the end
    valid : only complete overlaps, length N - M + 1  (no padding)

In 2-D the same holds along rows and columns separately.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt_matrix, need, need_choice,
    register,
)
from solvers._params import _numbers
from solvers.train_numbers import vec_text

MODES = ("full", "same", "valid")
OPERATIONS = ("convolution", "correlation")
# Named difficulty ranges: dimensions, signal and kernel lengths, value ranges, operations.
RANGES = {
    "easy": dict(dims=1, n=(4, 6), m=(2, 3), x=(0, 5), h=(-1, 3), ops=("convolution",)),
    "medium": dict(dims=1, n=(5, 7), m=(3, 3), x=(-3, 5), h=(-2, 3), ops=OPERATIONS),
    "hard": dict(dims=2, n=(3, 4), m=(2, 3), x=(0, 5), h=(-1, 2), ops=OPERATIONS),
}
MAX_SIDE = 12


def full_convolution(x: Any, h: Any) -> np.ndarray:
    """Every overlap of x with the flipped kernel h, by the defining sum (1-D or 2-D).

    >>> full_convolution([1, 2, 3], [0, 1, 0.5]).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    x, h = np.asarray(x, dtype=float), np.asarray(h, dtype=float)
    out = np.zeros(tuple(a + b - 1 for a, b in zip(x.shape, h.shape)))
    for idx in np.ndindex(*h.shape):  # y[n] += x[n - k] h[k]: one shifted copy of x per kernel entry
        out[tuple(slice(i, i + s) for i, s in zip(idx, x.shape))] += h[idx] * x
    return out


def crop(full: np.ndarray, n_shape: tuple[int, ...], m_shape: tuple[int, ...], mode: str) -> np.ndarray:
    """The ``same`` or ``valid`` part of a full result (``full`` returns it whole)."""
    if mode == "full":
        return full
    sl = []
    for n, m in zip(n_shape, m_shape):
        if mode == "same":
            start = (m - 1) // 2
            sl.append(slice(start, start + n))
        else:
            sl.append(slice(m - 1, n))
    return full[tuple(sl)]


def convolve_mode(x: Any, h: Any, mode: str, operation: str = "convolution") -> np.ndarray:
    """``mode`` = full/same/valid output of convolution or correlation.

    >>> convolve_mode([1, 2, 3], [0, 1, 0.5], "same").tolist()
    [1.0, 2.5, 4.0]
    >>> convolve_mode([1, 2, 3], [0, 1, 0.5], "valid", "correlation").tolist()
    [3.5]
    """
    x, h = np.asarray(x, dtype=float), np.asarray(h, dtype=float)
    if operation == "correlation":
        h = np.flip(h)  # correlation = convolution with the flipped kernel
    return crop(full_convolution(x, h), x.shape, h.shape, mode)


def out_length(n: int, m: int, mode: str) -> int:
    return {"full": n + m - 1, "same": n, "valid": n - m + 1}[mode]


def _draw(rng: np.random.Generator, shape: tuple[int, ...], lo_hi: tuple[int, int]) -> np.ndarray:
    return rng.integers(lo_hi[0], lo_hi[1] + 1, size=shape)


def _whole(a: Any) -> np.ndarray:
    """Whole-number arrays as integers, so lists and text show 3, not 3.0 (and print fast)."""
    a = np.asarray(a)
    return a.astype(np.int64) if a.dtype.kind == "f" and np.all(a == np.round(a)) else a


def _as_list(a: np.ndarray) -> Any:
    return _whole(a).tolist()


def _text(a: Any) -> str:
    a = _whole(a)
    return fmt_matrix(a.tolist()) if a.ndim == 2 else vec_text(a)


@register
class ConvModes(Kind):
    id = "conv_modes"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("full / same / valid 卷积", "Full, same and valid convolution")
    description = "Output size and values of full, same or valid convolution (or correlation), 1-D or 2-D."
    params_help = {
        "signal": "the input: a list of numbers (1-D) or a square matrix (2-D), at most 12 long",
        "kernel": "the kernel: a list (1-D) or a square matrix (2-D), not longer than the signal",
        "mode": "full, same or valid",
        "operation": "convolution (kernel flipped) or correlation (not flipped)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        mode = MODES[int(rng.integers(len(MODES)))]  # = rng.choice, without its overhead
        op = r["ops"][int(rng.integers(len(r["ops"])))]
        while True:
            n = int(rng.integers(r["n"][0], r["n"][1] + 1))
            m = int(rng.integers(r["m"][0], r["m"][1] + 1))
            if mode == "same" and m % 2 == 0:
                m += 1  # an odd kernel has a centre: 'same' is unambiguous by hand
            if m > n:
                continue
            shape_x, shape_h = (n,) * r["dims"], (m,) * r["dims"]
            x, h = _draw(rng, shape_x, r["x"]).tolist(), _draw(rng, shape_h, r["h"]).tolist()
            values_x, values_h = _values(x), _values(h)
            # a kernel equal to its own flip hides the flip; all-zero data is no exercise
            if _flip(h) == h or not any(values_x) or len(values_h) - values_h.count(0) < 2:
                continue
            full = _full_small(x, h)
            if _crop_small(full, n, m, mode) == _crop_small(_full_small(x, _flip(h)), n, m, mode):
                continue  # the flip must change the answer, or the question cannot test it
            return {"signal": x, "kernel": h, "mode": mode, "operation": op}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = _array(params, "signal")
        h = _array(params, "kernel")
        if x.ndim != h.ndim:
            raise ParamError("kernel", f"must have as many dimensions as the signal ({x.ndim}-D), got {h.ndim}-D")
        if any(b > a for a, b in zip(x.shape, h.shape)):
            raise ParamError("kernel", "must not be longer than the signal")
        return {"signal": _as_list(x), "kernel": _as_list(h),
                "mode": need_choice(params, "mode", MODES),
                "operation": need_choice(params, "operation", OPERATIONS, default="convolution")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        two_d = isinstance(params["signal"][0], list)
        return (
            AnswerField("size", Text("输出边长" if two_d else "输出长度", "output side" if two_d else "output length"),
                        integer=True),
            AnswerField("output", Text("输出", "output"), shape="matrix" if two_d else "vector", integer=True),
        )

    def statement(self, params: Mapping[str, Any]) -> Text:
        if _small_ints(params["signal"], params["kernel"]):  # lists print as the arrays do
            x, h, text = params["signal"], params["kernel"], _text_small
            two_d = type(x[0]) is list
        else:
            x, h, text = np.asarray(params["signal"]), np.asarray(params["kernel"]), _text
            two_d = x.ndim == 2
        mode, op = params["mode"], params["operation"]
        m = len(h)
        op_zh = "卷积（核要翻转）" if op == "convolution" else "互相关（核不翻转，即 CNN 层所算的“卷积”）"
        op_en = ("convolution (the kernel is flipped)" if op == "convolution"
                 else "correlation (the kernel is not flipped: what a CNN layer calls convolution)")
        same_zh = same_en = ""
        if mode == "same" and m % 2 == 0:
            same_zh = f"；same 从 full 结果开头去掉 {(m - 1) // 2} 个、其余从末尾去掉"
            same_en = f"; same drops {(m - 1) // 2} values of the full result at the start and the rest at the end"
        what_zh = "每一行和每一列都如此" if two_d else ""
        return Text(
            f"输入{'图像' if two_d else '信号'} x =\n{text(x)}\n核 h =\n{text(h)}\n"
            f"求 {mode} 模式的{op_zh}结果：输出{'边长' if two_d else '长度'}和各输出值。约定：full 为所有重叠位置"
            f"（两端各补 M-1 个零，长度 N+M-1），same 取 full 的中间 N 个，valid 只取完全重叠的位置（长度 N-M+1）"
            f"{what_zh}{same_zh}。",
            f"Input {'image' if two_d else 'signal'} x =\n{text(x)}\nkernel h =\n{text(h)}\n"
            f"Compute the '{mode}' {op_en} of x with h: give the output {'side' if two_d else 'length'} and its "
            f"values. Conventions: full keeps every overlap (M-1 zeros padded at each end, length N+M-1), "
            f"same keeps the central N values of full, valid keeps only complete overlaps (length N-M+1)"
            f"{' along rows and columns alike' if two_d else ''}{same_en}.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        return _solve(params)


def fmt_num(v: float) -> str:
    return f"({int(v)})" if v < 0 else str(int(v))


def _array(params: Mapping[str, Any], name: str) -> np.ndarray:
    # numbers bounded in count and size (a 40-digit integer must not wrap round as an int64)
    a = _numbers(name, need(params, name), "a list of numbers or a square matrix of numbers")
    if a.ndim not in (1, 2) or a.size == 0 or (a.ndim == 2 and a.shape[0] != a.shape[1]):
        raise ParamError(name, "must be a non-empty list of numbers or a square matrix of numbers")
    if a.shape[0] > MAX_SIDE:
        raise ParamError(name, f"must be at most {MAX_SIDE} long for a hand calculation, got {a.shape[0]}")
    if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
        raise ParamError(name, "must contain whole numbers")
    return a.astype(int)


# ----------------------------------------------------------------------------------------------
# The worked solution on lists. A generated signal is a few small whole numbers, for which
# Python's exact integer sums equal NumPy's float ones (every partial sum is a whole number a
# double holds exactly) and cost a fraction of the NumPy calls on 5-element arrays; other input
# goes through the NumPy functions above, which stay the reference
# (tests/solvers/test_plain_list_paths.py checks the two paths give the same item).
# ----------------------------------------------------------------------------------------------

EXACT_LIMIT = 2 ** 52


def _values(a: list) -> list[int]:
    return [v for row in a for v in row] if a and type(a[0]) is list else list(a)


def _small_ints(x: Any, h: Any) -> bool:
    """Two lists (1-D) or square lists of lists (2-D) of plain ints, of one dimension, small
    enough that every sum of products is exact in a double."""
    if type(x) is not list or type(h) is not list or not x or not h:
        return False
    two_d = type(x[0]) is list
    if (type(h[0]) is list) != two_d:
        return False
    if two_d and not (all(type(r) is list and len(r) == len(x) for r in x)
                      and all(type(r) is list and len(r) == len(h) for r in h)):
        return False
    vx, vh = _values(x), _values(h)
    if not (_INT_ONLY.issuperset(map(type, vx)) and _INT_ONLY.issuperset(map(type, vh))):
        return False
    return max(map(abs, vx)) * max(map(abs, vh)) * len(vh) < EXACT_LIMIT


_INT_ONLY = frozenset((int,))


def _flip(a: list) -> list:
    """np.flip: every axis reversed."""
    return [row[::-1] for row in a[::-1]] if a and type(a[0]) is list else a[::-1]


def _full_small(x: list, h: list) -> list:
    """:func:`full_convolution` on lists of ints (exact)."""
    n, m = len(x), len(h)
    if type(x[0]) is not list:
        out = [0] * (n + m - 1)
        for k, hk in enumerate(h):
            for i, xi in enumerate(x):
                out[k + i] += hk * xi
        return out
    out = [[0] * (n + m - 1) for _ in range(n + m - 1)]
    for a, hrow in enumerate(h):
        for b, hab in enumerate(hrow):
            if hab:
                for i, xrow in enumerate(x):
                    orow = out[a + i]
                    for j, v in enumerate(xrow):
                        orow[b + j] += hab * v
    return out


def _crop_small(full: list, n: int, m: int, mode: str) -> list:
    """:func:`crop` on lists (square in 2-D)."""
    if mode == "full":
        return full
    start, stop = ((m - 1) // 2, (m - 1) // 2 + n) if mode == "same" else (m - 1, n)
    if type(full[0]) is list:
        return [row[start:stop] for row in full[start:stop]]
    return full[start:stop]


def _pad_small(x: list, p: int) -> list:
    """np.pad(x, p): p zeros on every side."""
    if type(x[0]) is not list:
        return [0] * p + x + [0] * p
    w = len(x[0]) + 2 * p
    return [[0] * w for _ in range(p)] + [[0] * p + row + [0] * p for row in x] + [[0] * w for _ in range(p)]


def _text_small(a: list) -> str:
    """:func:`_text` of a list of ints."""
    return fmt_matrix(a) if a and type(a[0]) is list else "[" + ", ".join(map(str, a)) + "]"


def _solve(params: Mapping[str, Any]) -> Solution:
    """The worked solution, on lists: small whole numbers summed exactly in Python, anything
    else by NumPy's :func:`full_convolution` (the reference), then the same steps and mistakes."""
    x, h = params["signal"], params["kernel"]
    mode, op = params["mode"], params["operation"]
    if _small_ints(x, h):
        full_of, text = _full_small, _text_small
    else:
        def full_of(a: Any, b: Any) -> list:
            return _as_list(full_convolution(a, b))
        text = _text
    n, m = len(x), len(h)
    two_d = type(x[0]) is list
    used = _flip(h) if op == "correlation" else h
    full = full_of(x, used)
    out = _crop_small(full, n, m, mode)
    size = out_length(n, m, mode)
    slid = _flip(used)
    steps = [
        Step("输出尺寸（N 为输入长度，M 为核长度）。", "Output size (N the input length, M the kernel's).",
             {"full": f"N + M - 1 = {n} + {m} - 1 = {size}", "same": f"N = {size}",
              "valid": f"N - M + 1 = {n} - {m} + 1 = {size}"}[mode]),
        Step("卷积要把核翻转后再滑动；互相关直接滑动。滑动用的核：" if op == "convolution" else
             "互相关不翻转核，直接滑动：", "Convolution slides the flipped kernel; correlation slides it "
             "as given. The kernel that slides:" if op == "convolution" else
             "Correlation does not flip the kernel; it slides as given:", text(slid)),
    ]
    padded = _pad_small(x, m - 1)
    if mode == "valid":
        steps.append(Step("valid 不补零，只在核完全落在输入内的位置滑动（每个位置：对应元素相乘再相加）。",
                          "Valid needs no padding: slide only where the kernel lies wholly inside the input "
                          "(each position is a sum of products).", text(out)))
    else:
        steps.append(Step(f"两端各补 {m - 1} 个零，得到 full 结果（每个位置：对应元素相乘再相加）。",
                          f"Pad {m - 1} zeros at each end and slide: the full result (each position is a sum "
                          f"of products).", text(padded) + "\n->\n" + text(full)))
    off = {"full": 0, "same": (m - 1) // 2, "valid": m - 1}[mode]
    terms = []
    if not two_d:
        for i, value in enumerate(out):
            products = [f"{fmt_num(a)}*{fmt_num(b)}" for a, b in zip(padded[i + off:i + off + m], slid) if a and b]
            terms.append(f"{' + '.join(products) or '0'} = {value}")
    else:
        for i, row in enumerate(out):
            for j, value in enumerate(row):
                products = [f"{fmt_num(padded[i + off + a][j + off + b])}*{fmt_num(slid[a][b])}"
                            for a in range(m) for b in range(m)
                            if padded[i + off + a][j + off + b] and slid[a][b]]
                terms.append(f"({i}, {j}): {' + '.join(products) or '0'} = {value}")
    steps.append(Step("逐个输出位置计算（只写非零乘积）：", "Output position by position (non-zero products only):",
                      "\n".join(terms)))
    if mode == "same":
        steps.append(Step("按 same 模式从 full 结果中取出中间部分：", "Keep the central ('same') part of the full result:",
                          text(out)))
    other = "correlation" if op == "convolution" else "convolution"
    label = (Text("没有翻转卷积核（算成了互相关）", "did not flip the kernel (computed correlation)")
             if op == "convolution" else Text("把核翻转了（算成了卷积）", "flipped the kernel (computed convolution)"))
    wrong = _crop_small(full_of(x, _flip(h) if other == "correlation" else h), n, m, mode)
    mistakes = [Mistake("flip_mixup", label, {"output": wrong})]
    if mode == "same":
        if two_d:
            left = [row[:n] for row in full[:n]]
            right = [row[m - 1:m - 1 + n] for row in full[m - 1:m - 1 + n]]
        else:
            left, right = full[:n], full[m - 1:m - 1 + n]
        mistakes.append(Mistake("pad_one_side_start", Text("same 模式只在开头一侧补了 M-1 个零", "same: padded all M-1 zeros at the start only"),
                                {"output": left}))
        mistakes.append(Mistake("pad_one_side_end", Text("same 模式只在末尾一侧补了 M-1 个零", "same: padded all M-1 zeros at the end only"),
                                {"output": right}))
    if mode == "full":
        mistakes.append(Mistake("full_length_no_minus_one", Text("full 长度写成 N+M（忘了减 1）", "took the full length as N+M (forgot the -1)"),
                                {"size": n + m}))
    if mode == "valid":
        mistakes.append(Mistake("valid_length_no_plus_one", Text("valid 长度写成 N-M（忘了加 1）", "took the valid length as N-M (forgot the +1)"),
                                {"size": n - m}))
        mistakes.append(Mistake("valid_as_same", Text("把 valid 当成了 same（补了零）", "treated valid as same (padded with zeros)"),
                                {"size": n, "output": _crop_small(full, n, m, "same")}))
    return Solution({"size": size, "output": out}, steps, mistakes)
