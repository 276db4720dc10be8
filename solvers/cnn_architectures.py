"""Sizes fixed by an architecture: the SPP vector length and the YOLOv1 output tensor.

* SPP (He et al., "Spatial Pyramid Pooling in Deep Convolutional Networks", 2014): each pyramid
  level n max-pools every channel into n x n bins whatever the map's size, so the vector fed to
  the FC layers has  C * sum_i n_i^2  values (256 * (1 + 4 + 16) = 5376 for levels 1, 2, 4).
* YOLOv1 (Redmon et al., "You Only Look Once", 2016): an S x S grid; each cell predicts B boxes of
  5 numbers (x, y, w, h, confidence) and one set of C class probabilities shared by its boxes:
  an S x S x (5B + C) tensor (7 x 7 x 30 for S = 7, B = 2, C = 20).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, brief, need, need_int, register,
)
from solvers.train_numbers import a_or_an


SPP_RANGES = {
    "easy": dict(C=(64, 128, 256), levels=((1, 2, 4), (1, 2), (1, 2, 3)), H=(13, 10, 16)),
    "medium": dict(C=(96, 256, 384, 512), levels=((1, 2, 4), (1, 2, 3, 6), (1, 3, 6), (1, 2, 3)), H=(13, 10, 7, 19)),
    "hard": dict(C=(192, 256, 384, 512, 1024), levels=((1, 2, 3, 6), (1, 2, 4, 8), (1, 3, 5), (2, 4, 6)),
                 H=(9, 13, 17, 21, 24)),
}
YOLO_RANGES = {
    "easy": dict(S=(7,), B=(2,), C=(20, 10, 5)),
    "medium": dict(S=(7, 13), B=(1, 2, 3), C=(3, 10, 20, 80)),
    "hard": dict(S=(7, 9, 11, 13, 14, 19), B=(2, 3, 5), C=(2, 12, 20, 80)),
}


def spp_length(channels: int, levels: list[int]) -> int:
    """Length of the SPP output vector: channels * sum(n*n for each n x n level).

    >>> spp_length(256, [1, 2, 4])
    5376
    """
    if channels < 1 or not levels or min(levels) < 1:
        raise ValueError(f"need channels >= 1 and levels >= 1, got {channels}, {levels}")
    return channels * sum(n * n for n in levels)


def spp_bins(size: int, n: int) -> list[tuple[int, int]]:
    """The rows (first, last) of each of the n bins along a side of ``size`` pixels, by the
    adaptive recipe (PyTorch ``AdaptiveMaxPool2d``): bin i covers floor(i*size/n) ..
    ceil((i+1)*size/n) - 1. Always n bins, even when size < n (bins then share pixels); the
    fixed window ceil(size/n) with stride floor(size/n) of He et al. gives 8 bins, not 6, for
    size 9 and n = 6.

    >>> spp_bins(10, 4)
    [(0, 2), (2, 4), (5, 7), (7, 9)]
    >>> spp_bins(2, 3)
    [(0, 0), (0, 1), (1, 1)]
    """
    return [(i * size // n, -(-(i + 1) * size // n) - 1) for i in range(n)]


MAX_LEVELS = 10  # pyramid levels a user may give to `solve` (real SPP nets use 3-4)
MAX_BINS = 100  # bins per side of one level


def yolo_v1_output(grid: int, boxes: int, classes: int) -> tuple[int, int]:
    """Depth 5B + C of the YOLOv1 output and the total number of values S*S*(5B + C).

    >>> yolo_v1_output(7, 2, 20)
    (30, 1470)
    """
    depth = 5 * boxes + classes
    return depth, grid * grid * depth


@register
class SppLength(Kind):
    id = "spp_length"
    topic = "cnn"
    chapter = "ch7_segmentation"
    title = Text("SPP 输出向量长度", "Length of the SPP output vector")
    description = "Output length C*sum(n_i^2) of spatial pyramid pooling, whatever the input size."
    params_help = {"channels": "channels C of the last conv feature map, a whole number >= 1",
                   "levels": "pyramid levels, each n meaning n x n bins, e.g. [1, 2, 4]",
                   "map_sizes": "optional: two feature-map sides shown in the statement, e.g. [13, 10]"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = SPP_RANGES[difficulty]
        levels = r["levels"][int(rng.integers(len(r["levels"])))]
        sizes = rng.choice(r["H"], size=2, replace=False)
        return dict(channels=int(rng.choice(r["C"])), levels=[int(n) for n in levels],
                    map_sizes=[int(s) for s in sizes])

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        C = need_int(params, "channels", minimum=1)
        raw = need(params, "levels")
        if not isinstance(raw, (list, tuple)) or not raw:
            raise ParamError("levels", f"must be a non-empty list of bin counts like [1, 2, 4], got {brief(raw)}")
        if len(raw) > MAX_LEVELS:
            raise ParamError("levels", f"at most {MAX_LEVELS} pyramid levels, got a list of {len(raw)}")
        levels = [need_int({"levels": n}, "levels", minimum=1, maximum=MAX_BINS) for n in raw]
        sizes = params.get("map_sizes", [max(levels) * 2, max(levels) * 2 + 3])
        if not isinstance(sizes, (list, tuple)) or len(sizes) != 2:
            raise ParamError("map_sizes", f"must be two feature-map sides such as [13, 10], got "
                                          f"{brief(sizes)}")
        sizes = [need_int({"map_sizes": s}, "map_sizes", minimum=1, maximum=10_000) for s in sizes]
        return dict(channels=C, levels=levels, map_sizes=sizes)

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("bins", Text("每个通道的总格子数", "bins per channel"), integer=True, points=1.0),
                AnswerField("length", Text("输出向量长度", "output vector length"), integer=True, points=2.0))

    def statement(self, params: Mapping[str, Any]) -> Text:
        C, levels, (h1, h2) = params["channels"], params["levels"], params["map_sizes"]
        lz = "、".join(f"{n}×{n}" for n in levels)
        le = ", ".join(f"{n}x{n}" for n in levels)
        return Text(
            f"最后一个卷积层输出 {C} 个通道；对两张不同大小的输入图像，其特征图分别为 {h1}×{h1} 和 {h2}×{h2}。"
            f"SPP 层使用 {lz} 的金字塔级别（每个通道每级做最大池化）。每一级 n 沿每条边把长为 H 的特征图分成 n 段，"
            f"第 i 段（i 从 0 起）覆盖 ⌊iH/n⌋ 到 ⌈(i+1)H/n⌉-1（自适应池化），所以无论 H 多大（即使 H < n）都恰好是 n×n 个格子。"
            f"求每个通道的格子总数，以及 SPP 输出向量的长度。",
            f"The last conv layer outputs {C} channels; for two input images of different sizes its "
            f"feature maps are {h1}x{h1} and {h2}x{h2}. The SPP layer uses pyramid levels {le} (max "
            f"pooling per channel and level). Level n cuts each side of length H into n pieces, piece i "
            f"(from 0) covering floor(iH/n) to ceil((i+1)H/n) - 1 (adaptive pooling), so there are "
            f"exactly n x n bins whatever H is, even when H < n. Give the number of bins per channel "
            f"and the length of the SPP output vector.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        C, levels, (h1, h2) = params["channels"], params["levels"], params["map_sizes"]
        bins = sum(n * n for n in levels)
        length = spp_length(C, levels)
        steps = [
            Step("每一级按自适应池化把每条边分成 n 段，得到 n×n 个格子，与特征图大小无关。",
                 "Each level cuts each side into n pieces (adaptive pooling): n x n bins, whatever the map's size.",
                 f"H = {h1}, n = {levels[-1]}: " + ", ".join(f"{a}..{b}" for a, b in spp_bins(h1, levels[-1]))
                 + ";  " + " + ".join(f"{n}*{n}" for n in levels) + f" = {bins}"),
            Step("每个通道每个格子取一个最大值，拼接起来。", "One max per bin per channel, concatenated.",
                 f"{C}*{bins} = {length}"),
            Step(f"{h1}×{h1} 和 {h2}×{h2} 得到的长度相同，这正是 SPP 让全连接层接受任意尺寸输入的原因。",
                 f"{h1}x{h1} and {h2}x{h2} give the same length: this is how SPP lets the FC layers accept "
                 f"any input size.", ""),
        ]
        mistakes = [
            Mistake("summed_n", Text("用 n 而不是 n² 相加", "added n instead of n*n"),
                    {"bins": sum(levels), "length": C * sum(levels)}),
            Mistake("forgot_channels", Text("忘了乘通道数", "forgot the channels"), {"length": bins}),
            Mistake("used_map_size", Text("以为长度取决于特征图大小（直接展平了第一张特征图 C·H·W）",
                                             "thought the length depends on the map size (flattened the first map, C*H*W)"),
                    {"length": C * h1 * h1}),
        ]
        return Solution({"bins": bins, "length": length}, steps, mistakes)


@register
class YoloOutput(Kind):
    id = "yolo_output"
    topic = "cnn"
    chapter = "ch8_detection"
    title = Text("YOLOv1 输出张量", "The YOLOv1 output tensor")
    description = "YOLOv1 output S x S x (5B + C): the depth and the total number of values."
    params_help = {"grid": "grid size S (S x S cells), a whole number >= 1",
                   "boxes": "boxes per cell B, a whole number >= 1",
                   "classes": "number of classes C, a whole number >= 1"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = YOLO_RANGES[difficulty]
        return dict(grid=int(rng.choice(r["S"])), boxes=int(rng.choice(r["B"])), classes=int(rng.choice(r["C"])))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(grid=need_int(params, "grid", minimum=1), boxes=need_int(params, "boxes", minimum=1),
                    classes=need_int(params, "classes", minimum=1))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("depth", Text("每个格子的输出维数（张量深度）", "values per cell (tensor depth)"),
                            integer=True),
                AnswerField("total", Text("输出值总数", "total number of output values"), integer=True))

    def statement(self, params: Mapping[str, Any]) -> Text:
        S, B, C = params["grid"], params["boxes"], params["classes"]
        return Text(
            f"YOLOv1 把图像划分为 {S}×{S} 的网格，每个格子预测 {B} 个边界框，数据集有 {C} 个类别"
            f"（类别概率每个格子一组，由该格子的边界框共享）。求输出张量的深度，以及输出值的总数。",
            f"YOLOv1 divides the image into {a_or_an(S)} {S}x{S} grid; each cell predicts {B} bounding boxes and "
            f"there are {C} classes (one set of class probabilities per cell, shared by its boxes). "
            f"Give the depth of the output tensor and the total number of output values.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        S, B, C = params["grid"], params["boxes"], params["classes"]
        depth, total = yolo_v1_output(S, B, C)
        steps = [
            Step("每个边界框 5 个数：x, y, w, h, 置信度。", "Each box has 5 numbers: x, y, w, h, confidence.",
                 f"5*{B} = {5 * B}"),
            Step("加上每个格子一组类别概率。", "Plus one set of class probabilities per cell.",
                 f"{5 * B} + {C} = {depth}"),
            Step("整个输出是 S×S×(5B+C)。", "The whole output is S x S x (5B + C).",
                 f"{S}*{S}*{depth} = {total}"),
        ]
        mistakes = [
            Mistake("four_per_box", Text("每个框只算了 4 个坐标，漏了置信度", "4 numbers per box (forgot the confidence)"),
                    {"depth": 4 * B + C, "total": S * S * (4 * B + C)}),
            Mistake("classes_per_box", Text("每个框各有一组类别概率（那是 YOLOv2/v3 的做法）",
                                            "class probabilities per box (that is YOLOv2/v3)"),
                    {"depth": B * (5 + C), "total": S * S * B * (5 + C)}),
            Mistake("forgot_square", Text("网格只乘了一次 S", "multiplied by S only once"),
                    {"total": S * depth}),
        ]
        return Solution({"depth": depth, "total": total}, steps, mistakes)
