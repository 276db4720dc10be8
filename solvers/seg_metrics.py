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

from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_matrix, register
from solvers._rounding import exact_values, half_up
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
    c = np.asarray(conf, dtype=np.int64)
    tp = np.diag(c)
    rows, cols = c.sum(axis=1), c.sum(axis=0)
    union = rows + cols - tp
    if (union == 0).any():
        raise ValueError("every class must appear in the truth or the prediction")
    iou = [Fraction(int(a), int(u)) for a, u in zip(tp, union)]
    dice = [Fraction(2 * int(a), int(r + k)) for a, r, k in zip(tp, rows, cols)]
    K = len(iou)
    return {"pixel_accuracy": Fraction(int(tp.sum()), int(c.sum())), "iou": iou, "miou": sum(iou) / K,
            "dice": dice, "dice_loss": 1 - sum(dice) / K}


def _frac(x: Fraction) -> str:
    """``6/7 = 0.8571`` (the fraction in lowest terms, then the 4-place value)."""
    return f"{x.numerator}/{x.denominator} = {fmt(float(x), 4)}" if x.denominator != 1 else str(x.numerator)


def _draw_maps(rng: np.random.Generator, side: int, K: int, flips: tuple[int, int]) -> tuple[list, list]:
    """A blocky truth map (a few rectangles of each class) and a prediction with some pixels wrong."""
    while True:
        truth = np.zeros((side, side), dtype=int)
        for k in range(1, K):
            r0, c0 = rng.integers(0, side - 1, size=2)
            h, w = rng.integers(1, side - 1, size=2) + 1
            truth[r0:r0 + h, c0:c0 + w] = k
        pred = truth.copy()
        n = int(rng.integers(flips[0], flips[1] + 1))
        idx = rng.choice(side * side, size=n, replace=False)
        pred.ravel()[idx] = (pred.ravel()[idx] + rng.integers(1, K, size=n)) % K
        present = set(truth.ravel()) | set(pred.ravel())
        if len(set(truth.ravel())) == K and len(present) == K:
            return truth.tolist(), pred.tolist()


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
        K = int(rng.choice(r["K"]))
        if r["layout"] == "maps":
            truth, pred = _draw_maps(rng, int(rng.choice(r["side"])), K, r["flip"])
            return {"truth": truth, "pred": pred, "num_classes": K}
        c = rng.integers(r["off"][0], r["off"][1] + 1, size=(K, K))
        np.fill_diagonal(c, rng.integers(r["diag"][0], r["diag"][1] + 1, size=K))
        return {"confusion": c.tolist()}

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

    def _conf(self, params: Mapping[str, Any]) -> np.ndarray:
        if "confusion" in params:
            return np.asarray(params["confusion"], dtype=np.int64)
        return confusion_matrix(params["truth"], params["pred"], params["num_classes"])

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("pixel_accuracy", Text("像素准确率", "pixel accuracy"), decimals=4),
                AnswerField("iou", Text("各类 IoU（按类别 0, 1, ... 的顺序）", "per-class IoU (class 0, 1, ...)"),
                            shape="vector", decimals=4),
                AnswerField("miou", Text("mIoU", "mIoU"), decimals=4),
                AnswerField("dice", Text("各类 Dice 系数", "per-class Dice"), shape="vector", decimals=4),
                AnswerField("dice_loss", Text("Dice 损失", "Dice loss"), decimals=4))

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
        t, p = np.asarray(params["truth"]), np.asarray(params["pred"])
        K = params["num_classes"]
        rows = "\n".join(" ".join(map(str, tr)) + "    |    " + " ".join(map(str, pr)) for tr, pr in zip(t, p))
        side = f"{t.shape[0]}×{t.shape[1]}"
        return Text(f"{side} 图像的真实标签图（左）和预测标签图（右）如下，共 K = {K} 个类别，编号 0..{K - 1}：\n{rows}\n{ask_zh}",
                    f"The ground-truth label map (left) and the predicted label map (right) of "
                    f"{a_or_an(t.shape[0])} {t.shape[0]}x{t.shape[1]} image, K = {K} classes numbered 0..{K - 1}:\n{rows}\n{ask_en}")

    def solve(self, params: Mapping[str, Any]) -> Solution:
        c = self._conf(params)
        m = seg_metrics(c)
        K = c.shape[0]
        tp, rows, cols = np.diag(c), c.sum(axis=1), c.sum(axis=0)
        union = rows + cols - tp
        steps = []
        if "confusion" not in params:
            steps.append(Step("逐像素统计混淆矩阵（行为真实类别，列为预测类别）。",
                              "Count the pixels into a confusion matrix (rows = true, columns = predicted).",
                              "C = " + "; ".join(" ".join(map(str, r)) for r in c.tolist())))
        steps.append(Step("像素准确率 = 对角线之和 / 像素总数。", "Pixel accuracy = diagonal sum / number of pixels.",
                          f"({' + '.join(map(str, tp))}) / {c.sum()} = {_frac(m['pixel_accuracy'])}"))
        for k in range(K):
            steps.append(Step(f"类别 {k}：交集 = C[{k},{k}]，真实像素数 = 第 {k} 行之和，预测像素数 = 第 {k} 列之和，"
                              f"并集 = 两者之和减交集。",
                              f"Class {k}: intersection = C[{k},{k}], true pixels = row {k} sum, predicted pixels "
                              f"= column {k} sum, union = their sum minus the intersection.",
                              f"IoU_{k} = {tp[k]}/({rows[k]} + {cols[k]} - {tp[k]}) = "
                              f"{_frac(m['iou'][k])};  Dice_{k} = 2*{tp[k]}/({rows[k]} + {cols[k]}) = "
                              f"{_frac(m['dice'][k])}"))
        # a student averages the 6-place values the steps write; that mean is accepted too (carried)
        iou6, dice6 = [half_up(x, CARRY) for x in m["iou"]], [half_up(x, CARRY) for x in m["dice"]]
        carried = {"miou": sum(iou6) / K, "dice_loss": 1 - sum(dice6) / K}
        six = lambda xs: " + ".join(fmt(x, CARRY) for x in xs)  # noqa: E731
        steps += [
            Step(f"mIoU = {K} 个类别 IoU 的平均（各 IoU 保留 6 位小数）。",
                 f"mIoU = the mean of the {K} class IoUs (each to 6 places).",
                 f"({six(iou6)})/{K} = {fmt(carried['miou'], 4)}"),
            Step("Dice 损失 = 1 − 平均 Dice。", "Dice loss = 1 - the mean Dice.",
                 f"1 - ({six(dice6)})/{K} = {fmt(carried['dice_loss'], 4)}"),
        ]
        f = lambda xs: [float(x) for x in xs]  # noqa: E731
        half_dice = [Fraction(int(a), int(r + k)) for a, r, k in zip(tp, rows, cols)]
        mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
        recall = [Fraction(int(a), int(r)) if r else Fraction(0) for a, r in zip(tp, rows)]
        mistakes = [
            Mistake("union_double_counted", Text("并集直接用 真实像素数 + 预测像素数，交集被算了两次",
                                                 "took the union as true + predicted pixels, counting the "
                                                 "intersection twice"),
                    {"iou": f(half_dice), "miou": float(mean(half_dice))}),
            Mistake("dice_iou_swapped", Text("把 Dice 和 IoU 弄混了", "swapped Dice and IoU"),
                    {"iou": f(m["dice"]), "dice": f(m["iou"]), "miou": float(mean(m["dice"])),
                     "dice_loss": float(1 - m["miou"])}),
            Mistake("dice_without_2", Text("Dice 忘了分子上的 2", "left the 2 out of the Dice numerator"),
                    {"dice": f(half_dice), "dice_loss": float(1 - mean(half_dice))}),
            Mistake("pooled_iou", Text("mIoU 用所有类的交集之和 / 并集之和，而不是各类 IoU 的平均",
                                       "pooled the classes (sum of intersections / sum of unions) instead of "
                                       "averaging the IoUs"),
                    {"miou": float(Fraction(int(tp.sum()), int(union.sum())))}),
            Mistake("miou_without_background", Text("mIoU 没算类别 0（背景）", "left class 0 (background) out of "
                                                    "the mIoU"),
                    {"miou": float(mean(m["iou"][1:]))}),
            Mistake("mean_class_accuracy", Text("把各类召回率的平均（平均类别准确率）当成了像素准确率",
                                                "gave the mean per-class accuracy instead of the pixel accuracy"),
                    {"pixel_accuracy": float(mean(recall))}),
            Mistake("dice_loss_from_iou", Text("Dice 损失用了 1 − mIoU", "took the Dice loss as 1 - mIoU"),
                    {"dice_loss": float(1 - m["miou"])}),
        ]
        # Exact floats: the key rounds the rational value half up, never a float just below .5
        answer = {k: exact_values(m[k]) for k in ("pixel_accuracy", "iou", "miou", "dice", "dice_loss")}
        exact = {k: str(m[k]) for k in ("pixel_accuracy", "miou", "dice_loss")}
        return Solution(answer, steps, mistakes, exact, carried=carried)
