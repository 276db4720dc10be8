"""Convolution and pooling done by hand on small integer matrices.

Deep-learning frameworks compute *cross-correlation* and call it convolution (PyTorch ``Conv2d``
docs; Goodfellow et al., Deep Learning, section 9.1): the kernel is slid over the zero-padded input
without flipping, and each output value is the sum of the elementwise products::

    out[i, j] = sum_{a, b} x_pad[i*S + a, j*S + b] * k[a, b]

Pooling slides an F x F window with stride S and keeps the maximum or the mean of each window.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    MAX_PIXELS,
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt_matrix, int_matrix, need_choice,
    need_int, need_matrix, register,
)

# Named difficulty ranges: (image side, kernel side, stride, padding) setups and value ranges.
CONV_RANGES = {
    "easy": dict(setups=((4, 3, 1, 0), (4, 2, 1, 0), (5, 3, 1, 0), (4, 2, 2, 0)), img=(0, 4), ker=(-1, 1)),
    "medium": dict(setups=((5, 3, 2, 0), (4, 3, 1, 1), (5, 3, 2, 1), (6, 2, 2, 0), (5, 2, 1, 0)),
                   img=(0, 5), ker=(-1, 2)),
    "hard": dict(setups=((6, 3, 2, 1), (5, 3, 2, 1), (6, 3, 2, 0), (4, 3, 1, 1), (6, 2, 2, 1)),
                 img=(-2, 5), ker=(-2, 2)),
}
POOL_RANGES = {
    "easy": dict(setups=((4, 2, 2), (6, 2, 2), (6, 3, 3)), modes=("max", "max", "avg"), img=(0, 9)),
    "medium": dict(setups=((4, 2, 2), (5, 3, 2), (4, 2, 1), (6, 3, 3)), modes=("max", "avg"), img=(0, 9)),
    "hard": dict(setups=((5, 3, 1), (5, 3, 2), (6, 3, 2), (4, 2, 1), (7, 3, 2)), modes=("max", "avg"),
                 img=(-5, 9)),
}
MAX_OUT = 4  # a hand-computable output is at most 4x4
AVG_DECIMALS = 2


def cross_correlate2d(image: Any, kernel: Any, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation ("convolution" in deep learning) with zero padding and stride.

    >>> cross_correlate2d([[1, 2, 0], [0, 1, 3], [2, 1, 1]], [[1, 0], [0, 1]]).tolist()
    [[2.0, 5.0], [1.0, 2.0]]
    """
    x = np.pad(np.asarray(image, dtype=float), padding)
    k = np.asarray(kernel, dtype=float)
    kh, kw = k.shape
    if kh > x.shape[0] or kw > x.shape[1]:
        raise ValueError(f"the kernel ({kh}x{kw}) is larger than the padded image {x.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw))[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, k)  # every window times the kernel, summed


def pool2d(image: Any, window: int, stride: int, mode: str = "max") -> np.ndarray:
    """Max or average pooling without padding (floor: partial windows are dropped).

    >>> pool2d([[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 6], [2, 2, 7, 8]], 2, 2).tolist()
    [[4.0, 2.0], [2.0, 8.0]]
    """
    x = np.asarray(image, dtype=float)
    reduce = {"max": np.max, "avg": np.mean}[mode]
    oh, ow = (x.shape[0] - window) // stride + 1, (x.shape[1] - window) // stride + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"the window ({window}) is larger than the input {x.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (window, window))[::stride, ::stride]
    return reduce(windows, axis=(2, 3))


SHOWN_POSITIONS = 36  # a 6 x 6 output (the largest generated) is worked in full; a real one in part
MAX_WORK = 50_000_000  # multiply-adds `solve` takes (a 1000 x 1000 image with a 7 x 7 kernel)


def _shown_positions(shape: tuple[int, int]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(shape[0]) for j in range(shape[1])][:SHOWN_POSITIONS]


def _rest_step(shape: tuple[int, int]) -> list[Step]:
    rest = shape[0] * shape[1] - SHOWN_POSITIONS
    if rest <= 0:
        return []
    return [Step(f"其余 {rest} 个位置同样计算，结果见答案矩阵。",
                 f"The other {rest:,} positions are computed the same way; the answer holds them all.")]


def _check_work(name: str, image: list, window: tuple[int, int]) -> None:
    """A bound on work for `solve` (the generators stay hand-sized), then one sentence."""
    pixels = len(image) * len(image[0])
    if pixels > MAX_PIXELS:
        raise ParamError("image", f"may have at most {MAX_PIXELS:,} pixels (a bound on work), got "
                                  f"{len(image)} x {len(image[0])}")
    if pixels * window[0] * window[1] > MAX_WORK:
        raise ParamError(name, f"is too large for this image: about {pixels * window[0] * window[1]:,} "
                               f"multiplications, and solve does at most {MAX_WORK:,}")


def _num(v: float) -> str:
    """A term in a worked sum: negative numbers in brackets, 3*(-1) not 3*-1."""
    return f"({int(v)})" if v < 0 else str(int(v))


def _rand_matrix(rng: np.random.Generator, n: int, lo_hi: tuple[int, int]) -> list[list[int]]:
    return rng.integers(lo_hi[0], lo_hi[1] + 1, size=(n, n)).tolist()


# The generated matrices are a few whole numbers: plain Python lists do their sums exactly and
# several times faster than NumPy calls on 4 x 4 arrays. The NumPy functions above stay the
# reference (and the path for a user's large or fractional matrices); on small whole numbers
# they give the same values, since every partial sum is an integer a double holds exactly.
SMALL_PIXELS = 256
EXACT_LIMIT = 2 ** 52


def _small_ints(image: Any, kernel: Any = ((1,),)) -> bool:
    """A small image and kernel of plain ints whose products and sums stay exact in a double."""
    if type(image) is not list or len(image) * len(image[0]) > SMALL_PIXELS:
        return False
    top = 0
    for m in (image, kernel):
        for row in m:
            if not _INT_ONLY.issuperset(map(type, row)):
                return False
        top_m = max(max(abs(v) for v in row) for row in m)
        top = top_m if m is image else top * top_m
    return top * len(kernel) * len(kernel[0]) < EXACT_LIMIT


_INT_ONLY = frozenset((int,))


def _pad(image: list[list[int]], padding: int) -> list[list[int]]:
    if not padding:
        return image
    w = len(image[0]) + 2 * padding
    edge = [[0] * w for _ in range(padding)]
    return edge + [[0] * padding + row + [0] * padding for row in image] + [[0] * w for _ in range(padding)]


def _correlate_small(image: list[list[int]], kernel: list[list[int]], stride: int, padding: int) -> list[list[int]]:
    """:func:`cross_correlate2d` on plain ints (see SMALL_PIXELS), same checks and values."""
    x = _pad(image, padding)
    kh, kw = len(kernel), len(kernel[0])
    if kh > len(x) or kw > len(x[0]):
        raise ValueError(f"the kernel ({kh}x{kw}) is larger than the padded image {(len(x), len(x[0]))}")
    terms = [(a, b, k) for a, row in enumerate(kernel) for b, k in enumerate(row) if k]
    return [[sum([k * x[i + a][j + b] for a, b, k in terms])
             for j in range(0, len(x[0]) - kw + 1, stride)]
            for i in range(0, len(x) - kh + 1, stride)]


def _pool_small(image: list[list[int]], window: int, stride: int, mode: str) -> list[list[Any]]:
    """:func:`pool2d` on plain ints: max as an int, the mean as the float NumPy gives (an exact
    sum divided once)."""
    oh, ow = (len(image) - window) // stride + 1, (len(image[0]) - window) // stride + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"the window ({window}) is larger than the input {(len(image), len(image[0]))}")
    out = []
    for i in range(0, oh * stride, stride):
        rows = image[i:i + window]
        wins = [[v for row in rows for v in row[j:j + window]] for j in range(0, ow * stride, stride)]
        out.append([max(w) for w in wins] if mode == "max" else [sum(w) / (window * window) for w in wins])
    return out


@register
class Conv2dManual(Kind):
    id = "conv2d_manual"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("手算卷积", "Convolution by hand")
    description = "Full output matrix of a small 2-D convolution (cross-correlation) with stride and padding."
    params_help = {"image": "the input as a matrix of numbers, e.g. [[1,2,0],[0,1,3],[2,1,1]]",
                   "kernel": "the kernel as a matrix, e.g. [[1,0],[0,1]]",
                   "stride": "stride S, a whole number >= 1 (default 1)",
                   "padding": "zero padding P per side, a whole number >= 0 (default 0)"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = CONV_RANGES[difficulty]
        while True:
            n, f, s, p = r["setups"][int(rng.integers(len(r["setups"])))]
            kernel = _rand_matrix(rng, f, r["ker"])
            # a kernel that is symmetric under flipping hides the flipped-kernel mistake; an all-zero one is silly
            if [row[::-1] for row in kernel[::-1]] == kernel or not any(map(any, kernel)):
                continue
            return dict(image=_rand_matrix(rng, n, r["img"]), kernel=kernel, stride=int(s), padding=int(p))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        image = need_matrix(params, "image")
        kernel = need_matrix(params, "kernel")
        p = dict(image=int_matrix(image), kernel=int_matrix(kernel),
                 stride=need_int(params, "stride", minimum=1, default=1),
                 padding=need_int(params, "padding", minimum=0, default=0))
        kh, kw = len(kernel), len(kernel[0])
        _check_work("kernel", image, (kh, kw))
        if p["padding"] > max(kh, kw):
            raise ParamError("padding", f"must be at most the kernel size ({max(kh, kw)}), got {p['padding']}")
        if kh > len(image) + 2 * p["padding"] or kw > len(image[0]) + 2 * p["padding"]:
            raise ParamError("kernel", f"the kernel ({kh}x{kw}) must fit in the padded image")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output", Text("输出矩阵", "output matrix"), shape="matrix", integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        img, ker = fmt_matrix(params["image"]), fmt_matrix(params["kernel"])
        S, P = params["stride"], params["padding"]
        return Text(
            f"输入矩阵：\n{img}\n卷积核：\n{ker}\n步幅 {S}，每侧零填充 {P}。按深度学习框架的约定"
            f"（互相关，卷积核不翻转）计算输出矩阵。",
            f"Input:\n{img}\nKernel:\n{ker}\nStride {S}, zero padding {P} on each side. Compute the "
            f"output matrix as deep-learning frameworks do (cross-correlation: the kernel is not flipped).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        img, ker = params["image"], params["kernel"]
        S, P = params["stride"], params["padding"]
        if _small_ints(img, ker):
            correlate = _correlate_small
        else:  # a user's large or fractional matrix: NumPy
            def correlate(x: Any, k: Any, stride: int, padding: int) -> list[list[Any]]:
                return int_matrix(cross_correlate2d(np.asarray(x, float), np.asarray(k, float), stride, padding))
        out = correlate(img, ker, S, P)
        padded = _pad(img, P)
        kh, kw = len(ker), len(ker[0])
        steps = []
        if P:
            steps.append(Step("先在四周补零。", "First pad with zeros all round.", fmt_matrix(padded)))
        steps.append(Step("输出尺寸。", "Output size.",
                          f"floor(({len(img)} + 2*{P} - {kh})/{S}) + 1 = {len(out)}"))
        ker_text = [_num(b) for row in ker for b in row]
        shape = (len(out), len(out[0]))
        for i, j in _shown_positions(shape):
            win = [_num(a) for row in padded[i * S:i * S + kh] for a in row[j * S:j * S + kw]]
            terms = " + ".join([f"{a}*{b}" for a, b in zip(win, ker_text)])
            steps.append(Step(f"位置 ({i + 1},{j + 1})。", f"Position ({i + 1},{j + 1}).",
                              f"{terms} = {int(out[i][j])}"))
        steps += _rest_step(shape)
        mistakes = [
            Mistake("flipped_kernel", Text("把卷积核翻转了（数学上的卷积）", "flipped the kernel (true convolution)"),
                    {"output": correlate(img, [row[::-1] for row in ker[::-1]], S, P)}),
        ]
        if P:
            mistakes.append(Mistake("forgot_padding", Text("忘了补零", "forgot the padding"),
                                    {"output": correlate(img, ker, S, 0)}))
        if S != 1:
            mistakes.append(Mistake("ignored_stride", Text("忽略了步幅（按步幅 1 计算）", "ignored the stride (used 1)"),
                                    {"output": correlate(img, ker, 1, P)}))
        return Solution({"output": out}, steps, mistakes)


@register
class PoolingManual(Kind):
    id = "pooling_manual"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("手算池化", "Pooling by hand")
    description = "Output matrix of max or average pooling of a small matrix."
    params_help = {"image": "the input as a matrix of numbers",
                   "window": "pooling window F, a whole number >= 1",
                   "stride": "stride S, a whole number >= 1 (default: the window)",
                   "mode": "max or avg"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = POOL_RANGES[difficulty]
        while True:
            n, f, s = r["setups"][int(rng.integers(len(r["setups"])))]
            mode = r["modes"][int(rng.integers(len(r["modes"])))]  # = rng.choice, without its overhead
            if difficulty == "easy" and mode == "avg" and f != 2:
                continue  # easy averages are quarters, not ninths
            return dict(image=_rand_matrix(rng, n, r["img"]), window=int(f), stride=int(s), mode=mode)

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        image = need_matrix(params, "image")
        F = need_int(params, "window", minimum=1)
        p = dict(image=int_matrix(image), window=F, stride=need_int(params, "stride", minimum=1, default=F),
                 mode=need_choice(params, "mode", ("max", "avg"), default="max"))
        _check_work("window", image, (1, 1))
        if F > min(len(image), len(image[0])):
            raise ParamError("window", f"the window ({F}) must fit in the {len(image)}x{len(image[0])} input")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        if params["mode"] == "max":
            return (AnswerField("output", Text("输出矩阵", "output matrix"), shape="matrix", integer=True),)
        return (AnswerField("output", Text("输出矩阵", "output matrix"), shape="matrix", decimals=AVG_DECIMALS),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        F, S, mode = params["window"], params["stride"], params["mode"]
        img = fmt_matrix(params["image"])
        mz, me = ("最大池化", "max pooling") if mode == "max" else ("平均池化", "average pooling")
        rz = "" if mode == "max" else f"，结果保留 {AVG_DECIMALS} 位小数"
        re_ = "" if mode == "max" else f", giving values to {AVG_DECIMALS} decimal places"
        return Text(
            f"对下面的矩阵做 {F}×{F}、步幅 {S} 的{mz}（不填充，不完整的窗口舍去）{rz}：\n{img}\n求输出矩阵。",
            f"Apply {F}x{F} {me} with stride {S} (no padding; partial windows are dropped){re_} to:\n"
            f"{img}\nWhat is the output matrix?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        img = params["image"]
        F, S, mode = params["window"], params["stride"], params["mode"]
        if _small_ints(img):
            pool = _pool_small
        else:  # a user's large or fractional matrix: NumPy
            def pool(x: Any, window: int, stride: int, how: str) -> list[list[Any]]:
                return pool2d(np.asarray(x, float), window, stride, how).tolist()
        out = pool(img, F, S, mode)
        other = "avg" if mode == "max" else "max"
        steps = [Step("输出尺寸。", "Output size.", f"floor(({len(img)} - {F})/{S}) + 1 = {len(out)}")]
        if S < F:
            steps.append(Step("步幅小于窗口：相邻窗口互相重叠，同一个数可出现在多个窗口中。",
                              "The stride is smaller than the window: neighbouring windows overlap.", ""))
        shape = (len(out), len(out[0]))
        for i, j in _shown_positions(shape):
            win = [v for row in img[i * S:i * S + F] for v in row[j * S:j * S + F]]
            vals = ", ".join([str(int(v)) for v in win])
            expr = f"max({vals})" if mode == "max" else f"({' + '.join([_num(v) for v in win])})/{len(win)}"
            steps.append(Step(f"窗口 ({i + 1},{j + 1})。", f"Window ({i + 1},{j + 1}).",
                              f"{expr} = {round(float(out[i][j]), 4):g}"))
        steps += _rest_step(shape)
        mistakes = [
            Mistake(f"used_{other}", Text("最大池化与平均池化弄反了", "mixed up max and average pooling"),
                    {"output": int_matrix(pool(img, F, S, other))}),
        ]
        if S < F:
            mistakes.append(Mistake("no_overlap", Text("忽略了窗口重叠（按步幅 = 窗口计算）",
                                                       "ignored the overlap (used stride = window)"),
                                    {"output": int_matrix(pool(img, F, F, mode))}))
        if mode == "avg":
            mistakes.append(Mistake("sum_not_mean", Text("求和后忘了除以窗口大小", "summed without dividing"),
                                    {"output": int_matrix([[v * F * F for v in row] for row in pool(img, F, S, "avg")])}))
        return Solution({"output": int_matrix(out)}, steps, mistakes)
