"""Semantic-segmentation metrics of a predicted label map against the ground truth.

For K classes, with the confusion matrix C (rows = true class, columns = predicted class, one
count per pixel), TP_k = C[k,k], FP_k = column k sum - TP_k, FN_k = row k sum - TP_k
(Long, Shelhamer & Darrell 2015, "Fully convolutional networks", sec. 5; Milletari et al. 2016,
V-Net, for the Dice loss)::

    pixel accuracy = sum_k TP_k / number of pixels
    IoU_k  = TP_k / (TP_k + FP_k + FN_k)          = |A ∩ B| / |A ∪ B|
    mIoU   = mean of IoU_k over the K classes
    Dice_k = 2 TP_k / (2 TP_k + FP_k + FN_k)      = 2|A ∩ B| / (|A| + |B|)
    Dice loss = 1 - mean of Dice_k over the K classes   (hard labels; the convention stated)

Dice_k = 2 IoU_k / (1 + IoU_k): the two agree on ranking but not in value.
"""

from __future__ import annotations

import functools
import math
import random
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_matrix, register
from solvers._rounding import exact_values, half_up
from solvers.det_iou import pick, py_random
from solvers.rnn_cells import CARRY
from solvers.train_numbers import a_or_an

# Named ranges: label-map side and class count (maps), or pixel counts of a confusion matrix.
RANGES = {
    "easy": dict(layout="maps", side=(4,), K=(2,), flip=(2, 5)),
    "medium": dict(layout="maps", side=(4, 5), K=(3,), flip=(3, 8)),
    "hard": dict(layout="matrix", K=(3, 4), diag=(20, 200), off=(0, 40)),
}
CLASS_WORDS = ("背景 background", "道路 road", "汽车 car", "行人 person")


