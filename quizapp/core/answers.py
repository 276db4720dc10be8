"""Reading what a student types into an answer field: numbers, vectors and matrices.

Accepted number forms (after full-width characters are folded to half width, so Chinese IME
input such as ``－０．５`` or ``（１，２）`` works)::

    30   -0.5   .5   1.2e-3   1/3   -2/3   33.3%   √2   sqrt(2)/2   2√3   pi/4   2^10   1.5*2

A trailing ``%`` multiplies by ``percent`` (0.01 by default, so ``30%`` is 0.3; the grader
passes 1 for fields whose unit is ``%``, where the sign is decoration). ``sqrt``/``√``,
``pi``/``π``, ``e``, ``exp``, ``ln``/``log`` (natural), ``sin cos tan sinh cosh tanh`` and ``^``
(or ``**``) are evaluated with exact fractions where possible and floats otherwise, by the small
recursive-descent reader in :mod:`quizapp.core.expression` (no SymPy, never ``eval``).

Vectors: ``[1, 2, 3]``, ``(1,2,3)``, ``1, 2, 3`` or ``1 2 3`` (commas or ``;`` when given,
otherwise spaces separate the numbers).

Matrices: the student states the size so the field does not give it away, then the rows,
separated by ``;`` or new lines; ``[[1,2,3],[4,5,6]]`` carries its size in its brackets::

    2x3: 1 2 3; 4 5 6        2×3: 1 2 3 4 5 6 (read row by row)        [[1,2,3],[4,5,6]]

A size is optional when the rows are separated (``1 2; 3 4``). Malformed input raises
:class:`AnswerFormatError` with one sentence in English and Chinese; a well-formed answer of the
wrong size is not malformed (the grader marks it wrong).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from fractions import Fraction

from quizapp.core.errors import InputError
from quizapp.core.expression import ExpressionError, Number, evaluate, number_literal

MAX_NUMBER_CHARS = 120  # one number longer than this is a paste accident, not an answer
MAX_MATRIX_SIDE = 64
MAX_ANSWER_CHARS = 5000  # a 64x64 matrix of short numbers fits; a runaway paste does not


class AnswerFormatError(InputError):
    """An answer that cannot be read. ``message`` is English, ``message_zh`` Chinese."""

    title = "Answer format"

    def __init__(self, message: str, message_zh: str | None = None):
        self.message_zh = message_zh or message
        super().__init__(message)


# ----------------------------------------------------------------------------------------------
# Normalisation: what a Chinese IME or a copy from a PDF can put in a field.
# ----------------------------------------------------------------------------------------------

_EXTRA = str.maketrans({
    "\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-",  # minus, dashes
    "\u00d7": "*", "\u22c5": "*", "\u00b7": "*", "\u2217": "*",  # × ⋅ · ∗
    "\u00f7": "/", "\u2215": "/",  # ÷ ∕
    "\u3001": ",",  # 、 (enumeration comma)
    "\u3010": "[", "\u3011": "]", "\u3014": "(", "\u3015": ")",  # 【】〔〕
    "\u03c0": "pi", "\u221a": "√",
})


_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-"))
_SUPERSCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPT) + "]+")


def _powers(text: str) -> str:
    """``3²`` is three squared, not 32 (NFKC alone folds ² to 2): write it as ``3^(2)``."""
    if not any(ch in _SUPERSCRIPT for ch in text):
        return text
    return _SUPERSCRIPT_RUN.sub(
        lambda m: "^(" + "".join(_SUPERSCRIPT[c] for c in m.group()) + ")", text)


def _q(raw: str, limit: int = 40) -> str:
    """What the student typed, cut to a bounded length for a message (never a whole paste)."""
    raw = str(raw)
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def normalise(text: str) -> str:
    """Fold full-width forms to ASCII (NFKC), unify minus signs, brackets and separators;
    superscript digits become a power (``2³`` is ``2^(3)``)."""
    s = unicodedata.normalize("NFKC", _powers(str(text))).translate(_EXTRA)
    # An IME full stop between digits is a decimal point ("0。5").
    s = re.sub(r"(?<=\d)\u3002(?=\d)", ".", s)
    s = s.replace("**", "^")
    return s.strip()


# ----------------------------------------------------------------------------------------------
# Numbers (the arithmetic itself is read by quizapp.core.expression)
# ----------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@functools.lru_cache(maxsize=8)
def _percent_fraction(percent: float) -> Fraction:
    return Fraction(percent).limit_denominator(10**9)


def _typed(text: str, limit: int, what: tuple[str, str]) -> tuple[str, str]:
    """What the student typed (stripped) and its normal form; empty or overlong is malformed."""
    raw = str(text).strip()
    s = normalise(raw)
    if not s:
        raise AnswerFormatError("No answer was given.", "没有填写答案。")
    if len(s) > limit:
        raise AnswerFormatError(f"'{raw[:20]}...' is too long to be {what[0]}.",
                                f"'{raw[:20]}...' 太长，{what[1]}。")
    return raw, s


def _reads_or_says_why(what: tuple[str, str]):
    """Any failure while reading an answer is a malformed answer with a sentence, never a crash
    (a crash here used to be saved with an exam answer and break every later start)."""

    def wrap(fn):
        @functools.wraps(fn)
        def read(text, *args, **kwargs):
            try:
                return fn(text, *args, **kwargs)
            except AnswerFormatError:
                raise
            except Exception:
                shown = _q(str(text).strip())
                raise AnswerFormatError(f"'{shown}' cannot be read as {what[0]}.",
                                        f"'{shown}' 无法读作{what[1]}。") from None
        return read
    return wrap


@_reads_or_says_why(("a number", "一个数"))
def parse_exact(text: str, *, percent: float | Fraction = Fraction(1, 100)) -> Number:
    """Read one number, keeping it an exact :class:`Fraction` when it is one (``1/3``, ``0.1``)."""
    raw, s = _typed(text, MAX_NUMBER_CHARS, ("one number", "不是一个数"))
    if "," in s or ";" in s:
        raise AnswerFormatError(
            f"'{_q(raw)}' is not a number: use a point for decimals and give one number only.",
            f"'{_q(raw)}' 不是一个数：小数请用小数点，并且只填一个数。")
    try:
        if _PLAIN.fullmatch(s):  # the common case, "30" or "-0.25": no tokenizer needed
            return number_literal(s)
        pct = percent if isinstance(percent, Fraction) else _percent_fraction(percent)
        value = evaluate(s, pct)
    except ExpressionError as bad:
        raise AnswerFormatError(f"'{_q(raw)}' is not a number: {bad.en}.",
                                f"'{_q(raw)}' 不是一个数：{bad.zh}。") from None
    except (ValueError, ZeroDivisionError, OverflowError, RecursionError):
        raise AnswerFormatError(f"'{_q(raw)}' is not a number.", f"'{_q(raw)}' 不是一个数。") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerFormatError(f"'{_q(raw)}' is not a number: it is too large.",
                                f"'{_q(raw)}' 不是一个数：数值太大。")
    return value


@_reads_or_says_why(("a number", "一个数"))
def parse_number(text: str, *, percent: float = 0.01) -> float:
    """Read one number typed by a student.

    >>> parse_number("1/4"), parse_number("－０．５"), parse_number("25%"), parse_number("2^-1")
    (0.25, -0.5, 0.25, 0.5)
    """
    value = parse_exact(text, percent=percent)
    try:
        return float(value)
    except OverflowError:
        raise AnswerFormatError(f"'{str(text).strip()}' is not a number: it is too large.",
                                f"'{str(text).strip()}' 不是一个数：数值太大。") from None


# ----------------------------------------------------------------------------------------------
# Vectors and matrices
# ----------------------------------------------------------------------------------------------

_OPEN, _CLOSE = "([", ")]"


def _unwrap_all(s: str) -> str:
    """Strip every pair of brackets that wraps the whole of ``s`` (``[[ [1, 2] ]]`` -> ``1, 2``),
    in one pass: peeling one layer at a time with :func:`_wrapped` was quadratic, and one pasted
    answer of nested brackets froze the exam for seconds."""
    match = [-1] * len(s)  # index of the closing bracket of each opening one
    stack: list[int] = []
    for i, ch in enumerate(s):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack:
            j = stack.pop()
            if _CLOSE.index(ch) == _OPEN.index(s[j]):
                match[j] = i
    lo, hi = 0, len(s) - 1
    while True:
        while lo <= hi and s[lo].isspace():
            lo += 1
        while hi >= lo and s[hi].isspace():
            hi -= 1
        if lo < hi and match[lo] == hi:
            lo, hi = lo + 1, hi - 1
        else:
            return s[lo:hi + 1]


def _wrapped(s: str) -> bool:
    """True when the first bracket closes at the very end: ``[1, 2]`` yes, ``(1)+(2)`` no."""
    if len(s) < 2 or s[0] not in _OPEN or s[-1] != _CLOSE[_OPEN.index(s[0])]:
        return False
    depth = 0
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i == len(s) - 1
    return False


def _check_brackets(raw: str, s: str) -> None:
    depth = 0
    for ch in s:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise AnswerFormatError(f"'{_q(raw)}' has unbalanced brackets.", f"'{_q(raw)}' 的括号不配对。")


def _split_top(s: str, seps: str) -> list[str]:
    """Split at separators that are not inside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif depth == 0 and ch in seps:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return parts


