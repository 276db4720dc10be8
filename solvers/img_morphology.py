"""Binary morphology: erosion, dilation, opening and closing with a 3x3 structuring element.

Definitions (Gonzalez & Woods, *Digital Image Processing*, 9.2-9.3), with B symmetric about its
centre (the origin), so reflecting B changes nothing::

    erosion   (A ⊖ B)(p) = 1  iff every pixel of B placed at p lies on a 1 of A
    dilation  (A ⊕ B)(p) = 1  iff some pixel of B placed at p lies on a 1 of A
    opening   A ∘ B = (A ⊖ B) ⊕ B     (erode first: removes specks and thin bridges)
    closing   A • B = (A ⊕ B) ⊖ B     (dilate first: fills small holes and gaps)

Pixels outside the image are background (0) at every step, so erosion also clears object pixels
whose element reaches past the border (scipy.ndimage's ``border_value=0``).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import (
    MAX_PIXELS,
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt_matrix, need_choice,
    need_matrix, register,
)

OPERATIONS = ("erosion", "dilation", "opening", "closing")
ELEMENTS = {"square": np.ones((3, 3), dtype=bool),
            "cross": np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)}
OP_NAMES = {"erosion": ("腐蚀", "erosion"), "dilation": ("膨胀", "dilation"),
            "opening": ("开运算（先腐蚀后膨胀）", "opening (erosion, then dilation)"),
            "closing": ("闭运算（先膨胀后腐蚀）", "closing (dilation, then erosion)")}
SE_NAMES = {"square": ("3×3 方形", "3x3 square"), "cross": ("3×3 十字形", "3x3 cross")}

# Named difficulty ranges: image sizes, operations, elements, and a margin kept free of objects.
RANGES = {
    "easy": dict(size=(5, 6), ops=("erosion", "dilation"), elements=("square", "cross"), margin=1),
    "medium": dict(size=(6, 7), ops=OPERATIONS, elements=("square", "cross"), margin=1),
    "hard": dict(size=(7,), ops=("opening", "closing", "erosion"), elements=("square", "cross"), margin=0),
}


def _probe(image: np.ndarray, element: np.ndarray, outside: int, want_all: bool) -> np.ndarray:
    """For each pixel, whether all (erosion) or any (dilation) element positions hit a 1."""
    h, w = image.shape
    padded = np.full((h + 2, w + 2), bool(outside))
    padded[1:-1, 1:-1] = image
    hits = [padded[i:i + h, j:j + w] for i in range(3) for j in range(3) if element[i, j]]
    return np.logical_and.reduce(hits) if want_all else np.logical_or.reduce(hits)


def erode(image: Any, element: str = "square", outside: int = 0) -> np.ndarray:
    """Binary erosion; pixels outside the image count as ``outside`` (0 by the course convention).

    >>> erode([[1, 1, 1], [1, 1, 1], [1, 1, 1]]).astype(int).tolist()
    [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    return _probe(np.asarray(image, dtype=bool), ELEMENTS[element], outside, want_all=True)


def dilate(image: Any, element: str = "square") -> np.ndarray:
    """Binary dilation (the element is symmetric, so no reflection is needed).

    >>> dilate([[0, 0, 0], [0, 1, 0], [0, 0, 0]], "cross").astype(int).tolist()
    [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    """
    return _probe(np.asarray(image, dtype=bool), ELEMENTS[element], 0, want_all=False)


def morph(image: Any, operation: str, element: str = "square", outside: int = 0) -> np.ndarray:
    """Apply ``operation`` (erosion, dilation, opening, closing); returns a 0/1 int array."""
    if operation == "erosion":
        out = erode(image, element, outside)
    elif operation == "dilation":
        out = dilate(image, element)
    elif operation == "opening":
        out = dilate(erode(image, element, outside), element)
    elif operation == "closing":
        out = erode(dilate(image, element), element, outside)
    else:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}")
    return out.astype(int)


def random_shape(rng: np.random.Generator, size: int, margin: int) -> list[list[int]]:
    """One or two filled rectangles plus a few flipped pixels (specks, holes, notches)."""
    img = [[0] * size for _ in range(size)]
    lo, hi = margin, size - margin
    for _ in range(int(rng.integers(1, 3))):
        h, w = int(rng.integers(2, max(3, hi - lo - 1) + 1)), int(rng.integers(2, max(3, hi - lo - 1) + 1))
        h, w = min(h, hi - lo), min(w, hi - lo)
        r, c = int(rng.integers(lo, hi - h + 1)), int(rng.integers(lo, hi - w + 1))
        for row in img[r:r + h]:
            row[c:c + w] = [1] * w
    for _ in range(int(rng.integers(1, 4))):
        i = int(rng.integers(lo, hi))
        img[i][int(rng.integers(lo, hi))] ^= 1
    return img


