"""Receptive field of a stack of conv/pool layers, and of stacked dilated convolutions.

Recurrence (Araujo et al., "Computing receptive fields of CNNs", Distill 2019; cs231n)::

    r_0 = 1,  j_0 = 1
    r_l = r_{l-1} + (k_l - 1) * d_l * j_{l-1}        j_l = j_{l-1} * s_l

where k, s, d are the kernel, stride and dilation of layer l and j is the "jump": how many
input pixels one step in layer l-1 spans (the product of the strides *before* layer l). A
dilated kernel covers D*(F-1)+1 pixels (DeepLab's atrous convolution) with the same F*F weights.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, brief, need, need_int, register,
)

# Named difficulty ranges: layer menus (type, kernel, stride, dilation) and stack depths.
RANGES = {
    "easy": dict(depth=(2, 3), menu=(("conv", 3, 1, 1), ("conv", 3, 1, 1), ("pool", 2, 2, 1), ("conv", 5, 1, 1))),
    "medium": dict(depth=(3, 4), menu=(("conv", 3, 1, 1), ("conv", 5, 1, 1), ("conv", 3, 2, 1), ("pool", 2, 2, 1),
                                        ("pool", 3, 2, 1), ("conv", 7, 2, 1))),
    "hard": dict(depth=(4, 5), menu=(("conv", 3, 1, 1), ("conv", 3, 2, 1), ("pool", 2, 2, 1), ("conv", 3, 1, 2),
                                      ("conv", 3, 1, 3), ("conv", 5, 2, 1), ("pool", 3, 2, 1), ("conv", 11, 4, 1))),
}
DILATED = {
    "easy": dict(F=(3,), stacks=((1, 2), (2, 2), (1, 3), (2, 4))),
    "medium": dict(F=(3,), stacks=((1, 2, 4), (1, 2, 3), (2, 2, 2), (1, 1, 2), (2, 4, 8))),
    "hard": dict(F=(3, 5), stacks=((1, 2, 4, 8), (1, 2, 5), (2, 3, 5), (1, 3, 9), (1, 2, 5, 9))),
}
LAYER_TYPES = ("conv", "pool")


def receptive_field(layers: list[tuple[int, int, int]]) -> list[int]:
    """Receptive field (in input pixels) after each layer of ``(kernel, stride, dilation)``.

    >>> receptive_field([(3, 1, 1), (3, 1, 1)])             # two 3x3 convs see 5x5
    [3, 5]
    >>> receptive_field([(3, 1, 1), (2, 2, 1), (3, 1, 1)])  # the pool doubles later steps
    [3, 4, 8]
    """
    r, jump, out = 1, 1, []
    for k, s, d in layers:
        if k < 1 or s < 1 or d < 1:
            raise ValueError(f"kernel, stride and dilation must be >= 1, got {(k, s, d)}")
        r += (k - 1) * d * jump
        jump *= s
        out.append(r)
    return out


MAX_STACK = 50  # layers a user may stack in `solve` (DeepLab's deepest atrous stacks have a handful)


def effective_kernel(kernel_size: int, dilation: int) -> int:
    """Pixels spanned by a dilated kernel, D*(F-1)+1.

    >>> effective_kernel(3, 2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def _layer_list(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = need(params, "layers")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ParamError("layers", "must be a non-empty list of layers, e.g. [[3, 1], [2, 2]] "
                         "(kernel, stride[, dilation]) or [{\"type\": \"conv\", \"kernel\": 3, \"stride\": 1}]")
    out = []
    for i, layer in enumerate(raw, 1):
        where = f"layers[{i}]"
        if isinstance(layer, Mapping):
            item = dict(type=layer.get("type", "conv"), kernel=layer.get("kernel"),
                        stride=layer.get("stride", 1), dilation=layer.get("dilation", 1))
        elif isinstance(layer, (list, tuple)) and len(layer) in (2, 3):
            item = dict(type="conv", kernel=layer[0], stride=layer[1],
                        dilation=layer[2] if len(layer) == 3 else 1)
        else:
            raise ParamError(where, f"must be [kernel, stride] or [kernel, stride, dilation], got {brief(layer)}")
        if item["type"] not in LAYER_TYPES:
            raise ParamError(where, f"type must be conv or pool, got {brief(item['type'])}")
        for key in ("kernel", "stride", "dilation"):
            try:
                item[key] = need_int(item, key, minimum=1)
            except ParamError as err:
                raise ParamError(f"{where}.{key}", str(err).split(": ", 1)[1]) from None
        out.append(item)
    return out


def layer_table(layers: list[Mapping[str, Any]]) -> tuple[str, str]:
    """The stack as plain-text lines (zh, en)."""
    zh, en = [], []
    for i, L in enumerate(layers, 1):
        dz = f"，扩张率 {L['dilation']}" if L["dilation"] != 1 else ""
        de = f", dilation {L['dilation']}" if L["dilation"] != 1 else ""
        name_zh = "卷积" if L["type"] == "conv" else "池化"
        zh.append(f"  第 {i} 层：{name_zh} {L['kernel']}×{L['kernel']}，步幅 {L['stride']}{dz}")
        en.append(f"  layer {i}: {L['type']} {L['kernel']}x{L['kernel']}, stride {L['stride']}{de}")
    return "\n".join(zh), "\n".join(en)


@register
class ReceptiveField(Kind):
    id = "receptive_field"
    topic = "cnn"
    chapter = "ch1_cnn"
    title = Text("感受野计算", "Receptive field of a layer stack")
    description = "Receptive field of a stack of conv/pool layers given kernel, stride (and dilation)."
    params_help = {"layers": "list of layers, each [kernel, stride] or [kernel, stride, dilation], "
                             "or {type: conv|pool, kernel, stride, dilation}"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        depth = int(rng.choice(r["depth"]))
        layers = []
        while len(layers) < depth:
            t, k, s, d = r["menu"][int(rng.integers(len(r["menu"])))]
            if not layers and t != "conv":
                continue  # networks start with a convolution
            layers.append(dict(type=t, kernel=int(k), stride=int(s), dilation=int(d)))
        return {"layers": layers}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"layers": _layer_list(params)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("receptive_field", Text("最后一层的感受野（边长）", "receptive field of the last layer (side)"),
                            integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        zh, en = layer_table(params["layers"])
        return Text(
            f"一个网络依次由以下各层组成（输入在最前）：\n{zh}\n求最后一层一个输出单元在输入图像上的感受野边长"
            f"（以像素计，不考虑边界填充）。",
            f"A network applies these layers in order, starting from the input:\n{en}\nWhat is the "
            f"receptive field (side length in input pixels, ignoring borders) of one unit of the last layer?",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        layers = params["layers"]
        ksd = [(L["kernel"], L["stride"], L["dilation"]) for L in layers]
        rfs = receptive_field(ksd)
        steps = [Step("递推：r_l = r_(l-1) + (k_l - 1)·d_l·j_(l-1)，j_l = j_(l-1)·s_l；r_0 = 1，j_0 = 1"
                      "（j 为此前各层步幅之积）。",
                      "Recurrence: r_l = r_(l-1) + (k_l - 1)*d_l*j_(l-1), j_l = j_(l-1)*s_l, starting "
                      "from r_0 = 1, j_0 = 1 (j is the product of the earlier strides).")]
        r, jump = 1, 1
        for i, (k, s, d) in enumerate(ksd, 1):
            dil = f"*{d}" if d != 1 else ""
            steps.append(Step(f"第 {i} 层。", f"Layer {i}.",
                              f"r_{i} = {r} + ({k}-1){dil}*{jump} = {rfs[i - 1]};  j_{i} = {jump}*{s} = {jump * s}"))
            r, jump = rfs[i - 1], jump * s
        answer = rfs[-1]
        inclusive = 1 + sum((k - 1) * d * int(np.prod([s2 for _, s2, _ in ksd[:i + 1]]))
                            for i, (k, _, d) in enumerate(ksd))
        mistakes = [
            Mistake("ignored_strides", Text("忽略了之前各层的步幅", "ignored the earlier strides"),
                    {"receptive_field": 1 + sum((k - 1) * d for k, _, d in ksd)}),
            Mistake("included_own_stride", Text("把本层步幅也乘进去了", "also multiplied by the layer's own stride"),
                    {"receptive_field": inclusive}),
            Mistake("summed_kernels", Text("直接把各层核大小相加", "added up the kernel sizes"),
                    {"receptive_field": sum(k for k, _, _ in ksd)}),
        ]
        if any(d != 1 for _, _, d in ksd):
            mistakes.append(Mistake("ignored_dilation", Text("忽略了扩张率", "ignored the dilation"),
                                    {"receptive_field": receptive_field([(k, s, 1) for k, s, _ in ksd])[-1]}))
        return Solution({"receptive_field": answer}, steps, mistakes)


@register
class DilatedKernel(Kind):
    id = "dilated_kernel"
    topic = "cnn"
    chapter = "ch7_segmentation"
    title = Text("空洞卷积的等效核与感受野", "Dilated convolution: effective kernel and receptive field")
    description = "Effective kernel D*(F-1)+1 of each dilated conv, and the receptive field of the stack."
    params_help = {"kernel_size": "kernel size F of every layer, a whole number >= 1",
                   "dilations": "dilation rate of each stacked stride-1 layer, e.g. [1, 2, 4]"}

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = DILATED[difficulty]
        stack = r["stacks"][int(rng.integers(len(r["stacks"])))]
        return {"kernel_size": int(rng.choice(r["F"])), "dilations": [int(d) for d in stack]}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        F = need_int(params, "kernel_size", minimum=1)
        raw = need(params, "dilations")
        if not isinstance(raw, (list, tuple)) or not raw:
            raise ParamError("dilations", f"must be a non-empty list of dilation rates, got {brief(raw)}")
        if len(raw) > MAX_STACK:
            raise ParamError("dilations", f"at most {MAX_STACK} stacked layers, got a list of {len(raw)}")
        dil = [need_int({"dilations": d}, "dilations", minimum=1, maximum=1000) for d in raw]
        return {"kernel_size": F, "dilations": dil}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("effective_kernels", Text("各层等效卷积核大小", "effective kernel of each layer"),
                            shape="vector", integer=True, points=1.0),
                AnswerField("receptive_field", Text("最后一层的感受野", "receptive field of the last layer"),
                            integer=True, points=2.0))

    def statement(self, params: Mapping[str, Any]) -> Text:
        F, dil = params["kernel_size"], params["dilations"]
        ds = ", ".join(str(d) for d in dil)
        return Text(
            f"依次堆叠 {len(dil)} 个 {F}×{F} 卷积（步幅 1），扩张率（dilation rate）依次为 {ds}。"
            f"求每一层的等效卷积核大小，以及最后一层输出单元在输入上的感受野边长"
            f"（感受野指从最左到最右能影响该单元的输入像素所跨的宽度，中间的空洞也算在内，不是真正参与计算的像素个数）。",
            f"{len(dil)} convolutions of {F}x{F} (stride 1) are stacked with dilation rates {ds} in order. "
            f"Give the effective kernel size of each layer and the receptive field (side, in input "
            f"pixels) of a unit of the last layer: the span from the first to the last input pixel that "
            f"can affect it, gaps included, not the count of pixels that actually contribute.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        F, dil = params["kernel_size"], params["dilations"]
        effs = [effective_kernel(F, d) for d in dil]
        rfs = receptive_field([(F, 1, d) for d in dil])
        steps = [Step("空洞卷积在核元素之间插入 D-1 个空洞：等效核 F' = D(F-1)+1，参数仍是 F×F。",
                      "A dilated kernel leaves D-1 gaps between taps: F' = D(F-1)+1 wide, still F*F weights.",
                      "; ".join(f"{d}*({F}-1)+1 = {e}" for d, e in zip(dil, effs))),
                 Step("步幅为 1 时每层把感受野增加 F'-1。",
                      "At stride 1 each layer widens the receptive field by F'-1.",
                      "1 + " + " + ".join(f"({e}-1)" for e in effs) + f" = {rfs[-1]}")]
        mistakes = [
            Mistake("d_times_f", Text("把等效核算成 D·F", "took the effective kernel as D*F"),
                    {"effective_kernels": [d * F for d in dil],
                     "receptive_field": 1 + sum(d * F - 1 for d in dil)}),
            Mistake("summed_effective", Text("直接把等效核大小相加", "added the effective kernels"),
                    {"receptive_field": sum(effs)}),
            Mistake("last_layer_only", Text("只算了最后一层的等效核", "gave only the last layer's effective kernel"),
                    {"receptive_field": effs[-1]}),
            Mistake("ignored_dilation", Text("忽略了扩张率", "ignored the dilation"),
                    {"effective_kernels": [F] * len(dil), "receptive_field": 1 + len(dil) * (F - 1)}),
        ]
        return Solution({"effective_kernels": effs, "receptive_field": rfs[-1]}, steps, mistakes)