def _split_items(s: str) -> list[str]:
    """The entries of one row: comma/semicolon separated if there is one, else by spaces."""
    parts = _split_top(s, ",;")
    if len(parts) > 1:
        items = [p.strip() for p in parts]
        if items[-1] == "":  # a trailing comma is harmless
            items.pop()
        return items
    return [p for p in _split_top(s, " \t\n\r") if p != ""]


def _vector_items(raw: str, s: str, percent: float = 0.01) -> list[float]:
    s = _unwrap_all(s)
    items = _split_items(s)
    if not items or items == [""]:
        raise AnswerFormatError(f"'{_q(raw)}' contains no numbers.", f"'{_q(raw)}' 里没有数。")
    values = []
    for item in items:
        if item == "":
            raise AnswerFormatError(f"'{_q(raw)}' has an empty entry between separators.",
                                    f"'{_q(raw)}' 的分隔符之间缺少数。")
        if any(ch in item for ch in "[]") or (_wrapped(item) and "," in item):
            raise AnswerFormatError(f"'{_q(raw)}' is nested: give a flat list of numbers.",
                                    f"'{_q(raw)}' 有嵌套括号：请填写一列数。")
        try:
            values.append(parse_number(item, percent=percent))
        except AnswerFormatError as exc:
            if item.strip() == raw.strip():
                raise
            raise AnswerFormatError(f"In '{_q(raw)}', {exc.message[0].lower()}{exc.message[1:]}",
                                    f"'{_q(raw)}' 中：{exc.message_zh}") from None
    return values