# The same operations on rows as bit masks (bit c = column c): a generated image is at most
# 7 x 7, and shifting and AND-ing seven integers beats NumPy calls on 9 sliced arrays. The
# NumPy functions above stay the reference and the path for a user's large image.
OFFSETS = {name: tuple((i, j) for i in range(3) for j in range(3) if el[i, j]) for name, el in ELEMENTS.items()}
SMALL_SIDE = 60
SE_LISTS = {name: el.astype(int).tolist() for name, el in ELEMENTS.items()}


def _to_bits(image: list[list[int]]) -> list[int]:
    return [sum(1 << c for c, v in enumerate(row) if v) for row in image]


def _from_bits(rows: list[int], width: int) -> list[list[int]]:
    return [[(x >> c) & 1 for c in range(width)] for x in rows]


def _probe_bits(rows: list[int], width: int, element: str, outside: int, want_all: bool) -> list[int]:
    """:func:`_probe` on bit rows: pixel c of row r looks at padded column c + j of padded row r + i."""
    edge = (1 << (width + 2)) - 1 if outside else 0
    side = (1 | (1 << (width + 1))) if outside else 0
    padded = [edge] + [(x << 1) | side for x in rows] + [edge]
    mask = (1 << width) - 1
    out = []
    for r in range(len(rows)):
        acc = mask if want_all else 0
        for i, j in OFFSETS[element]:
            if want_all:
                acc &= padded[r + i] >> j
            else:
                acc |= padded[r + i] >> j
        out.append(acc & mask)
    return out


def _morph_bits(rows: list[int], width: int, operation: str, element: str, outside: int = 0) -> list[int]:
    """:func:`morph` on bit rows."""
    def erode_(x: list[int]) -> list[int]:
        return _probe_bits(x, width, element, outside, True)

    def dilate_(x: list[int]) -> list[int]:
        return _probe_bits(x, width, element, 0, False)

    if operation == "erosion":
        return erode_(rows)
    if operation == "dilation":
        return dilate_(rows)
    if operation == "opening":
        return dilate_(erode_(rows))
    if operation == "closing":
        return erode_(dilate_(rows))
    raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}")


def _small_binary(image: Any) -> bool:
    """A list of equal rows of plain ints 0/1, at most SMALL_SIDE wide."""
    return (type(image) is list and 0 < len(image) <= SMALL_SIDE and type(image[0]) is list
            and 0 < len(image[0]) <= SMALL_SIDE
            and all(type(row) is list and len(row) == len(image[0]) and _BINARY.issuperset(row) for row in image)
            and all(type(v) is int for row in image for v in row))


_BINARY = frozenset((0, 1))


