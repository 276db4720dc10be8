"""The arithmetic a student may type as one number: a small recursive-descent reader.

``1/3``, ``33.3%``, ``√2``, ``sqrt(2)/2``, ``2√3``, ``pi/4``, ``2^10``, ``ln(2)``, ``1.5*2``:
evaluated with exact fractions where possible and floats otherwise, over a fixed grammar (see
:class:`_Parser`), never ``eval`` and no SymPy. The text must already be normalised
(:func:`quizapp.core.answers.normalise`); :mod:`quizapp.core.answers` turns an
:class:`ExpressionError` into the student-facing :class:`~quizapp.core.answers.AnswerFormatError`.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Union

Number = Union[Fraction, float]

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z]+)"
    r"|(?P<op>[-+*/^()%√]))"
)
_FUNCTIONS = {
    "sqrt": None, "exp": math.exp, "ln": math.log, "log": math.log, "sin": math.sin,
    "cos": math.cos, "tan": math.tan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}


class ExpressionError(Exception):
    """Why a number could not be read (becomes the end of an AnswerFormatError sentence)."""

    def __init__(self, en: str, zh: str):
        self.en, self.zh = en, zh
        super().__init__(en)


def _tokens(s: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    s = s.rstrip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            ch = s[pos:].lstrip()[:1]
            raise ExpressionError(f"unexpected '{ch}'", f"无法识别的字符 '{ch}'")
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "name":
            val = val.lower()
            if val not in _FUNCTIONS and val not in _CONSTANTS:
                raise ExpressionError(f"unknown word '{m.group(kind)}'", f"无法识别的词 '{m.group(kind)}'")
        out.append((kind, val))
        pos = m.end()
    return out


def _as_float(x: Number) -> float:
    try:
        return float(x)
    except OverflowError:
        raise ExpressionError("it is too large", "数值太大") from None


def _sqrt(x: Number) -> Number:
    if x < 0:
        raise ExpressionError("square root of a negative number", "负数不能开平方")
    if isinstance(x, Fraction):
        n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if n * n == x.numerator and d * d == x.denominator:
            return Fraction(n, d)
    return math.sqrt(_as_float(x))


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary | implicit)* ;
    unary := ('+'|'-') unary | power ; power := postfix ('^' unary)? ;
    postfix := atom '%'? ; atom := number | '(' expr ')' | func atom | '√' atom | 'pi'.
    Implicit multiplication only before '(' '√', a function or a constant: ``2√3``, ``3pi``."""

    def __init__(self, tokens: list[tuple[str, str]], percent: Fraction):
        self.t = tokens
        self.i = 0
        self.percent = percent

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("it ends too early", "输入不完整")
        self.i += 1
        return tok

    def parse(self) -> Number:
        if not self.t:
            raise ExpressionError("it is empty", "内容为空")
        value = self.expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected '{self.peek()[1]}'", f"多余的 '{self.peek()[1]}'")
        return value

    def expr(self) -> Number:
        value = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            rhs = self.term()
            value = value + rhs if tok[1] == "+" else value - rhs
        return value

    def term(self) -> Number:
        value = self.unary()
        while (tok := self.peek()) is not None:
            if tok[0] == "op" and tok[1] in "*/":
                self.take()
                rhs = self.unary()
                if tok[1] == "*":
                    value = value * rhs
                elif rhs == 0:
                    raise ExpressionError("division by zero", "除数为零")
                else:
                    value = value / rhs
            elif tok[0] == "name" or (tok[0] == "op" and tok[1] in "(√"):
                value = value * self.power()
            else:
                break
        return value

    def unary(self) -> Number:
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in "+-":
            self.take()
            value = self.unary()
            return -value if tok[1] == "-" else value
        return self.power()

    def power(self) -> Number:
        base = self.postfix()
        tok = self.peek()
        if tok is not None and tok == ("op", "^"):
            self.take()
            exponent = self.unary()
            return _power(base, exponent)
        return base

    def postfix(self) -> Number:
        value = self.atom()
        if self.peek() == ("op", "%"):
            self.take()
            value = value * self.percent
        return value

    def atom(self) -> Number:
        kind, val = self.take()
        if kind == "num":
            return number_literal(val)
        if kind == "name":
            if val in _CONSTANTS:
                return _CONSTANTS[val]
            arg = self.atom_after_function(val)
            if val == "sqrt":
                return _sqrt(arg)
            if val in ("ln", "log") and arg <= 0:
                raise ExpressionError("logarithm of a number that is not positive", "对数的真数必须为正")
            try:
                return _FUNCTIONS[val](_as_float(arg))
            except OverflowError:
                raise ExpressionError("it is too large", "数值太大") from None
        if val == "(":
            value = self.expr()
            if self.peek() != ("op", ")"):
                raise ExpressionError("a bracket is not closed", "括号没有闭合")
            self.take()
            return value
        if val == "√":
            return _sqrt(self.power_operand())
        raise ExpressionError(f"unexpected '{val}'", f"多余的 '{val}'")

    def power_operand(self) -> Number:
        # √2^2 reads as √(2^2) would surprise nobody less than (√2)^2; take the atom only.
        return self.atom()

    def atom_after_function(self, name: str) -> Number:
        if self.peek() is None:
            raise ExpressionError(f"'{name}' needs a value", f"'{name}' 后缺少数值")
        return self.atom()


def number_literal(text: str) -> Number:
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > 300:
        value = float(text)
        if not math.isfinite(value):
            raise ExpressionError("it is too large", "数值太大")
        return value
    return Fraction(text)


def _power(base: Number, exponent: Number) -> Number:
    if isinstance(exponent, Fraction) and exponent.denominator == 1 and isinstance(base, Fraction):
        bits = max(base.numerator.bit_length(), base.denominator.bit_length())
        if abs(exponent.numerator) > 64 or bits * abs(exponent.numerator) > 4096:
            return _float_power(base, exponent)  # keeps "((9^64)^64)^64" from eating memory
        if base == 0 and exponent < 0:
            raise ExpressionError("division by zero", "除数为零")
        return base ** exponent.numerator
    if isinstance(exponent, Fraction) and exponent == Fraction(1, 2):
        return _sqrt(base)
    return _float_power(base, exponent)


def _float_power(base: Number, exponent: Number) -> float:
    b, e = _as_float(base), _as_float(exponent)
    if b == 0 and e < 0:
        raise ExpressionError("division by zero", "除数为零")
    if b < 0 and not float(e).is_integer():
        raise ExpressionError("a negative number to a fractional power", "负数不能取分数次幂")
    try:
        value = b ** e
    except OverflowError:
        raise ExpressionError("it is too large", "数值太大") from None
    if isinstance(value, complex) or not math.isfinite(value):
        raise ExpressionError("it is too large", "数值太大")
    return value


def evaluate(text: str, percent: Fraction) -> Number:
    """The value of one normalised expression; a trailing ``%`` multiplies by ``percent``.

    Raises :class:`ExpressionError` (English and Chinese reasons) when it cannot be read.

    >>> evaluate("2√9 + 1/2", Fraction(1, 100))
    Fraction(13, 2)
    """
    return _Parser(_tokens(text), percent).parse()