@_reads_or_says_why(("a list of numbers", "一组数"))
def parse_vector(text: str, *, percent: float = 0.01) -> list[float]:
    """Read a vector: ``[1, 2, 3]``, ``(1,2,3)``, ``1, 2, 3`` or ``1 2 3``.

    >>> parse_vector("（1，-2，3/4）")
    [1.0, -2.0, 0.75]
    """
    raw, s = _typed(text, MAX_ANSWER_CHARS, ("an answer", "不像是答案"))
    _check_brackets(raw, s)
    return _vector_items(raw, s, percent)


_SIZE = re.compile(
    r"^\s*(\d+)\s*(?:(?:x|X|by)\s*(\d+)\s*(?::|=)?|\*\s*(\d+)\s*(?::|=|\n|$))\s*")


def _side(digits: str) -> int:
    """A matrix side as typed; thousands of digits are not a size (and int() would refuse them)."""
    return int(digits) if len(digits) <= 6 else MAX_MATRIX_SIDE + 1


@_reads_or_says_why(("a matrix", "矩阵"))
def parse_matrix(text: str, *, percent: float = 0.01) -> list[list[float]]:
    """Read a matrix: ``2x3: 1 2 3; 4 5 6``, ``[[1,2,3],[4,5,6]]``, or rows on separate lines.

    The size, when given, must agree with the rows written; a consistent matrix of another size
    than expected is returned as it is (a wrong answer, not a malformed one).

    >>> parse_matrix("2×2：1 2；3 4")
    [[1.0, 2.0], [3.0, 4.0]]
    """
    raw, s = _typed(text, MAX_ANSWER_CHARS, ("an answer", "不像是答案"))
    size = None
    m = _SIZE.match(s)
    if m:
        size = (_side(m.group(1)), _side(m.group(2) or m.group(3)))
        s = s[m.end():].strip()
        if not (1 <= size[0] <= MAX_MATRIX_SIDE and 1 <= size[1] <= MAX_MATRIX_SIDE):
            shown = _q(raw[:m.end()].strip().rstrip(":="), 24)
            raise AnswerFormatError(
                f"The size {shown} is not a usable matrix size (each side 1 to {MAX_MATRIX_SIDE}).",
                f"尺寸 {shown} 不是可用的矩阵尺寸（每边 1 到 {MAX_MATRIX_SIDE}）。")
        if not s:
            raise AnswerFormatError(f"'{_q(raw)}' gives a size but no numbers.",
                                    f"'{_q(raw)}' 只给了尺寸，没有数。")
    _check_brackets(raw, s)
    rows = _rows(raw, s, percent)
    if size is not None:
        r, c = size
        if len(rows) == 1 and r > 1:  # "2x3: 1 2 3 4 5 6": read row by row
            flat = rows[0]
            if len(flat) != r * c:
                raise AnswerFormatError(
                    f"the size says {r}x{c} = {r * c} numbers but {len(flat)} were given.".capitalize(),
                    f"尺寸 {r}x{c} 需要 {r * c} 个数，但填了 {len(flat)} 个。")
            return [flat[i * c:(i + 1) * c] for i in range(r)]
        if len(rows) != r:
            raise AnswerFormatError(
                f"The size says {r} row{'s' if r != 1 else ''} but {len(rows)} "
                f"{'were' if len(rows) != 1 else 'was'} given.",
                f"尺寸写的是 {r} 行，但填了 {len(rows)} 行。")
        for i, row in enumerate(rows, 1):
            if len(row) != c:
                raise AnswerFormatError(
                    f"Row {i} has {len(row)} number{'s' if len(row) != 1 else ''} but the size says {c}.",
                    f"第 {i} 行有 {len(row)} 个数，但尺寸写的是 {c} 列。")
        return rows
    for i, row in enumerate(rows[1:], 2):
        if len(row) != len(rows[0]):
            raise AnswerFormatError(
                f"Row {i} has {len(row)} number{'s' if len(row) != 1 else ''} but row 1 has "
                f"{len(rows[0])}.",
                f"第 {i} 行有 {len(row)} 个数，但第 1 行有 {len(rows[0])} 个。")
    return rows


