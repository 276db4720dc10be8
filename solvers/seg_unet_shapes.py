"""U-Net shape tracing: the side and channels after every block of a small encoder-decoder.

Ronneberger, Fischer & Brox 2015, "U-Net", Fig. 1 and sec. 2: each level has two 3x3 convs
(unpadded, "valid", in the paper: each loses 2 pixels; "same" padding 1 keeps the side), then
2x2 max pooling with stride 2; the channels double per level. The expanding path up-samples with
a 2x2 transposed conv of stride 2 that halves the channels, concatenates the centre-cropped
encoder map of the same level (the crop is needed only with valid convs), and applies two 3x3
convs; a final 1x1 conv maps to the classes. The paper's 572x572 input gives a 388x388 output::

    valid conv:       S -> S - 2            same conv:   S -> S
    max pool 2x2/2:   S -> S / 2            up-conv 2x2/2: S -> 2S, C -> C/2
    concat:           C -> C/2 + C_skip     (side = the up-sampled side; the skip map is cropped)
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, need_choice, need_int, register

RANGES = {
    "easy": dict(depth=(1,), padding=("same",), sides=(16, 32, 64), base=(8, 16), classes=(2, 3)),
    "medium": dict(depth=(2,), padding=("same", "valid"), sides=tuple(range(40, 121)), base=(16, 32),
                   classes=(2, 3, 4)),
    "hard": dict(depth=(3, 4), padding=("valid",), sides=tuple(range(92, 301)) + (572,), base=(32, 64),
                 classes=(2, 5, 21)),
}
ROW_NAMES = {"enc": ("编码第 {k} 层两次卷积后", "encoder level {k}, after its two convs"),
             "pool": ("第 {k} 次池化后", "after pool {k}"),
             "bottom": ("底部两次卷积后", "bottom, after its two convs"),
             "up": ("第 {k} 层上采样（转置卷积）后", "level {k} up-conv output"),
             "concat": ("第 {k} 层拼接跳跃连接后", "level {k} after concatenating the skip"),
             "dec": ("解码第 {k} 层两次卷积后", "decoder level {k}, after its two convs"),
             "final": ("最后 1×1 卷积后", "after the final 1x1 conv")}


def trace_unet(input_size: int, in_channels: int, base: int, depth: int, padding: str, classes: int, *,
               shrink: int | None = None, halve_up: bool = True, skip: bool = True,
               crop: bool = True) -> list[tuple[str, int, int, int]]:
    """Rows (block, level, side, channels) of the U-Net; keyword flags reproduce student slips.

    >>> rows = trace_unet(572, 1, 64, 4, "valid", 2)   # the paper's Fig. 1
    >>> rows[0][2:], rows[8][2:], rows[10][2:], rows[-2][2:], rows[-1][2:]
    ((568, 64), (28, 1024), (56, 1024), (388, 64), (388, 2))
    """
    return list(_trace(input_size, in_channels, base, depth, padding, classes, shrink, halve_up, skip, crop))


@functools.lru_cache(maxsize=4096)
def _trace(input_size: int, in_channels: int, base: int, depth: int, padding: str, classes: int,
           shrink: int | None, halve_up: bool, skip: bool, crop: bool) -> tuple[tuple[str, int, int, int], ...]:
    """:func:`trace_unet`, remembered (a pure function of a few numbers: solve() traces each
    student slip, and the same small networks recur); a tuple, so no caller can change it."""
    loss = (4 if padding == "valid" else 0) if shrink is None else shrink  # per double conv
    rows, skips, S = [], [], input_size
    for k in range(1, depth + 1):
        S -= loss
        C = base * 2 ** (k - 1)
        rows.append(("enc", k, S, C))
        skips.append((S, C))
        S //= 2
        rows.append(("pool", k, S, C))
    S -= loss
    C = base * 2 ** depth
    rows.append(("bottom", depth + 1, S, C))
    for k in range(depth, 0, -1):
        S, C = 2 * S, C // 2 if halve_up else C
        rows.append(("up", k, S, C))
        skip_side, skip_c = skips[k - 1]
        if not crop:
            S = skip_side
        rows.append(("concat", k, S, C + (skip_c if skip else 0)))
        S -= loss
        C = base * 2 ** (k - 1)
        rows.append(("dec", k, S, C))
    rows.append(("final", 0, S, classes))
    return tuple(rows)


def check_trace(input_size: int, depth: int, padding: str) -> str | None:
    """Why this input cannot go through the network (a side that is odd before a pool, or one
    that shrinks below 1 pixel), or None when it fits.

    >>> check_trace(572, 4, "valid") is None, check_trace(570, 4, "valid")
    (True, 'the side before pool 2 would be 279, which must be even')
    """
    loss = 4 if padding == "valid" else 0
    S = input_size
    for k in range(1, depth + 1):
        S -= loss
        if S < 2 or S % 2:
            return f"the side before pool {k} would be {S}, which must be even" + (" and at least 2" if S < 2 else "")
        S //= 2
    if min(S for _, _, S, _ in trace_unet(input_size, 1, 1, depth, padding, 1)) < 1:
        return "a feature map would shrink below 1 pixel"
    return None


@functools.lru_cache(maxsize=None)
def _fitting_sides(difficulty: str, depth: int, padding: str) -> tuple[int, ...]:
    return tuple(s for s in RANGES[difficulty]["sides"] if check_trace(s, depth, padding) is None)


@functools.lru_cache(maxsize=None)
def _fields(blocks: tuple[tuple[str, int], ...]) -> tuple[AnswerField, ...]:
    """The answer fields for this sequence of (block, level) rows: immutable, so shared."""
    out = []
    for i, (block, k) in enumerate(blocks, start=1):
        zh, en = (s.format(k=k) for s in ROW_NAMES[block])
        out += [AnswerField(f"side_{i}", Text(f"{i}. {zh}：边长", f"{i}. {en}: side"), integer=True, points=0.5),
                AnswerField(f"ch_{i}", Text(f"{i}. {zh}：通道数", f"{i}. {en}: channels"), integer=True,
                            points=0.5)]
    return tuple(out)


@register
class UnetShapes(Kind):
    id = "unet_shapes"
    topic = "segmentation"
    chapter = "ch7_segmentation"
    title = Text("U-Net 各层输出尺寸", "U-Net shapes layer by layer")
    description = "Side and channels after every block of a small U-Net (valid or same 3x3 convs, skips, up-convs)."
    comprehensive = True
    params_help = {
        "input_size": "input side S (square), a whole number",
        "in_channels": "input channels, a whole number >= 1",
        "base_channels": "channels of the first level (doubled per level), a whole number >= 1",
        "depth": "number of pooling steps, 1 to 4",
        "padding": "valid (3x3 convs lose 2 pixels, as in the U-Net paper) or same (padding 1)",
        "num_classes": "channels of the final 1x1 conv, a whole number >= 1",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        # seq[rng.integers(len(seq))] draws what rng.choice(seq) draws, without its NumPy overhead
        depth = r["depth"][int(rng.integers(len(r["depth"])))]
        padding = r["padding"][int(rng.integers(len(r["padding"])))]
        fits = _fitting_sides(difficulty, depth, padding)
        input_size = fits[int(rng.integers(len(fits)))]
        in_channels = (1, 3)[int(rng.integers(2))]
        base = r["base"][int(rng.integers(len(r["base"])))]
        return dict(input_size=input_size, in_channels=in_channels, base_channels=base, depth=depth,
                    padding=padding, num_classes=r["classes"][int(rng.integers(len(r["classes"])))])

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = dict(input_size=need_int(params, "input_size", minimum=2, maximum=10_000),
                 in_channels=need_int(params, "in_channels", minimum=1, maximum=10_000),
                 base_channels=need_int(params, "base_channels", minimum=1, maximum=4096),
                 depth=need_int(params, "depth", minimum=1, maximum=4),
                 padding=need_choice(params, "padding", ("valid", "same")),
                 num_classes=need_int(params, "num_classes", minimum=1, maximum=1000))
        why = check_trace(p["input_size"], p["depth"], p["padding"])
        if why:
            raise ParamError("input_size", f"{p['input_size']} does not fit: {why}")
        return p

    def _rows(self, params: Mapping[str, Any], shrink: int | None = None, halve_up: bool = True,
              skip: bool = True, crop: bool = True) -> tuple[tuple[str, int, int, int], ...]:
        return _trace(params["input_size"], params["in_channels"], params["base_channels"], params["depth"],
                      params["padding"], params["num_classes"], shrink, halve_up, skip, crop)

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _fields(tuple((block, k) for block, k, _, _ in self._rows(params)))

    def statement(self, params: Mapping[str, Any]) -> Text:
        S, Cin, c, d, pad, K = (params[k] for k in ("input_size", "in_channels", "base_channels", "depth", "padding",
                                                   "num_classes"))
        if pad == "valid":
            pz, pe = "不填充（valid，与 U-Net 原文相同）", "no padding (valid, as in the U-Net paper)"
            cz = "把同一层编码器的特征图从中心裁剪到上采样后的尺寸，再"
            ce = "the encoder map of the same level is centre-cropped to the up-sampled size and "
        else:
            pz, pe, cz, ce = "填充 1（same）", "padding 1 (same)", "", "the encoder map of the same level is "
        rows = "\n".join(f"{i}. {s.format(k=k)}" for i, (b, k, _, _) in enumerate(self._rows(params), 1)
                         for s in (ROW_NAMES[b][1],))
        rows_zh = "\n".join(f"{i}. {s.format(k=k)}" for i, (b, k, _, _) in enumerate(self._rows(params), 1)
                            for s in (ROW_NAMES[b][0],))
        return Text(
            f"一个 U-Net 的输入为 {S}×{S}×{Cin}，共 {d} 次下采样。编码器第 k 层有两个 3×3 卷积（步幅 1，{pz}，"
            f"输出 {c}·2^(k−1) 个通道），然后是 2×2、步幅 2 的最大池化；底部两个 3×3 卷积输出 {c}·2^{d} 个通道。"
            f"解码器第 k 层：先用 2×2、步幅 2 的转置卷积上采样（边长加倍、通道数减半），{cz}与上采样结果在通道维拼接，"
            f"再做两个 3×3 卷积输出 {c}·2^(k−1) 个通道；最后用 1×1 卷积输出 {K} 个类别。"
            f"求下列每一步之后特征图的边长和通道数：\n{rows_zh}",
            f"A U-Net takes a {S}x{S}x{Cin} input and pools {'once' if d == 1 else f'{d} times'}. Encoder level k has two 3x3 convs "
            f"(stride 1, {pe}, {c}*2^(k-1) output channels) followed by 2x2 max pooling with stride 2; the bottom "
            f"has two 3x3 convs with {c}*2^{d} channels. Decoder level k up-samples with a 2x2 transposed conv of "
            f"stride 2 (side doubled, channels halved); {ce}concatenated with it along the channels; two 3x3 "
            f"convs then give {c}*2^(k-1) channels. A final 1x1 conv gives {K} classes. Give the side and the "
            f"channels of the feature map after each step:\n{rows}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        rows = self._rows(params)
        valid = params["padding"] == "valid"
        answer = {}
        for i, (_, _, S, C) in enumerate(rows, start=1):
            answer |= {f"side_{i}": S, f"ch_{i}": C}
        skips = {k: (S, C) for b, k, S, C in rows if b == "enc"}
        steps = [Step("3×3 卷积" + ("不填充：每个卷积边长减 2，两个减 4。" if valid else "填充 1：边长不变。")
                      + "池化边长减半；转置卷积边长加倍、通道减半。",
                      "3x3 convs " + ("without padding lose 2 pixels each, 4 per pair. " if valid else
                                      "with padding 1 keep the side. ")
                      + "Pooling halves the side; the up-conv doubles it and halves the channels.",
                      f"S_in = {params['input_size']}, C_in = {params['in_channels']}")]
        prev_S, prev_C = params["input_size"], params["in_channels"]
        for i, (b, k, S, C) in enumerate(rows, start=1):
            en = ROW_NAMES[b][1].format(k=k)
            zh = ROW_NAMES[b][0].format(k=k)
            if b in ("enc", "bottom", "dec"):
                how = f"{prev_S} - 4 = {S}" if valid else f"{S}"
            elif b == "pool":
                how = f"{prev_S} / 2 = {S}"
            elif b == "up":
                how = f"2 * {prev_S} = {S}; {prev_C} / 2 = {C}"
            elif b == "concat":
                sS, sC = skips[k]
                crop = f"crop {sS} -> {S}; " if valid else ""
                how = f"{crop}{prev_C} + {sC} = {C}"
            else:
                how = f"{S}"
            steps.append(Step(f"{i}. {zh}。", f"{i}. {en}.", f"{how}  =>  {S} x {S} x {C}"))
            prev_S, prev_C = S, C
        names = [f"{n}_{i}" for i in range(1, len(rows) + 1) for n in ("side", "ch")]

        def wrong(**slip: Any) -> dict[str, int]:
            # only the rows the slip changes: the grader names the mistake on those
            out = {}
            for i, (_, _, S, C) in enumerate(self._rows(params, **slip), start=1):
                out |= {f"side_{i}": S, f"ch_{i}": C}
            return {k: v for k, v in out.items() if k in names and v != answer[k]}

        mistakes = [
            Mistake("forgot_skip_channels", Text("拼接时忘了加上跳跃连接的通道", "forgot the skip connection's "
                                                 "channels in the concatenation"), wrong(skip=False)),
            Mistake("upconv_keeps_channels", Text("转置卷积没有把通道减半", "kept the channels through the up-conv"),
                    wrong(halve_up=False)),
        ]
        if valid:
            mistakes += [
                Mistake("valid_as_same", Text("不填充的卷积没有缩小边长", "let the unpadded convs keep the side"),
                        wrong(shrink=0)),
                Mistake("shrink_once", Text("每两个卷积只减了 2（每个不填充的 3×3 卷积都减 2）",
                                            "took off 2 per pair of convs (each unpadded 3x3 conv loses 2)"),
                        wrong(shrink=2)),
                Mistake("skip_not_cropped", Text("拼接时用了未裁剪的跳跃特征图尺寸", "used the uncropped skip map's "
                                                 "side after the concatenation"), wrong(crop=False)),
            ]
        else:
            mistakes.append(Mistake("same_as_valid", Text("填充为 same 却按不填充缩小了边长",
                                                          "shrank the side though the convs are padded (same)"),
                                    wrong(shrink=4)))
        return Solution(answer, steps, mistakes)