@register
class Morphology(Kind):
    id = "morphology"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("二值形态学运算", "Binary morphology")
    description = "Binary erosion, dilation, opening or closing of a small image with a 3x3 element."
    params_help = {
        "image": "a binary image (0/1 matrix), e.g. [[0,1,1],[0,1,1],[0,0,0]]",
        "operation": "one of erosion, dilation, opening, closing",
        "element": "'square' (3x3 of ones, default) or 'cross' (3x3 plus shape); origin at the centre",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        while True:
            size = r["size"][int(rng.integers(len(r["size"])))]  # = rng.choice, without its overhead
            img = random_shape(rng, size, r["margin"])
            op = r["ops"][int(rng.integers(len(r["ops"])))]
            se = r["elements"][int(rng.integers(len(r["elements"])))]
            bits = _to_bits(img)
            out = _morph_bits(bits, size, op, se)
            # a worthwhile item: the operation changes something and leaves something
            if any(out) and out != bits and any(x != (1 << size) - 1 for x in out):
                return {"image": img, "operation": op, "element": se}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        m = np.asarray(need_matrix(params, "image"))
        if not np.isin(m, (0, 1)).all():
            raise ParamError("image", "must contain only 0 (background) and 1 (object)")
        if m.size > MAX_PIXELS:  # the generators keep to 15 x 15; solve takes real masks
            raise ParamError("image", f"may have at most {MAX_PIXELS:,} pixels (a bound on work), "
                                      f"got {m.shape[0]} x {m.shape[1]}")
        return {"image": m.astype(int).tolist(), "operation": need_choice(params, "operation", OPERATIONS),
                "element": need_choice(params, "element", tuple(ELEMENTS), default="square")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("result", Text("结果图像", "resulting image"), shape="matrix", integer=True),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        op_zh, op_en = OP_NAMES[params["operation"]]
        se_zh, se_en = SE_NAMES[params["element"]]
        se = SE_LISTS[params["element"]]
        img = fmt_matrix(params["image"])
        # the border consequence is only worth a sentence when an erosion is part of the operation
        erodes = params["operation"] != "dilation"
        then_zh = "，因此腐蚀时结构元素伸出边界的位置结果为 0" if erodes else ""
        then_en = ", so erosion clears any pixel whose element reaches past the border" if erodes else ""
        if params["operation"] == "closing":  # students expect a closing never to remove object pixels
            then_zh += "；所以闭运算也会删去图像边界上的目标像素（不按“闭运算只增不减”处理）"
            then_en += "; so this closing can remove object pixels on the image border (it is not padded to keep them)"
        return Text(
            f"对下面的二值图像（1 为目标，0 为背景）做{op_zh}，结构元素为 {se_zh} {se}，原点在中心。"
            f"图像外的像素一律视为 0（背景）{then_zh}。写出结果矩阵。\n{img}",
            f"Apply {op_en} to the binary image below (1 = object, 0 = background) with the {se_en} "
            f"structuring element {se}, origin at its centre. Pixels outside the image count as 0 "
            f"(background){then_en}. Give the resulting matrix.\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        op, se = params["operation"], params["element"]
        if _small_binary(params["image"]):  # rows as bit masks (see _probe_bits)
            width = len(params["image"][0])
            bits = _to_bits(params["image"])

            def result(operation: str, element: str = se, outside: int = 0) -> list[list[int]]:
                return _from_bits(_morph_bits(bits, width, operation, element, outside), width)
        else:  # a user's large mask: NumPy
            img = np.asarray(params["image"], dtype=int)

            def result(operation: str, element: str = se, outside: int = 0) -> list[list[int]]:
                return morph(img, operation, element, outside).tolist()

        out = result(op)
        rule_erode = Step("腐蚀：结构元素放在该像素上时，覆盖的位置必须全为 1（图像外算 0），结果才为 1。",
                          "Erosion: a pixel stays 1 only if every position of the element placed on it "
                          "covers a 1 (outside the image counts as 0).")
        rule_dilate = Step("膨胀：结构元素放在该像素上时，只要覆盖到一个 1，结果就为 1。",
                           "Dilation: a pixel becomes 1 if the element placed on it covers at least one 1.")
        if op == "erosion":
            steps = [rule_erode, Step("结果：", "Result:", fmt_matrix(out))]
        elif op == "dilation":
            steps = [rule_dilate, Step("结果：", "Result:", fmt_matrix(out))]
        elif op == "opening":
            mid = result("erosion")
            steps = [rule_erode, Step("第一步，腐蚀：", "Step 1, erosion:", fmt_matrix(mid)),
                     rule_dilate, Step("第二步，对腐蚀结果膨胀：", "Step 2, dilate the eroded image:", fmt_matrix(out))]
        else:
            mid = result("dilation")
            steps = [rule_dilate, Step("第一步，膨胀：", "Step 1, dilation:", fmt_matrix(mid)),
                     rule_erode, Step("第二步，对膨胀结果腐蚀：", "Step 2, erode the dilated image:", fmt_matrix(out))]
        swap = {"erosion": "dilation", "dilation": "erosion", "opening": "closing", "closing": "opening"}[op]
        if op in ("erosion", "dilation"):
            mistakes = [Mistake("erosion_dilation_swapped", Text("腐蚀与膨胀弄反了", "swapped erosion and dilation"),
                                {"result": result(swap)})]
        else:
            mistakes = [
                Mistake("order_reversed", Text("开、闭运算的先后顺序弄反了", "reversed the order (opening vs closing)"),
                        {"result": result(swap)}),
                Mistake("stopped_half_way", Text("只做了第一步", "stopped after the first step"),
                        {"result": [list(row) for row in mid]}),
            ]
        if op != "dilation":
            mistakes.append(Mistake("border_as_object", Text("腐蚀时把图像外的像素当成了 1（MATLAB imerode 的填充方式，本题约定为 0）",
                                                                      "treated pixels outside the image as 1 in the erosion "
                                                                      "(MATLAB imerode's padding; this question says 0)"),
                                    {"result": result(op, outside=1)}))
        other = "cross" if se == "square" else "square"
        mistakes.append(Mistake("wrong_element", Text("用错了结构元素（方形/十字形）", "used the wrong element (square vs cross)"),
                                {"result": result(op, other)}))
        return Solution({"result": out}, steps, mistakes)