def _rows(raw: str, s: str, percent: float) -> list[list[float]]:
    if _wrapped(s) and s[0] == "[" and s[1:-1].strip()[:1] in ("[", "("):
        s = s[1:-1].strip()  # [[1,2],[3,4]] -> [1,2],[3,4]
    elif _wrapped(s) and s[0] == "[" and ";" in s:
        s = s[1:-1].strip()  # [1 2; 3 4]
    if s.startswith(("[", "(")) and _wrapped(_split_top(s, ",; \t\n\r")[0].strip() or "x"):
        groups = [g.strip() for g in _split_top(s, ",;\n") if g.strip()]
        if len(groups) == 1:  # maybe separated by spaces only: [1,2] [3,4]
            groups = [g for g in _split_top(s, " \t\r") if g.strip()]
        if all(_wrapped(g) for g in groups):
            rows = [_vector_items(raw, g, percent) for g in groups]
            _limit(raw, rows)
            return rows
    lines = [ln.strip() for ln in _split_top(s, ";\n")]
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    for i, ln in enumerate(lines, 1):
        if ln == "":
            raise AnswerFormatError(f"Row {i} of '{_q(raw)}' is empty.", f"'{_q(raw)}' 的第 {i} 行是空的。")
    rows = [_vector_items(raw, ln, percent) for ln in lines]
    _limit(raw, rows)
    return rows


def _limit(raw: str, rows: list[list[float]]) -> None:
    if len(rows) > MAX_MATRIX_SIDE or any(len(r) > MAX_MATRIX_SIDE for r in rows):
        raise AnswerFormatError(f"'{raw[:20]}...' is larger than any matrix asked for.",
                                f"'{raw[:20]}...' 比题目可能要求的矩阵都大。")


def parse_answer(text: str, shape: str = "scalar", *, percent: float = 0.01):
    """Read an answer of the given shape (``scalar``, ``vector`` or ``matrix``)."""
    if shape == "scalar":
        return parse_number(text, percent=percent)
    if shape == "vector":
        return parse_vector(text, percent=percent)
    if shape == "matrix":
        return parse_matrix(text, percent=percent)
    raise ValueError(f"unknown answer shape {shape!r}")


def format_matrix_answer(rows, decimals: int | None = None) -> str:
    """A matrix in the form the parser reads, with its size: ``2x2: 1 2; 3 4``."""
    from solvers._base import fmt

    rows = [list(r) for r in rows]
    cols = len(rows[0]) if rows else 0
    return f"{len(rows)}x{cols}: " + "; ".join(" ".join(fmt(v, decimals) for v in r) for r in rows)
