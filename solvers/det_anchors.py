"""RPN anchors of Faster R-CNN: how many per feature map, and their widths and heights.

Ren, He, Girshick & Sun, "Faster R-CNN" (NeurIPS 2015), section 3.1.1: at every position of a
W x H feature map the RPN places k anchors, one per (scale, aspect ratio) pair, so the map holds
W*H*k anchors (k = 9 for 3 scales x 3 ratios). Conventions (those of torchvision's
``AnchorGenerator``)::

    k = len(sizes) * len(ratios);   count = h_f * w_f * k
    ratio r = height / width;  an anchor of size s has area s^2:  w = s / sqrt(r),  h = s * sqrt(r)
    feature map side = floor(image side / stride)    (the VGG-16 backbone's pooling floors)

Anchors are listed size by size (outer loop), and for each size ratio by ratio (inner loop).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_int, need_vector, register,
)
from solvers._rounding import half_up
from solvers.train_numbers import carried, num, vec_text

DECIMALS = 2
# Named difficulty ranges: whether the feature map is given (else image size and stride),
# whether the image side divides by the stride, the anchor sizes and the ratio sets.
RANGES = {
    "easy": dict(given_map=True, divisible=True, sizes=((32, 64), (64, 128), (128, 256), (128,), (256,)),
                 ratios=((0.5, 1, 2),), base=False),
    "medium": dict(given_map=False, divisible=True, sizes=((128, 256, 512), (64, 128, 256), (32, 64, 128)),
                   ratios=((0.5, 1, 2), (0.5, 2), (1, 2))),
    "hard": dict(given_map=False, divisible=False, sizes=((8, 16, 32), (4, 8, 16), (2, 4, 8)),
                 ratios=((0.5, 1, 2), (0.25, 1, 4), (0.5, 1, 2, 4)), base=True),
}
STRIDES = (8, 16, 32)


def feature_side(image_side: int, stride: int) -> int:
    """floor(image side / stride).

    >>> feature_side(600, 16), feature_side(1000, 16)
    (37, 62)
    """
    return image_side // stride


def anchor_shapes(sizes: list[float], ratios: list[float]) -> tuple[list[float], list[float]]:
    """(widths, heights): w = s/sqrt(r), h = s*sqrt(r), sizes outer, ratios inner.

    >>> [round(v, 2) for v in anchor_shapes([128], [0.5, 1, 2])[0]]
    [181.02, 128.0, 90.51]
    """
    widths, heights = [], []
    for s in sizes:
        for r in ratios:
            widths.append(s / math.sqrt(r))
            heights.append(s * math.sqrt(r))
    return widths, heights


def _pair(params: Mapping[str, Any], name: str) -> list[int]:
    raw = need(params, name)
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        raise ParamError(name, "must be [height, width], two whole numbers")
    return [need_int({name: v}, name, minimum=1, maximum=100_000) for v in raw]


@register
class RpnAnchors(Kind):
    id = "rpn_anchors"
    topic = "detection"
    chapter = "ch8_detection"
    title = Text("RPN 锚框的数量与尺寸", "RPN anchors: count and sizes")
    description = "Faster R-CNN anchors: h*w*k per feature map, widths and heights from sizes x ratios."
    params_help = {
        "feature_size": "the feature map [height, width] (or give image_size and stride instead)",
        "image_size": "the input image [height, width] in pixels; the map is floor(side/stride)",
        "stride": "the backbone's total stride, e.g. 16",
        "sizes": "anchor sizes in pixels (square root of the area), e.g. [128, 256, 512]",
        "base_size": "optional: sizes are base_size * each value of sizes (py-faster-rcnn style)",
        "ratios": "aspect ratios height/width, e.g. [0.5, 1, 2]",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        sizes = list(r["sizes"][int(rng.integers(len(r["sizes"])))])
        ratios = [num(x) for x in r["ratios"][int(rng.integers(len(r["ratios"])))]]
        p: dict[str, Any] = {"sizes": sizes, "ratios": ratios}
        if r.get("base"):
            p["base_size"] = int(rng.choice((16, 32)))
        if r["given_map"]:
            p["feature_size"] = [int(rng.integers(5, 41)), int(rng.integers(5, 61))]
            return p
        stride = int(rng.choice(STRIDES))
        if r["divisible"]:
            side = [int(rng.integers(8, 41)) * stride, int(rng.integers(8, 61)) * stride]
        else:  # at least one side leaves a remainder, so floor matters
            side = [int(rng.integers(8, 41)) * stride + int(rng.integers(1, stride)),
                    int(rng.integers(8, 61)) * stride + int(rng.integers(0, stride))]
        p.update(image_size=side, stride=stride)
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        sizes = need_vector(params, "sizes")
        ratios = need_vector(params, "ratios")
        if len(sizes) > 6 or any(s <= 0 for s in sizes):
            raise ParamError("sizes", f"must be 1-6 positive numbers, got {len(sizes)} values")
        if len(ratios) > 6 or any(x <= 0 for x in ratios):
            raise ParamError("ratios", f"must be 1-6 positive numbers, got {len(ratios)} values")
        out["sizes"], out["ratios"] = [num(s) for s in sizes], [num(x) for x in ratios]
        if "base_size" in params:
            out["base_size"] = need_int(params, "base_size", minimum=1, maximum=4096)
        if "feature_size" in params:
            out["feature_size"] = _pair(params, "feature_size")
        elif "image_size" in params:
            out["image_size"] = _pair(params, "image_size")
            out["stride"] = need_int(params, "stride", minimum=1, maximum=1024)
            if min(out["image_size"]) < out["stride"]:
                raise ParamError("image_size", "must be at least the stride on each side")
        else:
            raise ParamError("feature_size", "is missing (or give image_size and stride)")
        return out

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("count", Text("锚框总数", "number of anchors"), integer=True),
                AnswerField("widths", Text("各锚框宽度", "anchor widths"), shape="vector", decimals=DECIMALS),
                AnswerField("heights", Text("各锚框高度", "anchor heights"), shape="vector", decimals=DECIMALS))

    def statement(self, params: Mapping[str, Any]) -> Text:
        ratios = vec_text(params["ratios"])
        if "base_size" in params:
            sz_zh = f"基础尺寸 base_size = {params['base_size']}，尺度 {vec_text(params['sizes'])}（锚框尺寸 = base_size × 尺度）"
            sz_en = (f"base size {params['base_size']} and scales {vec_text(params['sizes'])} (anchor size = "
                     f"base_size x scale)")
        else:
            sz_zh = f"锚框尺寸 {vec_text(params['sizes'])}"
            sz_en = f"anchor sizes {vec_text(params['sizes'])}"
        if "feature_size" in params:
            h, w = params["feature_size"]
            map_zh, map_en = f"特征图大小为 {h}×{w}（高×宽）", f"The feature map is {h} x {w} (height x width)"
        else:
            (H, W), S = params["image_size"], params["stride"]
            map_zh = f"输入图像为 {H}×{W}（高×宽），主干网络总步幅为 {S}，特征图每边 = floor(图像边长/步幅)"
            map_en = (f"The input image is {H} x {W} (height x width) and the backbone's total stride is {S}; "
                      f"each side of the feature map is floor(image side / stride)")
        return Text(
            f"Faster R-CNN 的 RPN 在特征图每个位置放 k 个锚框（每个尺寸与每个长宽比各组合一次）。{map_zh}。"
            f"{sz_zh}，长宽比 r = 高/宽 取 {ratios}。尺寸为 s 的锚框面积为 s²：宽 = s/√r，高 = s·√r。"
            f"求锚框总数，以及各锚框的宽和高（先按尺寸、同一尺寸内按长宽比的顺序列出，保留 {DECIMALS} 位小数，"
            f"√r 至少保留 6 位小数）。",
            f"Faster R-CNN's RPN places k anchors at every position of the feature map, one per pair of "
            f"size and aspect ratio. {map_en}. It uses {sz_en} and aspect ratios r = height/width of "
            f"{ratios}. An anchor of size s has area s^2: width = s/sqrt(r), height = s*sqrt(r). Give the "
            f"total number of anchors, and the width and height of each anchor (listed size by size, "
            f"and within a size ratio by ratio) to {DECIMALS} decimal places (carry sqrt(r) to at "
            f"least 6 places).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        scale_list, ratios = params["sizes"], params["ratios"]
        base = params.get("base_size")
        sizes = [base * s for s in scale_list] if base else list(scale_list)
        k = len(sizes) * len(ratios)
        steps = []
        if "feature_size" in params:
            fh, fw = params["feature_size"]
        else:
            (H, W), S = params["image_size"], params["stride"]
            fh, fw = feature_side(H, S), feature_side(W, S)
            steps.append(Step("特征图大小：图像边长除以总步幅，向下取整。",
                              "Feature map size: image side over the total stride, rounded down.",
                              f"floor({H}/{S}) = {fh},  floor({W}/{S}) = {fw}"))
        count = fh * fw * k
        if base:
            steps.append(Step("锚框尺寸 = 基础尺寸 × 尺度。", "Anchor size = base size x scale.",
                              ",  ".join(f"{base}*{fmt(s)} = {fmt(base * s)}" for s in scale_list)))
        steps.append(Step("每个位置的锚框数 k = 尺寸个数 × 长宽比个数；总数 = 高 × 宽 × k。",
                          "Anchors per position k = number of sizes x number of ratios; total = height x width x k.",
                          f"k = {len(sizes)}*{len(ratios)} = {k};  count = {fh}*{fw}*{k} = {count}"))
        widths, heights = anchor_shapes(sizes, ratios)
        # the steps as a student carries them (sqrt(r) to 6 places, as the statement asks), and the
        # second accepted key from them: from the unrounded root such a student was marked wrong in
        # 10 of 300 problems (1024*1.414214 = 1448.155..., but 1024*sqrt(2) = 1448.154...)
        roots = {r: half_up(math.sqrt(r), 6) for r in ratios}
        widths6 = [s / roots[r] for s in sizes for r in ratios]
        heights6 = [s * roots[r] for s in sizes for r in ratios]
        lines = []
        for i, s in enumerate(sizes):
            for j, r in enumerate(ratios):
                n = i * len(ratios) + j
                lines.append(f"s={fmt(s)}, r={fmt(r)}: w = {fmt(s)}/{carried(math.sqrt(r))} = "
                             f"{fmt(widths6[n], DECIMALS)},  h = {fmt(s)}*{carried(math.sqrt(r))} = "
                             f"{fmt(heights6[n], DECIMALS)}")
        steps.append(Step("每个尺寸与长宽比：宽 = s/√r，高 = s·√r（面积保持 s²，高/宽 = r）。",
                          "For each size and ratio: width = s/sqrt(r), height = s*sqrt(r) (area stays s^2, "
                          "height/width = r).", "\n".join(lines)))
        steps.append(Step("宽度与高度（按顺序）：", "Widths and heights in order:",
                          f"widths = {vec_text(widths6, DECIMALS)}\nheights = {vec_text(heights6, DECIMALS)}"))
        answer = {"count": count, "widths": widths, "heights": heights}
        return Solution(answer, steps, self._mistakes(params, sizes, fh, fw, widths, heights),
                        carried={"widths": widths6, "heights": heights6})

    @staticmethod
    def _mistakes(params: Mapping[str, Any], sizes: list[float], fh: int, fw: int,
                  widths: list[float], heights: list[float]) -> list[Mistake]:
        ratios = params["ratios"]
        k = len(sizes) * len(ratios)
        out = [
            Mistake("forgot_ratios", Text("每个位置只算了尺寸个数，忘了乘长宽比个数",
                                          "counted only the sizes per position, forgetting the aspect ratios"),
                    {"count": fh * fw * len(sizes)}),
            Mistake("forgot_sizes", Text("每个位置只算了长宽比个数，忘了乘尺寸个数",
                                         "counted only the aspect ratios per position, forgetting the sizes"),
                    {"count": fh * fw * len(ratios)}),
            Mistake("regression_outputs", Text("数成了回归输出 4k（每个锚框 4 个坐标），而不是锚框数 k",
                                               "counted the 4k regression outputs (4 per anchor) instead of k anchors"),
                    {"count": 4 * fh * fw * k}),
            Mistake("ratio_inverted", Text("把长宽比当成 宽/高，宽和高弄反了", "took the ratio as width/height, swapping widths and heights"),
                    {"widths": heights, "heights": widths}),
            Mistake("area_not_kept", Text("宽取 s、高取 s·r（没有保持面积 s²）",
                                          "took width s and height s*r (the area s^2 is not kept)"),
                    {"widths": [float(s) for s in sizes for _ in ratios],
                     "heights": [float(s * r) for s in sizes for r in ratios]}),
        ]
        if "image_size" in params:
            (H, W), S = params["image_size"], params["stride"]
            out.append(Mistake("image_not_map", Text("用图像大小代替了特征图大小", "used the image size instead of the feature map size"),
                               {"count": H * W * k}))
            if H % S or W % S:
                out.append(Mistake("ceil_not_floor", Text("特征图边长向上取整了（应向下取整）", "rounded the feature map sides up instead of down"),
                                   {"count": -(-H // S) * -(-W // S) * k}))
        if "base_size" in params:
            w0, h0 = anchor_shapes(params["sizes"], ratios)
            out.append(Mistake("forgot_base_size", Text("把尺度当成了锚框尺寸，忘了乘基础尺寸",
                                                        "used the scales as the sizes, forgetting the base size"),
                               {"widths": w0, "heights": h0}))
        return out
