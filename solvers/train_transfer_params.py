"""Trainable and frozen parameters after transfer learning, with batch norm's statistics apart.

A small pretrained network is given as a table of layers. Its classifier head (the last fully
connected layer) is replaced by a new one for K classes, and the first k rows of the table are
frozen (PyTorch: ``requires_grad = False``; Yosinski et al. 2014, "How transferable are features
in deep neural networks?", for freezing the first layers)::

    conv F x F, C_in -> C_out:  C_out*C_in*F*F (+ C_out biases)
    batch norm on C channels:   2C learnable (gamma, beta) + 2C running statistics (mean,
                                variance), which are buffers: neither trainable nor frozen
    fully connected N -> M:     N*M + M
    pooling, ReLU, flatten:     no parameters

trainable = learnable parameters of the rows after k (the new head included); frozen = those of
rows 1..k. PyTorch's extra ``num_batches_tracked`` counter is left out, as the statement says.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need, need_int, register

RANGES = {
    "easy": dict(convs=1, bn=True, widths=(8, 16), side=(8, 4), hidden=(32, 64), classes=(2, 5), old=(10,)),
    "medium": dict(convs=2, bn=True, widths=(16, 32, 64), side=(8, 7, 4), hidden=(64, 128), classes=(2, 3, 5),
                   old=(10, 100)),
    "hard": dict(convs=3, bn=True, widths=(32, 64, 128), side=(7, 4, 2), hidden=(128, 256, 512),
                 classes=(2, 3, 7, 20), old=(100, 1000)),
}


def layer_counts(layer: Mapping[str, Any]) -> tuple[int, int]:
    """(learnable parameters, BN running-statistic buffers) of one row.

    >>> layer_counts({"type": "conv", "in": 3, "out": 16, "kernel": 3, "bias": False})
    (432, 0)
    >>> layer_counts({"type": "bn", "channels": 16})
    (32, 32)
    """
    t = layer["type"]
    if t == "conv":
        return layer["out"] * layer["in"] * layer["kernel"] ** 2 + (layer["out"] if layer["bias"] else 0), 0
    if t == "bn":
        return 2 * layer["channels"], 2 * layer["channels"]
    if t == "fc":
        return layer["in"] * layer["out"] + layer["out"], 0
    return 0, 0


def describe(layer: Mapping[str, Any]) -> tuple[str, str]:
    t = layer["type"]
    if t == "conv":
        k, b = layer["kernel"], layer["bias"]
        return (f"卷积 {k}×{k}，{layer['in']}→{layer['out']} 通道，{'有' if b else '无'}偏置",
                f"conv {k}x{k}, {layer['in']} -> {layer['out']} channels, {'with' if b else 'no'} bias")
    if t == "bn":
        return f"BN（{layer['channels']} 通道）", f"batch norm ({layer['channels']} channels)"
    if t == "fc":
        return (f"全连接 {layer['in']}→{layer['out']}（有偏置）", f"fully connected {layer['in']} -> {layer['out']} "
                f"(with bias)")
    return "2×2 最大池化 + ReLU", "2x2 max pool + ReLU"


@register
class TransferParams(Kind):
    id = "transfer_params"
    topic = "transfer"
    chapter = "ch6_transfer"
    title = Text("迁移学习：可训练与冻结的参数", "Transfer learning: trainable and frozen parameters")
    description = "Replace the head and freeze the first k layers: new head, trainable, frozen, BN running statistics."
    params_help = {
        "layers": "the pretrained network, rows like {type: conv, in: 3, out: 16, kernel: 3, bias: false}, "
                  "{type: bn, channels: 16}, {type: pool}, {type: fc, in: 512, out: 10}; the last row is an fc head",
        "freeze": "k: rows 1..k are frozen (k below the number of rows)",
        "new_classes": "K: outputs of the new head that replaces the last fc row",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        layers: list[dict[str, Any]] = []
        c = int(rng.choice((1, 3)))
        widths = sorted(int(w) for w in rng.choice(r["widths"], size=r["convs"]))
        for w in widths:
            layers += [{"type": "conv", "in": c, "out": w, "kernel": int(rng.choice((3, 5))) if c < 8 else 3,
                        "bias": False}, {"type": "bn", "channels": w}, {"type": "pool"}]
            c = w
        side = int(rng.choice(r["side"]))
        hidden = int(rng.choice(r["hidden"]))
        layers += [{"type": "fc", "in": c * side * side, "out": hidden},
                   {"type": "fc", "in": hidden, "out": int(rng.choice(r["old"]))}]
        freeze = int(rng.integers(2, len(layers) - 1))
        return {"layers": layers, "freeze": freeze, "new_classes": int(rng.choice(r["classes"]))}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw = need(params, "layers")
        if not isinstance(raw, (list, tuple)) or not 2 <= len(raw) <= 30:
            raise ParamError("layers", "must be a list of 2 to 30 rows")
        layers: list[dict[str, Any]] = []
        channels = None
        for i, row in enumerate(raw, start=1):
            if not isinstance(row, Mapping) or row.get("type") not in ("conv", "bn", "pool", "fc"):
                raise ParamError("layers", f"row {i} must be a mapping whose type is conv, bn, pool or fc")
            name = f"layers[{i}]"
            t = row["type"]
            if t == "conv":
                L = {"type": t, "in": need_int(row, "in", minimum=1, maximum=100_000),
                     "out": need_int(row, "out", minimum=1, maximum=100_000),
                     "kernel": need_int(row, "kernel", minimum=1, maximum=15), "bias": bool(row.get("bias", True))}
                if channels is not None and L["in"] != channels:
                    raise ParamError(name, f"takes {L['in']} channels but the row before gives {channels}")
                channels = L["out"]
            elif t == "bn":
                L = {"type": t, "channels": need_int(row, "channels", minimum=1, maximum=100_000)}
                if channels is not None and L["channels"] != channels:
                    raise ParamError(name, f"normalises {L['channels']} channels but the row before gives {channels}")
            elif t == "fc":
                L = {"type": t, "in": need_int(row, "in", minimum=1, maximum=10 ** 7),
                     "out": need_int(row, "out", minimum=1, maximum=100_000)}
                if layers and layers[-1]["type"] == "fc" and layers[-1]["out"] != L["in"]:
                    raise ParamError(name, f"takes {L['in']} inputs but the fc before gives {layers[-1]['out']}")
                channels = None
            else:
                L = {"type": "pool"}
            layers.append(L)
        if layers[-1]["type"] != "fc":
            raise ParamError("layers", "the last row must be the fc head that is replaced")
        return {"layers": layers, "freeze": need_int(params, "freeze", minimum=0, maximum=len(layers) - 1),
                "new_classes": need_int(params, "new_classes", minimum=1, maximum=100_000)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("new_head", Text("新分类头的参数量", "parameters of the new head"), integer=True),
                AnswerField("trainable", Text("可训练参数量", "trainable parameters"), integer=True, points=2.0),
                AnswerField("frozen", Text("冻结的参数量", "frozen parameters"), integer=True, points=2.0),
                AnswerField("buffers", Text("BN 运行统计量个数", "BN running statistics"), integer=True))

    def statement(self, params: Mapping[str, Any]) -> Text:
        layers, k, K = params["layers"], params["freeze"], params["new_classes"]
        zh = "\n".join(f"{i}. {describe(L)[0]}" for i, L in enumerate(layers, 1))
        en = "\n".join(f"{i}. {describe(L)[1]}" for i, L in enumerate(layers, 1))
        n = len(layers)
        return Text(
            f"一个预训练网络如下（卷积之后的第一个全连接层读取展平后的特征）：\n{zh}\n"
            f"迁移到新任务时，把第 {n} 行的分类头换成输出 {K} 类的新全连接层（有偏置），并冻结第 1 到第 {k} 行。"
            f"BN 的 γ、β 是可学习参数；运行均值和方差是统计量，不算参数（也不计 PyTorch 的 num_batches_tracked）。"
            f"求新分类头的参数量、可训练参数量、冻结的参数量，以及全部 BN 运行统计量的个数。",
            f"A pretrained network (the first fc row after the convs reads the flattened features):\n{en}\n"
            f"For a new task the head in row {n} is replaced by a new fully connected layer with {K} outputs "
            f"(with bias), and rows 1 to {k} are frozen. Batch norm's gamma and beta are learnable parameters; "
            f"its running mean and variance are statistics, not parameters (PyTorch's num_batches_tracked is "
            f"left out). Find the parameters of the new head, the trainable parameters, the frozen parameters, "
            f"and the number of BN running statistics in the whole network.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        layers, k, K = params["layers"], params["freeze"], params["new_classes"]
        head_in = layers[-1]["in"]
        new = [*layers[:-1], {"type": "fc", "in": head_in, "out": K}]
        counts = [layer_counts(L) for L in new]
        learn = [c[0] for c in counts]
        frozen, trainable = sum(learn[:k]), sum(learn[k:])
        buffers = sum(c[1] for c in counts)
        head = learn[-1]
        steps = [Step("逐行计算可学习参数（BN 另记运行统计量）。", "Count each row's learnable parameters (and BN's "
                      "running statistics apart).",
                      "; ".join(f"{i}: {p}" + (f" (+{b} stats)" if b else "")
                                for i, (p, b) in enumerate(counts, 1)))]
        steps += [
            Step("新分类头：输入数 × K + K 个偏置。", "New head: inputs x K + K biases.",
                 f"{head_in}*{K} + {K} = {head}"),
            Step(f"冻结第 1 到第 {k} 行。", f"Rows 1 to {k} are frozen.",
                 " + ".join(map(str, learn[:k])) + f" = {frozen}"),
            Step("其余各行（含新分类头）可训练。", "The other rows, the new head included, are trainable.",
                 " + ".join(map(str, learn[k:])) + f" = {trainable}"),
            Step("BN 运行统计量：每个 BN 层每通道 2 个（均值、方差）。", "BN running statistics: 2 per channel of each "
                 "BN layer (mean, variance).",
                 "2*(" + " + ".join(str(L["channels"]) for L in new if L["type"] == "bn") + f") = {buffers}"
                 if buffers else "0"),
        ]
        old_head = layer_counts(layers[-1])[0]
        stats_trainable = sum(c[1] for c in counts[k:])
        stats_frozen = sum(c[1] for c in counts[:k])
        mistakes = [
            Mistake("kept_old_head", Text("仍按原来的分类头计算", "counted the old head"),
                    {"new_head": old_head, "trainable": trainable - head + old_head}),
            Mistake("head_without_bias", Text("新分类头漏了偏置", "left the new head's biases out"),
                    {"new_head": head - K, "trainable": trainable - K}),
            Mistake("freeze_off_by_one", Text("冻结时多冻了一行", "froze one row too many"),
                    {"frozen": frozen + learn[k], "trainable": trainable - learn[k]}),
            Mistake("stats_as_parameters", Text("把 BN 的运行均值和方差算进了参数", "counted BN's running mean and "
                                                "variance as parameters"),
                    {"trainable": trainable + stats_trainable, "frozen": frozen + stats_frozen}),
            Mistake("bn_one_per_channel", Text("BN 每通道只算了 1 个参数", "gave BN one parameter per channel"),
                    {"trainable": trainable - sum(c[1] for c in counts[k:]) // 2,
                     "frozen": frozen - stats_frozen // 2}),
            Mistake("frozen_swapped", Text("把可训练和冻结弄反了", "swapped the trainable and frozen counts"),
                    {"trainable": frozen, "frozen": trainable}),
        ]
        return Solution({"new_head": head, "trainable": trainable, "frozen": frozen, "buffers": buffers},
                        steps, mistakes)
