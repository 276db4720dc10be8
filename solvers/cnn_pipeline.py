"""A small CNN traced layer by layer: output size, channels, parameters and receptive field.

Per layer, with the formulas of the single-topic kinds (cs231n "ConvNet architectures")::

    conv(F, S, P, C_out):  O = floor((W - F + 2P)/S) + 1,  channels C_out,
                           params C_out*C_in*F*F + C_out (biases)
    pool(F, S):            O = floor((W - F)/S) + 1,        channels unchanged, no parameters
    receptive field:       r_l = r_(l-1) + (F_l - 1) * (product of the strides before l)

The comprehensive item asks for every field of every layer, each with its own points, so a slip
in one layer costs only that layer's marks (later layers are graded on the right inputs).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, brief, need, need_int, register,
)
from solvers.cnn_conv_output import conv_output_size
from solvers._base import need_bool
from solvers.cnn_conv_params import conv_param_count
from solvers.cnn_receptive_field import receptive_field
from solvers.train_numbers import a_or_an

# Named difficulty ranges: input sides, input channels, layer menus and depths.
#   conv: ("conv", F, S, P);  pool: ("pool", F, S)
RANGES = {
    "easy": dict(W=(28, 32, 64), C=(1, 3), depth=(3,), widths=(8, 16, 32),
                 menu=(("conv", 3, 1, 1), ("conv", 5, 1, 2), ("pool", 2, 2), ("pool", 2, 2), ("conv", 3, 1, 0))),
    "medium": dict(W=(32, 56, 64, 96), C=(3,), depth=(4,), widths=(16, 32, 64),
                   menu=(("conv", 3, 1, 1), ("conv", 5, 1, 0), ("conv", 3, 2, 1), ("pool", 2, 2), ("conv", 5, 2, 2),
                         ("pool", 3, 2))),
    "hard": dict(W=(37, 55, 63, 75, 99), C=(1, 3), depth=(4, 5), widths=(8, 16, 24, 48, 64),
                 menu=(("conv", 3, 1, 1), ("conv", 7, 2, 3), ("conv", 5, 2, 1), ("pool", 3, 2), ("pool", 2, 2),
                       ("conv", 3, 2, 0), ("conv", 1, 1, 0))),
}
POINTS = {"out": 1.0, "ch": 0.5, "params": 1.0, "rf": 1.0}


def trace_network(input_size: int, in_channels: int, layers: list[Mapping[str, Any]],
                  bias: bool = True) -> list[dict[str, int]]:
    """Output side, channels, parameters and receptive field after each layer.

    >>> trace_network(32, 3, [dict(type="conv", kernel=3, stride=1, padding=1, out_channels=8),
    ...                       dict(type="pool", kernel=2, stride=2, padding=0)])
    [{'out': 32, 'ch': 8, 'params': 224, 'rf': 3}, {'out': 16, 'ch': 8, 'params': 0, 'rf': 4}]
    """
    W, C = input_size, in_channels
    rfs = receptive_field([(L["kernel"], L["stride"], 1) for L in layers])
    rows = []
    for L, rf in zip(layers, rfs):
        W = conv_output_size(W, L["kernel"], L.get("padding", 0), L["stride"])
        if L["type"] == "conv":
            params = conv_param_count(C, L["out_channels"], L["kernel"], bias)
            C = L["out_channels"]
        else:
            params = 0
        rows.append(dict(out=W, ch=C, params=params, rf=rf))
    return rows


def layer_table(layers: list[Mapping[str, Any]]) -> tuple[str, str]:
    """The network as aligned plain-text tables (zh, en)."""
    head_zh = "层 | 类型 | 核 | 步幅 | 填充 | 输出通道"
    head_en = "layer | type | kernel | stride | padding | out channels"
    zh, en = [head_zh], [head_en]
    for i, L in enumerate(layers, 1):
        k = f"{L['kernel']}x{L['kernel']}"
        ch = str(L["out_channels"]) if L["type"] == "conv" else "-"
        tz = "卷积" if L["type"] == "conv" else "最大池化"
        te = "conv" if L["type"] == "conv" else "max pool"
        zh.append(f"{i} | {tz} | {k} | {L['stride']} | {L.get('padding', 0)} | {ch if ch != '-' else '不变'}")
        en.append(f"{i} | {te} | {k} | {L['stride']} | {L.get('padding', 0)} | {ch if ch != '-' else 'same'}")
    return "\n".join(zh), "\n".join(en)


def _check_layer(i: int, raw: Any) -> dict[str, Any]:
    where = f"layers[{i}]"
    if not isinstance(raw, Mapping):
        raise ParamError(where, "must be like {\"type\": \"conv\", \"kernel\": 3, \"stride\": 1, "
                         "\"padding\": 1, \"out_channels\": 16} or {\"type\": \"pool\", \"kernel\": 2, \"stride\": 2}")
    t = raw.get("type")
    if t not in ("conv", "pool"):
        raise ParamError(f"{where}.type", f"must be conv or pool, got {brief(t)}")

    def num(key: str, minimum: int, default: int | None = None) -> int:
        try:
            return need_int(raw, key, minimum=minimum, default=default)
        except ParamError as err:
            raise ParamError(f"{where}.{key}", str(err).split(": ", 1)[1]) from None

    layer = dict(type=t, kernel=num("kernel", 1), stride=num("stride", 1, default=1), padding=num("padding", 0, default=0))
    if t == "conv":
        layer["out_channels"] = num("out_channels", 1)
    elif 2 * layer["padding"] > layer["kernel"]:
        raise ParamError(f"{where}.padding", f"pooling padding must be at most half the window, got {layer['padding']}")
    return layer


@register
class CnnPipeline(Kind):
    id = "cnn_pipeline"
    topic = "cnn"
    chapter = "ch1_cnn"
    comprehensive = True
    title = Text("综合题：逐层分析一个小型 CNN", "Comprehensive: a small CNN layer by layer")
    description = "Output size, channels, parameters and receptive field of every layer of a small CNN."
    params_help = {
        "input_size": "input side H (square input), a whole number >= 1",
        "in_channels": "input channels, a whole number >= 1",
        "layers": "list of layers: {type: conv, kernel, stride, padding, out_channels} or "
                  "{type: pool, kernel, stride}",
        "bias": "whether conv layers have biases: true/false (default true)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            # seq[rng.integers(len(seq))] draws what rng.choice(seq) draws, without its NumPy overhead
            W, C = r["W"][int(rng.integers(len(r["W"])))], r["C"][int(rng.integers(len(r["C"])))]
            depth = r["depth"][int(rng.integers(len(r["depth"])))]
            layers: list[dict[str, Any]] = []
            width = r["widths"][int(rng.integers(len(r["widths"])))]
            while len(layers) < depth:
                item = r["menu"][int(rng.integers(len(r["menu"])))]
                if item[0] == "pool":
                    if not layers or layers[-1]["type"] == "pool":
                        continue  # start with a conv; no two pools in a row
                    layers.append(dict(type="pool", kernel=int(item[1]), stride=int(item[2]), padding=0))
                else:
                    layers.append(dict(type="conv", kernel=int(item[1]), stride=int(item[2]), padding=int(item[3]),
                                       out_channels=width))
                    width = min(2 * width, 128) if rng.random() < 0.5 else width
            try:
                rows = trace_network(W, C, layers)
            except ValueError:
                continue
            if rows[-1]["out"] < 2:
                continue
            exact = all((w + 2 * L["padding"] - L["kernel"]) % L["stride"] == 0
                        for w, L in zip([W] + [x["out"] for x in rows], layers))
            if difficulty == "easy" and not exact:
                continue
            if difficulty == "hard" and exact:
                continue  # hard items need the floor somewhere
            return dict(input_size=W, in_channels=C, layers=layers, bias=True)

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        W = need_int(params, "input_size", minimum=1)
        C = need_int(params, "in_channels", minimum=1)
        raw = need(params, "layers")
        if not isinstance(raw, (list, tuple)) or not 1 <= len(raw) <= 8:
            raise ParamError("layers", "must be a list of 1 to 8 layers")
        layers = [_check_layer(i, L) for i, L in enumerate(raw, 1)]
        bias = need_bool(params, "bias", default=True)
        size = W
        for i, L in enumerate(layers, 1):
            if L["kernel"] > size + 2 * L["padding"]:
                raise ParamError(f"layers[{i}].kernel", f"the {L['kernel']}x{L['kernel']} window does not fit "
                                 f"the {size}x{size} input of this layer (padding {L['padding']})")
            size = conv_output_size(size, L["kernel"], L["padding"], L["stride"])
        return dict(input_size=W, in_channels=C, layers=layers, bias=bias)

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _fields(len(params["layers"]))

    def statement(self, params: Mapping[str, Any]) -> Text:
        W, C, layers = params["input_size"], params["in_channels"], params["layers"]
        zh, en = layer_table(layers)
        bz = "卷积层带偏置" if params["bias"] else "卷积层不带偏置"
        be = "conv layers have biases" if params["bias"] else "conv layers have no biases"
        rz = re = ""
        if max(r["rf"] for r in trace_network(W, C, layers, params["bias"])) > W:
            # a receptive field wider than the image: say how it is counted, or the question is unclear
            rz = "感受野按公式计算，不考虑图像边界（可以大于输入边长）。"
            re = (" Count the receptive field by the formula, ignoring the image border (it may come out "
                  "larger than the input).")
        return Text(
            f"输入图像为 {W}×{W}×{C}，依次经过下表各层（{bz}，尺寸向下取整）：\n{zh}\n"
            f"对每一层求：输出特征图边长、输出通道数、该层参数量、该层一个单元在输入图像上的感受野边长。{rz}",
            f"{a_or_an(W, True)} {W}x{W}x{C} input goes through the layers below in order ({be}; sizes round down):\n{en}\n"
            f"For every layer give: the output side, the number of channels, the layer's parameters, and "
            f"the receptive field (side, in input pixels) of one of its units.{re}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        W0, C0, layers, bias = params["input_size"], params["in_channels"], params["layers"], params["bias"]
        rows = trace_network(W0, C0, layers, bias)
        answer: dict[str, int] = {}
        steps: list[Step] = []
        mistakes: list[Mistake] = []
        W, C, jump, r_prev = W0, C0, 1, 1
        for i, (L, row) in enumerate(zip(layers, rows), 1):
            F, S, P = L["kernel"], L["stride"], L["padding"]
            span = W + 2 * P - F
            answer.update({f"out_{i}": row["out"], f"ch_{i}": row["ch"], f"params_{i}": row["params"],
                           f"rf_{i}": row["rf"]})
            if L["type"] == "conv":
                b = f" + {row['ch']}" if bias else ""
                steps.append(Step(f"第 {i} 层（卷积）：尺寸、通道、参数。", f"Layer {i} (conv): size, channels, parameters.",
                                  f"out = floor(({W} - {F} + 2*{P})/{S}) + 1 = {row['out']}; ch = {row['ch']}; "
                                  f"params = {row['ch']}*{C}*{F}*{F}{b} = {row['params']}"))
            else:
                steps.append(Step(f"第 {i} 层（池化）：尺寸；通道数不变，没有参数。",
                                  f"Layer {i} (pool): size; channels unchanged, no parameters.",
                                  f"out = floor(({W} - {F})/{S}) + 1 = {row['out']}; ch = {row['ch']}; params = 0"))
            steps.append(Step(f"第 {i} 层感受野：r = r_前 + (F-1)·(此前步幅之积)。",
                              f"Layer {i} receptive field: r = r_prev + (F-1)*(product of earlier strides).",
                              f"rf = {r_prev} + ({F}-1)*{jump} = {row['rf']}"))
            tag_zh, tag_en = f"第 {i} 层：", f"layer {i}: "
            mistakes.append(Mistake(f"forgot_plus_one_{i}", Text(tag_zh + "忘了 +1", tag_en + "forgot the +1"),
                                    {f"out_{i}": span // S}))
            mistakes.append(Mistake(f"ignored_strides_{i}", Text(tag_zh + "感受野忽略了之前的步幅",
                                                                 tag_en + "receptive field ignores earlier strides"),
                                    {f"rf_{i}": r_prev + (F - 1)}))
            if L["type"] == "conv":
                weights = row["ch"] * C * F * F
                if bias:
                    mistakes.append(Mistake(f"forgot_bias_{i}", Text(tag_zh + "忘了偏置", tag_en + "forgot the biases"),
                                            {f"params_{i}": weights}))
                mistakes.append(Mistake(f"forgot_in_channels_{i}", Text(tag_zh + "忘了乘输入通道数",
                                                                        tag_en + "forgot the input channels"),
                                        {f"params_{i}": row["ch"] * F * F + (row["ch"] if bias else 0)}))
                if P:
                    mistakes.append(Mistake(f"forgot_padding_{i}", Text(tag_zh + "忘了填充", tag_en + "forgot the padding"),
                                            {f"out_{i}": (W - F) // S + 1 if W >= F else 0}))
            else:
                mistakes.append(Mistake(f"pool_has_params_{i}", Text(tag_zh + "以为池化层有参数（每个通道算了 F×F 个权重）",
                                                                     tag_en + "gave the pooling layer F*F weights per channel"),
                                        {f"params_{i}": F * F * C}))
            W, C, jump, r_prev = row["out"], row["ch"], jump * S, row["rf"]
        return Solution(answer, steps, mistakes)


@lru_cache(maxsize=None)
def _fields(n_layers: int) -> tuple[AnswerField, ...]:
    """The answer fields of an n-layer network (immutable, so shared between problems)."""
    out = []
    for i in range(1, n_layers + 1):
        out += [
            AnswerField(f"out_{i}", Text(f"第 {i} 层输出边长", f"layer {i}: output side"), integer=True,
                        points=POINTS["out"]),
            AnswerField(f"ch_{i}", Text(f"第 {i} 层输出通道数", f"layer {i}: channels"), integer=True,
                        points=POINTS["ch"]),
            AnswerField(f"params_{i}", Text(f"第 {i} 层参数量", f"layer {i}: parameters"), integer=True,
                        points=POINTS["params"]),
            AnswerField(f"rf_{i}", Text(f"第 {i} 层感受野", f"layer {i}: receptive field"), integer=True,
                        points=POINTS["rf"]),
        ]
    return tuple(out)