def confusion_matrix(truth: Any, pred: Any, num_classes: int) -> np.ndarray:
    """Counts C[t, p] of pixels with true class t predicted as p.

    >>> confusion_matrix([[0, 1], [1, 1]], [[0, 0], [1, 1]], 2).tolist()
    [[1, 0], [1, 2]]
    """
    t, p = np.asarray(truth, dtype=np.int64).ravel(), np.asarray(pred, dtype=np.int64).ravel()
    return np.bincount(t * num_classes + p, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def seg_metrics(conf: Any) -> dict[str, Any]:
    """Exact pixel accuracy, per-class IoU and Dice, mIoU and Dice loss of a confusion matrix.

    >>> m = seg_metrics([[1, 0], [1, 2]])
    >>> str(m["pixel_accuracy"]), [str(x) for x in m["iou"]], [str(x) for x in m["dice"]]
    ('3/4', ['1/2', '2/3'], ['2/3', '4/5'])
    """
    return _metrics(_counts(np.asarray(conf, dtype=np.int64).tolist()))


def _counts(c: list[list[int]]) -> dict[str, Any]:
    """The confusion matrix (plain ints) with its diagonal, row and column sums and unions."""
    K = len(c)
    tp = [c[k][k] for k in range(K)]
    rows = [sum(r) for r in c]
    cols = [sum(r[k] for r in c) for k in range(K)]
    return {"c": c, "tp": tp, "rows": rows, "cols": cols, "union": [r + k - a for a, r, k in zip(tp, rows, cols)]}


def _metrics(n: Mapping[str, Any]) -> dict[str, Any]:
    tp, rows, cols, union = n["tp"], n["rows"], n["cols"], n["union"]
    if 0 in union:
        raise ValueError("every class must appear in the truth or the prediction")
    K = len(tp)
    iou = [Fraction(a, u) for a, u in zip(tp, union)]
    dice = [Fraction(2 * a, r + k) for a, r, k in zip(tp, rows, cols)]
    return {"pixel_accuracy": Fraction(sum(tp), sum(rows)), "iou": iou, "miou": mean(iou),
            "dice": dice, "dice_loss": 1 - mean(dice)}


def mean(xs: list[Fraction]) -> Fraction:
    """The exact mean of a few fractions: one sum over a common denominator (whole numbers), made a
    Fraction once, instead of a Fraction addition per term."""
    common = math.lcm(*(x.denominator for x in xs))
    return Fraction(sum(x.numerator * (common // x.denominator) for x in xs), common * len(xs))


@functools.lru_cache(maxsize=4096)
def _frac_text(p: int, q: int) -> str:  # remembered: the same few fractions recur
    return f"{p}/{q} = {fmt(p / q, 4)}" if q != 1 else str(p)


def _frac(x: Fraction) -> str:
    """``6/7 = 0.8571`` (the fraction in lowest terms, then the 4-place value)."""
    return _frac_text(x.numerator, x.denominator)


@functools.lru_cache(maxsize=4096)
def _six(p: int, q: int) -> float:  # p/q carried to 6 places (remembered: rounding goes through Decimal)
    return half_up(Fraction(p, q), CARRY)


def _draw_maps(rnd: random.Random, side: int, K: int, flips: tuple[int, int]) -> tuple[list, list]:
    """A blocky truth map (a few rectangles of each class) and a prediction with some pixels wrong."""
    u = rnd.random
    while True:
        truth = [[0] * side for _ in range(side)]
        for k in range(1, K):
            r0, c0 = int(u() * (side - 1)), int(u() * (side - 1))  # a corner in 0..side-2
            h, w = 2 + int(u() * (side - 2)), 2 + int(u() * (side - 2))  # sides 2..side-1
            for row in truth[r0:r0 + h]:
                row[c0:c0 + w] = [k] * len(row[c0:c0 + w])
        pred = [row[:] for row in truth]
        n = flips[0] + int(u() * (flips[1] - flips[0] + 1))
        cells: list[int] = []
        while len(cells) < n:  # n distinct pixels
            i = int(u() * side * side)
            if i not in cells:
                cells.append(i)
        for i in cells:  # each to another class
            r, c = divmod(i, side)
            pred[r][c] = (pred[r][c] + 1 + int(u() * (K - 1))) % K
        seen_truth = {v for row in truth for v in row}
        if len(seen_truth) == K and len(seen_truth | {v for row in pred for v in row}) == K:
            return truth, pred


_FIELDS = (AnswerField("pixel_accuracy", Text("像素准确率", "pixel accuracy"), decimals=4),
           AnswerField("iou", Text("各类 IoU（按类别 0, 1, ... 的顺序）", "per-class IoU (class 0, 1, ...)"),
                       shape="vector", decimals=4),
           AnswerField("miou", Text("mIoU", "mIoU"), decimals=4),
           AnswerField("dice", Text("各类 Dice 系数", "per-class Dice"), shape="vector", decimals=4),
           AnswerField("dice_loss", Text("Dice 损失", "Dice loss"), decimals=4))


@register
class SegMetrics(Kind):
    id = "seg_metrics"
    topic = "segmentation"
    chapter = "ch7_segmentation"
    title = Text("分割评价指标（像素准确率、IoU、mIoU、Dice）", "Segmentation metrics (pixel accuracy, IoU, mIoU, Dice)")
    description = "Pixel accuracy, per-class IoU, mIoU, per-class Dice and Dice loss from label maps or a confusion matrix."
    params_help = {
        "truth": "the ground-truth label map, a matrix of class indices 0..K-1 (give with pred)",
        "pred": "the predicted label map, same size as truth",
        "confusion": "instead of the maps: a K x K pixel confusion matrix, rows = true, columns = predicted",
        "num_classes": "K, the number of classes (default: 1 + the largest label; with maps only)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        K = pick(rnd, r["K"])
        if r["layout"] == "maps":
            truth, pred = _draw_maps(rnd, pick(rnd, r["side"]), K, r["flip"])
            return {"truth": truth, "pred": pred, "num_classes": K}
        u, (lo, hi), (dlo, dhi) = rnd.random, r["off"], r["diag"]
        c = [[lo + int(u() * (hi - lo + 1)) for _ in range(K)] for _ in range(K)]
        for k in range(K):
            c[k][k] = dlo + int(u() * (dhi - dlo + 1))
        return {"confusion": c}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if "confusion" in params:
            c = np.asarray(need_matrix(params, "confusion", min_rows=2, min_cols=2))
            if c.shape[0] != c.shape[1] or c.shape[0] > 10:
                raise ParamError("confusion", f"must be square with 2 to 10 classes, got {c.shape[0]} x {c.shape[1]}")
            if (c < 0).any() or not np.all(c == np.round(c)):
                raise ParamError("confusion", "must hold whole-number pixel counts >= 0")
            if (c.sum(axis=0) + c.sum(axis=1) == 0).any():
                raise ParamError("confusion", "every class must appear in the truth or the prediction")
            return {"confusion": c.astype(int).tolist()}
        truth = np.asarray(need_matrix(params, "truth"))
        pred = np.asarray(need_matrix(params, "pred"))
        if truth.size > 400:
            raise ParamError("truth", f"is {truth.shape[0]} x {truth.shape[1]}; give at most 400 pixels, or a "
                             f"confusion matrix instead")
        if pred.shape != truth.shape:
            raise ParamError("pred", f"must be the same size as truth ({truth.shape[0]} x {truth.shape[1]}), "
                             f"got {pred.shape[0]} x {pred.shape[1]}")
        for name, m in (("truth", truth), ("pred", pred)):
            if (m < 0).any() or not np.all(m == np.round(m)):
                raise ParamError(name, "must hold class indices 0, 1, 2, ...")
        top = int(max(truth.max(), pred.max())) + 1
        raw_k = params.get("num_classes", top)
        try:
            K = int(raw_k)
        except (TypeError, ValueError):
            raise ParamError("num_classes", "must be a whole number") from None
        if not top <= K <= 10 or K < 2:
            raise ParamError("num_classes", f"must be 2 to 10 and cover every label (at least {top}), got {K}")
        conf = confusion_matrix(truth, pred, K)
        if (conf.sum(axis=0) + conf.sum(axis=1) == 0).any():
            raise ParamError("num_classes", "every class must appear in the truth or the prediction")
        return {"truth": truth.astype(int).tolist(), "pred": pred.astype(int).tolist(), "num_classes": K}

    def _conf(self, params: Mapping[str, Any]) -> list[list[int]]:
        """The confusion matrix as plain ints (a handful of pixels: no NumPy round trip)."""
        if "confusion" in params:
            return [[int(v) for v in row] for row in params["confusion"]]
        K = params["num_classes"]
        c = [[0] * K for _ in range(K)]
        for tr, pr in zip(params["truth"], params["pred"]):
            for t, p in zip(tr, pr):
                c[int(t)][int(p)] += 1
        return c

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _FIELDS

    def statement(self, params: Mapping[str, Any]) -> Text:
        defs_zh = ("IoU = 交集/并集，mIoU 为各类 IoU 的平均（包括类别 0），Dice = 2·交集/(真实像素数+预测像素数)，"
                   "Dice 损失 = 1 − 各类 Dice 的平均")
        defs_en = ("IoU = intersection / union, mIoU = the mean IoU over all classes (class 0 included), "
                   "Dice = 2 * intersection / (true pixels + predicted pixels), Dice loss = 1 - the mean Dice "
                   "over all classes")
        ask_zh = f"求像素准确率、各类 IoU、mIoU、各类 Dice 和 Dice 损失（{defs_zh}），均保留 4 位小数。"
        ask_en = f"Find the pixel accuracy, each class's IoU, the mIoU, each class's Dice and the Dice loss ({defs_en}), each to 4 decimal places."
        if "confusion" in params:
            c = params["confusion"]
            K = len(c)
            w = max(7, *(len(str(v)) + 2 for row in c for v in row))
            head = "true\\pred" + "".join(f"{k:>{w}}" for k in range(K))
            table = "\n".join([head] + [f"{t:<9}" + "".join(f"{v:>{w}}" for v in row) for t, row in enumerate(c)])
            return Text(f"某分割模型在一张图像上的像素混淆矩阵如下（行为真实类别，列为预测类别，类别编号 0..{K - 1}）：\n"
                        f"{table}\n{ask_zh}",
                        f"A segmentation model's pixel confusion matrix on one image is below (rows = true class, "
                        f"columns = predicted class, classes 0..{K - 1}):\n{table}\n{ask_en}")
        t, p = params["truth"], params["pred"]  # (lists of whole numbers, from check_params or generate)
        K = params["num_classes"]
        rows = "\n".join(" ".join(map(str, tr)) + "    |    " + " ".join(map(str, pr)) for tr, pr in zip(t, p))
        h, w = len(t), len(t[0])
        return Text(f"{h}×{w} 图像的真实标签图（左）和预测标签图（右）如下，共 K = {K} 个类别，编号 0..{K - 1}：\n{rows}\n{ask_zh}",
                    f"The ground-truth label map (left) and the predicted label map (right) of "
                    f"{a_or_an(h)} {h}x{w} image, K = {K} classes numbered 0..{K - 1}:\n{rows}\n{ask_en}")

    def solve(self, params: Mapping[str, Any]) -> Solution:
        n = _counts(self._conf(params))
        m = _metrics(n)
        c, tp, rows, cols, union = n["c"], n["tp"], n["rows"], n["cols"], n["union"]
        K = len(c)
        steps = []
        if "confusion" not in params:
            steps.append(Step("逐像素统计混淆矩阵（行为真实类别，列为预测类别）。",
                              "Count the pixels into a confusion matrix (rows = true, columns = predicted).",
                              "C = " + "; ".join(" ".join(map(str, r)) for r in c)))
        steps.append(Step("像素准确率 = 对角线之和 / 像素总数。", "Pixel accuracy = diagonal sum / number of pixels.",
                          f"({' + '.join(map(str, tp))}) / {sum(rows)} = {_frac(m['pixel_accuracy'])}"))
        for k in range(K):
            steps.append(Step(f"类别 {k}：交集 = C[{k},{k}]，真实像素数 = 第 {k} 行之和，预测像素数 = 第 {k} 列之和，"
                              f"并集 = 两者之和减交集。",
                              f"Class {k}: intersection = C[{k},{k}], true pixels = row {k} sum, predicted pixels "
                              f"= column {k} sum, union = their sum minus the intersection.",
                              f"IoU_{k} = {tp[k]}/({rows[k]} + {cols[k]} - {tp[k]}) = "
                              f"{_frac(m['iou'][k])};  Dice_{k} = 2*{tp[k]}/({rows[k]} + {cols[k]}) = "
                              f"{_frac(m['dice'][k])}"))
        # a student averages the 6-place values the steps write; that mean is accepted too (carried)
        iou6 = [_six(x.numerator, x.denominator) for x in m["iou"]]
        dice6 = [_six(x.numerator, x.denominator) for x in m["dice"]]
        carried = {"miou": sum(iou6) / K, "dice_loss": 1 - sum(dice6) / K}
        six = lambda xs: " + ".join(fmt(x, CARRY) for x in xs)  # noqa: E731
        steps += [
            Step(f"mIoU = {K} 个类别 IoU 的平均（各 IoU 保留 6 位小数）。",
                 f"mIoU = the mean of the {K} class IoUs (each to 6 places).",
                 f"({six(iou6)})/{K} = {fmt(carried['miou'], 4)}"),
            Step("Dice 损失 = 1 − 平均 Dice。", "Dice loss = 1 - the mean Dice.",
                 f"1 - ({six(dice6)})/{K} = {fmt(carried['dice_loss'], 4)}"),
        ]
        # (the float of a / b for whole numbers is the float of Fraction(a, b): both correctly rounded)
        f = lambda xs: [x.numerator / x.denominator for x in xs]  # noqa: E731
        half_dice = [Fraction(a, r + k) for a, r, k in zip(tp, rows, cols)]
        recall = [Fraction(a, r) if r else Fraction(0) for a, r in zip(tp, rows)]
        mistakes = [
            Mistake("union_double_counted", _LABELS["union_double_counted"],
                    {"iou": f(half_dice), "miou": float(mean(half_dice))}),
            Mistake("dice_iou_swapped", _LABELS["dice_iou_swapped"],
                    {"iou": f(m["dice"]), "dice": f(m["iou"]), "miou": float(mean(m["dice"])),
                     "dice_loss": float(1 - m["miou"])}),
            Mistake("dice_without_2", _LABELS["dice_without_2"],
                    {"dice": f(half_dice), "dice_loss": float(1 - mean(half_dice))}),
            Mistake("pooled_iou", _LABELS["pooled_iou"], {"miou": sum(tp) / sum(union)}),
            Mistake("miou_without_background", _LABELS["miou_without_background"],
                    {"miou": float(mean(m["iou"][1:]))}),
            Mistake("mean_class_accuracy", _LABELS["mean_class_accuracy"], {"pixel_accuracy": float(mean(recall))}),
            Mistake("dice_loss_from_iou", _LABELS["dice_loss_from_iou"], {"dice_loss": float(1 - m["miou"])}),
        ]
        # Exact floats: the key rounds the rational value half up, never a float just below .5
        answer = {k: exact_values(m[k]) for k in ("pixel_accuracy", "iou", "miou", "dice", "dice_loss")}
        exact = {k: str(m[k]) for k in ("pixel_accuracy", "miou", "dice_loss")}
        return Solution(answer, steps, mistakes, exact, carried=carried)


# the named mistakes' labels, made once (a frozen dataclass costs a microsecond to build)
_LABELS = {
    "union_double_counted": Text("并集直接用 真实像素数 + 预测像素数，交集被算了两次",
                                 "took the union as true + predicted pixels, counting the intersection twice"),
    "dice_iou_swapped": Text("把 Dice 和 IoU 弄混了", "swapped Dice and IoU"),
    "dice_without_2": Text("Dice 忘了分子上的 2", "left the 2 out of the Dice numerator"),
    "pooled_iou": Text("mIoU 用所有类的交集之和 / 并集之和，而不是各类 IoU 的平均",
                       "pooled the classes (sum of intersections / sum of unions) instead of averaging the IoUs"),
    "miou_without_background": Text("mIoU 没算类别 0（背景）", "left class 0 (background) out of the mIoU"),
    "mean_class_accuracy": Text("把各类召回率的平均（平均类别准确率）当成了像素准确率",
                                "gave the mean per-class accuracy instead of the pixel accuracy"),
    "dice_loss_from_iou": Text("Dice 损失用了 1 − mIoU", "took the Dice loss as 1 - mIoU"),
}
