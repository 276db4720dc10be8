"""Classification metrics from a confusion matrix: binary and macro-averaged multi-class.

Definitions (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, 8.3; Sokolova &
Lapalme, "A systematic analysis of performance measures for classification tasks", 2009)::

    accuracy  = (TP + TN) / (TP + FP + FN + TN)
    precision = TP / (TP + FP)          (of the predicted positives, how many are right)
    recall    = TP / (TP + FN)          (of the actual positives, how many are found)
    F1        = 2PR / (P + R) = 2TP / (2TP + FP + FN)    (harmonic mean; 0 when TP = 0)

Multi-class (rows = true class, columns = predicted class): for class k, precision_k = C[k,k] /
column sum k, recall_k = C[k,k] / row sum k, F1_k from those two; the macro averages are the plain
means over the classes, and macro-F1 is the mean of the per-class F1 (not the F1 of the macro P
and macro R).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_choice,
    need_int, need_matrix, register,
)

# Named difficulty ranges for the binary counts: (tp, fp, fn, tn) choices and the layout shown.
RANGES = {
    "easy": dict(tp=range(10, 45, 5), fp=range(5, 25, 5), fn=range(5, 25, 5), tn=range(10, 55, 5),
                 layouts=("counts",)),
    "medium": dict(tp=range(3, 61), fp=range(1, 31), fn=range(1, 31), tn=range(5, 81),
                   layouts=("counts", "matrix")),
    "hard": dict(tp=range(2, 31), fp=range(5, 61), fn=range(5, 41), tn=range(100, 901),
                 layouts=("matrix",)),
}
MACRO_RANGES = {
    "easy": dict(diag=(5, 15), off=(0, 3)),
    "medium": dict(diag=(5, 25), off=(0, 6)),
    "hard": dict(diag=(3, 30), off=(0, 12)),
}
CLASS_SETS = (("猫 cat", "狗 dog", "鸟 bird"), ("车 car", "人 person", "自行车 bike"), ("A", "B", "C"))


def f1_from(p: Fraction, r: Fraction) -> Fraction:
    """Harmonic mean of precision and recall, 0 when both are 0."""
    return Fraction(0) if p + r == 0 else 2 * p * r / (p + r)


def binary_metrics(tp: int, fp: int, fn: int, tn: int) -> dict[str, Fraction]:
    """Exact accuracy, precision, recall and F1 from the four counts.

    >>> {k: str(v) for k, v in binary_metrics(8, 2, 4, 6).items()}
    {'accuracy': '7/10', 'precision': '4/5', 'recall': '2/3', 'f1': '8/11'}
    """
    if tp + fp == 0 or tp + fn == 0:
        raise ValueError("precision needs TP + FP > 0 and recall needs TP + FN > 0")
    p, r = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    return {"accuracy": Fraction(tp + tn, tp + fp + fn + tn), "precision": p, "recall": r, "f1": f1_from(p, r)}


def per_class_metrics(matrix: Any) -> tuple[list[Fraction], list[Fraction], list[Fraction]]:
    """Per-class precision, recall and F1 of a confusion matrix (rows true, columns predicted).

    >>> [list(map(str, v)) for v in per_class_metrics([[2, 1], [0, 3]])]
    [['1', '3/4'], ['2/3', '1'], ['4/5', '6/7']]
    """
    m = np.asarray(matrix, dtype=np.int64)
    diag, cols, rows = np.diag(m), m.sum(axis=0), m.sum(axis=1)
    if (cols == 0).any() or (rows == 0).any():
        raise ValueError("every class needs at least one true and one predicted sample")
    prec = [Fraction(int(d), int(c)) for d, c in zip(diag, cols)]
    rec = [Fraction(int(d), int(r)) for d, r in zip(diag, rows)]
    return prec, rec, [f1_from(p, r) for p, r in zip(prec, rec)]


def _f(x: Fraction) -> float:
    return float(x)


def _show(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator} = {fmt(float(x), 4)}" if x.denominator != 1 else str(x.numerator)


@register
class ConfusionMetrics(Kind):
    id = "confusion_metrics"
    topic = "metrics"
    chapter = "ch5_optimisation"
    title = Text("混淆矩阵指标", "Confusion-matrix metrics")
    description = "Accuracy, precision, recall and F1 from binary TP, FP, FN, TN."
    params_help = {
        "tp": "true positives, a whole number >= 0", "fp": "false positives, a whole number >= 0",
        "fn": "false negatives, a whole number >= 0", "tn": "true negatives, a whole number >= 0",
        "layout": "'counts' (default) or 'matrix': how the question shows the numbers",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        return {k: int(rng.choice(r[k])) for k in ("tp", "fp", "fn", "tn")} | {
            "layout": str(rng.choice(r["layouts"]))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = {k: need_int(params, k, minimum=0) for k in ("tp", "fp", "fn", "tn")}
        if p["tp"] + p["fp"] == 0:
            raise ParamError("fp", "TP + FP is 0: nothing was predicted positive, so precision is undefined")
        if p["tp"] + p["fn"] == 0:
            raise ParamError("fn", "TP + FN is 0: there are no actual positives, so recall is undefined")
        p["layout"] = need_choice(params, "layout", ("counts", "matrix"), default="counts")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return tuple(AnswerField(n, Text(zh, en), decimals=4) for n, zh, en in (
            ("accuracy", "准确率", "accuracy"), ("precision", "精确率", "precision"),
            ("recall", "召回率", "recall"), ("f1", "F1", "F1")))

    def statement(self, params: Mapping[str, Any]) -> Text:
        tp, fp, fn, tn = (params[k] for k in ("tp", "fp", "fn", "tn"))
        ask_zh = "求准确率、精确率、召回率和 F1（F1 为精确率与召回率的调和平均），均保留 4 位小数。"
        ask_en = ("Find the accuracy, precision, recall and F1 (the harmonic mean of precision and "
                  "recall), each to 4 decimal places.")
        if params.get("layout") == "matrix":
            table = f"            pred +   pred -\nactual +  {tp:>6}   {fn:>6}\nactual -  {fp:>6}   {tn:>6}"
            return Text(f"某二分类器在测试集上的混淆矩阵如下（行为真实类别，列为预测类别，+ 为正类）：\n{table}\n{ask_zh}",
                        f"A binary classifier gives the confusion matrix below on a test set (rows = "
                        f"actual class, columns = predicted class, + = positive):\n{table}\n{ask_en}")
        return Text(f"某二分类器在测试集上：TP = {tp}，FP = {fp}，FN = {fn}，TN = {tn}。{ask_zh}",
                    f"On a test set a binary classifier has TP = {tp}, FP = {fp}, FN = {fn}, TN = {tn}. {ask_en}")

    def solve(self, params: Mapping[str, Any]) -> Solution:
        tp, fp, fn, tn = (params[k] for k in ("tp", "fp", "fn", "tn"))
        m = binary_metrics(tp, fp, fn, tn)
        p, r = m["precision"], m["recall"]
        steps = [
            Step("准确率 = (TP+TN)/总数。", "Accuracy = (TP + TN) / total.",
                 f"({tp} + {tn}) / {tp + fp + fn + tn} = {_show(m['accuracy'])}"),
            Step("精确率 = TP/(TP+FP)：预测为正的样本中真正为正的比例。",
                 "Precision = TP / (TP + FP): the share of predicted positives that are right.",
                 f"{tp} / ({tp} + {fp}) = {_show(p)}"),
            Step("召回率 = TP/(TP+FN)：真实为正的样本中被找出的比例。",
                 "Recall = TP / (TP + FN): the share of actual positives that are found.",
                 f"{tp} / ({tp} + {fn}) = {_show(r)}"),
            Step("F1 = 2PR/(P+R) = 2TP/(2TP+FP+FN)。", "F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN).",
                 f"2*{tp} / (2*{tp} + {fp} + {fn}) = {_show(m['f1'])}"),
        ]
        total = tp + fp + fn
        mistakes = [
            Mistake("precision_recall_swapped", Text("精确率与召回率弄反了", "swapped precision and recall"),
                    {"precision": _f(r), "recall": _f(p)}),
            Mistake("f1_arithmetic_mean", Text("F1 用了算术平均", "took F1 as the arithmetic mean of P and R"),
                    {"f1": _f((p + r) / 2)}),
            Mistake("accuracy_without_tn", Text("准确率漏掉了 TN", "left TN out of the accuracy"),
                    {"accuracy": _f(Fraction(tp, total))}),
        ]
        if tn + fp > 0:
            mistakes.append(Mistake("recall_as_specificity", Text("把特异度 TN/(TN+FP) 当成了召回率",
                                                                  "gave the specificity TN/(TN+FP) as recall"),
                                    {"recall": _f(Fraction(tn, tn + fp))}))
        answer = {k: _f(v) for k, v in m.items()}
        return Solution(answer, steps, mistakes,
                        {k: str(v) for k, v in m.items()})


@register
class MacroMetrics(Kind):
    id = "macro_metrics"
    topic = "metrics"
    chapter = "ch5_optimisation"
    title = Text("多分类宏平均指标", "Macro-averaged multi-class metrics")
    description = "Per-class precision/recall and macro precision, recall and F1 of a 3x3 confusion matrix."
    params_help = {
        "matrix": "a 3x3 (or n x n) confusion matrix of whole numbers, rows = true class, columns = predicted",
        "classes": "optional class names, one per row (default A, B, C, ...)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = MACRO_RANGES[difficulty]
        m = rng.integers(r["off"][0], r["off"][1] + 1, size=(3, 3))
        np.fill_diagonal(m, rng.integers(r["diag"][0], r["diag"][1] + 1, size=3))
        return {"matrix": m.tolist(), "classes": list(CLASS_SETS[int(rng.integers(len(CLASS_SETS)))])}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        m = np.asarray(need_matrix(params, "matrix", min_rows=2, min_cols=2))
        if m.shape[0] != m.shape[1]:
            raise ParamError("matrix", f"must be square (one row and one column per class), got {m.shape[0]} x {m.shape[1]}")
        if (m < 0).any() or not np.all(m == np.round(m)):
            raise ParamError("matrix", "must contain whole-number counts >= 0")
        if (m.sum(axis=0) == 0).any() or (m.sum(axis=1) == 0).any():
            raise ParamError("matrix", "every class needs a non-zero row (true samples) and column (predictions)")
        n = m.shape[0]
        classes = params.get("classes") or [chr(ord("A") + i) for i in range(n)]
        if not isinstance(classes, (list, tuple)) or len(classes) != n:
            raise ParamError("classes", f"must list {n} class names, one per row")
        return {"matrix": m.astype(int).tolist(), "classes": [str(c) for c in classes]}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (
            AnswerField("precision", Text("各类精确率", "per-class precision"), shape="vector", decimals=4),
            AnswerField("recall", Text("各类召回率", "per-class recall"), shape="vector", decimals=4),
            AnswerField("macro_precision", Text("宏平均精确率", "macro precision"), decimals=4),
            AnswerField("macro_recall", Text("宏平均召回率", "macro recall"), decimals=4),
            AnswerField("macro_f1", Text("宏平均 F1", "macro F1"), decimals=4),
        )

    def _table(self, params: Mapping[str, Any]) -> str:
        names = params["classes"]
        width = max(8, *(len(c) + 2 for c in names))
        head = " " * width + "".join(f"{c:>{width}}" for c in names)
        rows = [f"{c:<{width}}" + "".join(f"{v:>{width}}" for v in row) for c, row in zip(names, params["matrix"])]
        return "\n".join([head] + rows)

    def statement(self, params: Mapping[str, Any]) -> Text:
        t = self._table(params)
        return Text(
            f"三分类模型的混淆矩阵如下（行为真实类别，列为预测类别）：\n{t}\n"
            f"求各类的精确率和召回率（按行中类别的顺序），以及宏平均精确率、宏平均召回率和宏平均 F1"
            f"（宏平均 F1 = 各类 F1 的算术平均），均保留 4 位小数。",
            f"A classifier's confusion matrix is below (rows = true class, columns = predicted class):\n{t}\n"
            f"Find each class's precision and recall (in the row order), and the macro-averaged "
            f"precision, recall and F1 (macro-F1 = the mean of the per-class F1 scores), each to 4 "
            f"decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        m = np.asarray(params["matrix"], dtype=np.int64)
        names = params["classes"]
        prec, rec, f1 = per_class_metrics(m)
        n = len(prec)
        mp, mr, mf = sum(prec) / n, sum(rec) / n, sum(f1) / n
        cols, rows = m.sum(axis=0), m.sum(axis=1)
        steps = [Step("类 k 的精确率 = C[k,k]/第 k 列之和，召回率 = C[k,k]/第 k 行之和。",
                      "Class k: precision = C[k,k] / column k sum, recall = C[k,k] / row k sum.")]
        for k in range(n):
            steps.append(Step(f"类 {names[k]}：", f"Class {names[k]}:",
                              f"P = {m[k, k]}/{cols[k]} = {fmt(float(prec[k]), 4)},  "
                              f"R = {m[k, k]}/{rows[k]} = {fmt(float(rec[k]), 4)},  "
                              f"F1 = 2PR/(P+R) = 2*{m[k, k]}/({rows[k]}+{cols[k]}) = {fmt(float(f1[k]), 6)}"))
        # the means are taken of 6-place values: averaging the 4-place ones can miss the 4th place
        six = lambda xs: " + ".join(fmt(float(x), 6) for x in xs)  # noqa: E731
        steps += [
            Step("宏平均：各类取算术平均（用未舍入的各类值）。",
                 "Macro averages: plain means over the classes (of the unrounded class values).",
                 f"P_macro = ({six(prec)})/{n} = {fmt(float(mp), 4)};  "
                 f"R_macro = ({six(rec)})/{n} = {fmt(float(mr), 4)};  "
                 f"F1_macro = ({six(f1)})/{n} = {fmt(float(mf), 4)}"),
        ]
        acc = Fraction(int(np.trace(m)), int(m.sum()))
        mistakes = [
            Mistake("rows_columns_swapped", Text("把行和列弄反了（精确率与召回率互换）",
                                                 "read rows as predictions (swapped precision and recall)"),
                    {"precision": [_f(x) for x in rec], "recall": [_f(x) for x in prec],
                     "macro_precision": _f(mr), "macro_recall": _f(mp)}),
            Mistake("f1_of_macro_averages", Text("宏 F1 用宏平均 P、R 的调和平均计算",
                                                 "took macro-F1 as the F1 of macro P and macro R"),
                    {"macro_f1": _f(f1_from(mp, mr))}),
            Mistake("micro_average", Text("用了微平均（即总体准确率）", "micro-averaged instead (the overall accuracy)"),
                    {"macro_precision": _f(acc), "macro_recall": _f(acc), "macro_f1": _f(acc)}),
        ]
        answer = {"precision": [_f(x) for x in prec], "recall": [_f(x) for x in rec],
                  "macro_precision": _f(mp), "macro_recall": _f(mr), "macro_f1": _f(mf)}
        exact = {"macro_precision": str(mp), "macro_recall": str(mr), "macro_f1": str(mf)}
        return Solution(answer, steps, mistakes, exact)

