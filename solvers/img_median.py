"""The 3x3 median filter: each pixel becomes the median of its neighbourhood.

Gonzalez & Woods, *Digital Image Processing*, 3.5.2: sort the 9 values of the 3x3 window and
take the 5th (the middle one); it removes salt-and-pepper noise without blurring edges as the
mean does. Border handling is stated in every question, one of::

    valid      only windows that lie inside the image: an N x N image gives (N-2) x (N-2)
    zero       the image is padded with a ring of 0s: the output keeps the N x N size
    replicate  the image is padded by repeating its edge pixels: N x N output
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, Solution, Step, Text, fmt_matrix, need_choice, register,
)
from solvers.img_edges import check_image

BORDERS = ("valid", "zero", "replicate")
BORDER_TEXT = {
    "valid": ("只计算窗口完全落在图像内的位置（不填充），输出比输入每边少 1 行/列",
              "only windows lying wholly inside the image are used (no padding), so the output loses one row/column on each side"),
    "zero": ("图像四周补一圈 0，输出与输入同样大小", "the image is padded with a ring of 0s, so the output has the input's size"),
    "replicate": ("图像四周按复制边缘像素的方式补一圈，输出与输入同样大小",
                  "the image is padded by repeating its edge pixels, so the output has the input's size"),
}
# Named difficulty ranges: image size, borders to draw, grey-level top, share of impulse noise.
RANGES = {
    "easy": dict(size=(4,), borders=("valid",), top=9, noise=0.2),
    "medium": dict(size=(5,), borders=("valid",), top=9, noise=0.25),
    "hard": dict(size=(4,), borders=("zero", "replicate"), top=255, noise=0.2),
}


def padded(image: Any, border: str) -> np.ndarray:
    img = np.asarray(image, dtype=np.int64)
    if border == "valid":
        return img
    return np.pad(img, 1, mode="constant" if border == "zero" else "edge")


def windows(image: Any, border: str) -> np.ndarray:
    """Every 3x3 window of the (padded) image, as rows of 9 values: shape (h, w, 9)."""
    p = padded(image, border)
    h, w = p.shape[0] - 2, p.shape[1] - 2
    return np.stack([p[i:i + h, j:j + w] for i in range(3) for j in range(3)], axis=-1)


def median_filter(image: Any, border: str, rank: int = 4) -> np.ndarray:
    """The 3x3 median (``rank`` 4 = the 5th smallest of 9) with the stated border.

    >>> median_filter([[10, 20, 20], [20, 15, 20], [20, 25, 100]], "valid").tolist()
    [[20]]
    """
    return np.sort(windows(image, border), axis=-1)[..., rank]


@register
class MedianFilter(Kind):
    id = "median_filter"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("中值滤波", "Median filter")
    description = "3x3 median filter of a small image with valid, zero-padded or replicated borders."
    params_help = {
        "image": "a small grey image, whole numbers 0..255, at least 3x3",
        "border": "valid (no padding), zero (pad with 0) or replicate (repeat edge pixels)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        n = r["size"][int(rng.integers(len(r["size"])))]  # = rng.choice, without its overhead
        top = r["top"]
        while True:
            base = int(rng.integers(top // 4, 3 * top // 4 + 1))
            spread = max(1, top // 8)
            # the draws of the NumPy form (clip, then salt and pepper where noisy), in plain Python
            steps = rng.integers(-spread, spread + 1, size=(n, n)).tolist()
            noisy = (rng.random((n, n)) < r["noise"]).tolist()  # salt and pepper: the filter's purpose
            salt = (rng.random((n, n)) < 0.5).tolist()
            img = [[(0 if salt[i][j] else top) if noisy[i][j] else min(top, max(0, base + steps[i][j]))
                    for j in range(n)] for i in range(n)]
            border = r["borders"][int(rng.integers(len(r["borders"])))]
            wins = _windows_small(img, border)
            out = [[sorted(w)[4] for w in row] for row in wins]
            # the answer must differ from the image itself (or "forgot to sort" goes unseen) and
            # must not be one flat value
            if out != [[w[4] for w in row] for row in wins] and len({v for row in out for v in row}) > 1:
                return {"image": img, "border": border}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"image": check_image(params, "image", 3), "border": need_choice(params, "border", BORDERS, default="valid")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("output", Text("滤波结果", "filtered image"), shape="matrix", integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        zh, en = BORDER_TEXT[params["border"]]
        img = fmt_matrix(params["image"])
        return Text(
            f"对下面的灰度图像做 3×3 中值滤波（把窗口内 9 个值从小到大排序，取第 5 个）。边界：{zh}。求滤波结果。\n{img}",
            f"Apply a 3x3 median filter to the grey image below (sort the 9 values of each window and take "
            f"the 5th). Borders: {en}. Give the filtered image.\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        img, border = params["image"], params["border"]
        if _small_image(img):
            wins = _windows_small(img, border)
            ordered = [[sorted(w) for w in row] for row in wins]
            median_of = _median_small
        else:  # a user's large image: NumPy
            arr = np.asarray(img, dtype=np.int64)
            wins = windows(arr, border).tolist()
            ordered = np.sort(windows(arr, border), axis=-1).tolist()

            def median_of(x: Any, how: str) -> list[list[int]]:
                return median_filter(x, how).tolist()
        out = [[o[4] for o in row] for row in ordered]
        steps = []
        if border != "valid":
            steps.append(Step("先按约定补边：" if border == "zero" else "先复制边缘像素补一圈：",
                              "First pad the border as stated:",
                              fmt_matrix(_padded_small(img, border) if _small_image(img) else padded(img, border))))
        lines = [f"({i},{j}): sort -> [{', '.join(map(str, o))}], 5th = {o[4]}"
                 for i, row in enumerate(ordered) for j, o in enumerate(row)]
        steps.append(Step("每个输出位置：窗口内 9 个值排序后取第 5 个（行列从 0 开始）。",
                          "Each output position: sort its 9 window values and take the 5th (rows and columns from 0).",
                          "\n".join(lines)))
        steps.append(Step("滤波结果：", "The filtered image:", fmt_matrix(out)))
        mistakes = [
            Mistake("not_sorted", Text("没有排序，直接取了窗口正中间的值（即原像素）",
                                       "did not sort: took the window's middle entry (the pixel itself)"),
                    {"output": [[w[4] for w in row] for row in wins]}),
            Mistake("rank_off_by_one", Text("排序后取错了位置（第 4 个而不是第 5 个）", "took the wrong place in the sorted list (4th, not 5th)"),
                    {"output": [[o[3] for o in row] for row in ordered]}),
        ]
        if border != "valid":
            other = "replicate" if border == "zero" else "zero"
            mistakes.append(Mistake("border_mixup", Text("补边方式弄错了（补 0 与复制边缘混淆）",
                                                         "padded the wrong way (zeros and repeated edges mixed up)"),
                                    {"output": median_of(img, other)}))
        else:
            mistakes.append(Mistake("padded_instead", Text("补了 0 保持原尺寸，而题目只要有效区域", "padded with zeros to keep the size; only the valid region was asked"),
                                    {"output": median_of(img, "zero")}))
        return Solution({"output": out}, steps, mistakes)


# The generated images are 4 x 4 or 5 x 5 whole numbers: plain lists beat NumPy calls on them.
# The NumPy functions above stay the reference and the path for a user's large image.
def _small_image(image: Any) -> bool:
    return (type(image) is list and 3 <= len(image) <= 16
            and all(type(row) is list and len(row) <= 16 and all(type(v) is int for v in row) for row in image))


def _padded_small(img: list[list[int]], border: str) -> list[list[int]]:
    """:func:`padded` on lists."""
    if border == "valid":
        return img
    if border == "zero":
        w = len(img[0]) + 2
        return [[0] * w] + [[0] + row + [0] for row in img] + [[0] * w]
    rows = [[row[0]] + row + [row[-1]] for row in img]
    return [rows[0]] + rows + [rows[-1]]


def _windows_small(img: list[list[int]], border: str) -> list[list[list[int]]]:
    """:func:`windows` on lists: each window's 9 values in row order."""
    p = _padded_small(img, border)
    return [[p[i][j:j + 3] + p[i + 1][j:j + 3] + p[i + 2][j:j + 3] for j in range(len(p[0]) - 2)]
            for i in range(len(p) - 2)]


def _median_small(img: list[list[int]], border: str) -> list[list[int]]:
    return [[sorted(w)[4] for w in row] for row in _windows_small(img, border)]
