"""Formula blanks: a typed formula is right when it equals the bank's formula as a function of the
declared symbols, however it is written (``σ(x)(1−σ(x))``, ``sigma(x) - sigma(x)^2``,
``e^{-x}/(1+e^{-x})^2`` are one answer).

Reading is bounded and safe: at most :data:`MAX_CHARS` characters, only the declared symbols and
known function names (anything else is refused before SymPy sees it), no huge powers; a refusal
is one sentence (:class:`FormulaError`) and never a hang. Equality is decided by evaluating both
sides at fixed sample points (deterministic; a formula that is equal as a function of the
symbols agrees at every point, and two different formulas of this course do not agree at five
generic points).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from tokenize import TokenError

MAX_CHARS = 200
MAX_POWER = 64  # the largest numeric exponent read
MAX_OPS = 120  # operations in one formula
SAMPLES = (-1.7, -0.45, 0.3, 0.9, 2.2)

FUNCTIONS = {"sigma", "sigmoid", "tanh", "exp", "log", "ln", "sqrt", "sin", "cos", "abs", "max",
             "min", "e"}
_REWRITE = [
    (re.compile(r"[σς]"), "sigma"), (re.compile(r"[−–—－]"), "-"), (re.compile(r"[×·∙⋅*]"), "*"),
    (re.compile(r"²"), "^2"), (re.compile(r"³"), "^3"), (re.compile(r"[{\[]"), "("),
    (re.compile(r"[}\]]"), ")"), (re.compile(r"÷"), "/"), (re.compile(r"\*\*"), "^"),
    (re.compile(r"√"), "sqrt"), (re.compile(r"μ"), "mu"), (re.compile(r"[θΘ]"), "theta"),
    (re.compile(r"（"), "("), (re.compile(r"）"), ")"),
]
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


class FormulaError(ValueError):
    """A formula that cannot (or will not) be read; the message is one sentence."""


def _clean(text: str) -> str:
    s = str(text).strip()
    for pattern, repl in _REWRITE:
        s = pattern.sub(repl, s)
    return s


def _split_name(name: str, allowed: set[str]) -> list[str] | None:
    """'xcostheta' as known names ['x', 'cos', 'theta'] (longest first), or None."""
    if name in allowed:
        return [name]
    for k in range(len(name) - 1, 0, -1):
        head = name[:k]
        if head in allowed:
            rest = _split_name(name[k:], allowed)
            if rest is not None:
                return [head, *rest]
    return None


def _check_names(s: str, symbols: tuple[str, ...]) -> str:
    """``s`` with run-together names spaced ('w0w1' -> 'w0 w1'); anything unknown is refused."""
    allowed = FUNCTIONS | set(symbols)

    def spaced(m: re.Match) -> str:
        parts = _split_name(m.group(0), allowed) if len(m.group(0)) <= 40 else None
        if parts is None:
            raise FormulaError(f"'{m.group(0)[:20]}' is not a symbol of this formula (it uses "
                               f"{', '.join(symbols) or 'no symbols'}).")
        return " ".join(parts)

    s = _NAME.sub(spaced, s)
    if not re.fullmatch(r"[A-Za-z_0-9\s+\-*/^().,]*", s):
        raise FormulaError("The formula has characters that are not part of a formula.")
    if re.search(r"\d{9,}", s):
        raise FormulaError("The formula has a number with more than 8 digits.")
    return s


def _check_size(expr) -> None:
    import sympy

    if sympy.count_ops(expr, visual=False) > MAX_OPS:
        raise FormulaError(f"The formula is too long (more than {MAX_OPS} operations).")
    # Inner powers first: an exponent is only evaluated once every power inside it is small.
    for p in sorted(expr.atoms(sympy.Pow), key=lambda p: sympy.count_ops(p, visual=False)):
        e = p.exp
        if e.free_symbols:
            continue
        try:
            small = abs(float(e)) <= MAX_POWER
        except (TypeError, ValueError, OverflowError):
            small = False
        if not small:
            raise FormulaError(f"The formula raises to a power larger than {MAX_POWER}.")


@lru_cache(maxsize=512)
def parse_formula(text: str, symbols: tuple[str, ...]):
    """A SymPy expression of ``text`` over ``symbols``; :class:`FormulaError` if it cannot be
    read safely."""
    import sympy
    from sympy.parsing.sympy_parser import (
        convert_xor, implicit_multiplication_application, parse_expr, standard_transformations,
    )

    if len(text) > MAX_CHARS:
        raise FormulaError(f"The formula is {len(text)} characters long; at most {MAX_CHARS} are read.")
    s = _clean(text)
    if not s:
        raise FormulaError("The formula is empty.")
    s = _check_names(s, symbols)
    if s.count("(") != s.count(")"):
        raise FormulaError("The formula's brackets do not pair up.")
    if s.count("(") > 30:
        raise FormulaError("The formula nests too many brackets.")
    t = sympy.Symbol("_t")
    sig = sympy.Lambda(t, 1 / (1 + sympy.exp(-t)))
    local = {name: sympy.Symbol(name) for name in symbols}
    local.update(sigma=sig, sigmoid=sig, tanh=sympy.tanh, exp=sympy.exp, log=sympy.log,
                 ln=sympy.log, sqrt=sympy.sqrt, sin=sympy.sin, cos=sympy.cos, abs=sympy.Abs,
                 max=sympy.Max, min=sympy.Min, e=sympy.E)
    try:
        expr = parse_expr(s, local_dict=local, global_dict={"__builtins__": {}, **_SAFE_GLOBALS()},
                          transformations=standard_transformations
                          + (implicit_multiplication_application, convert_xor), evaluate=False)
    except (SyntaxError, TypeError, ValueError, AttributeError, NameError, TokenError) as exc:
        raise FormulaError(f"The formula cannot be read ({type(exc).__name__}).") from None
    if not isinstance(expr, sympy.Expr):
        raise FormulaError("That is not a formula.")
    _check_size(expr)
    return expr


@lru_cache(maxsize=1)
def _SAFE_GLOBALS() -> dict:  # noqa: N802
    """What the SymPy parser's generated code may name: number and symbol constructors only."""
    import sympy

    names = ("Add", "Mul", "Pow", "Integer", "Float", "Rational", "Symbol", "Function", "Lambda",
             "Number", "UnevaluatedExpr")
    return {name: getattr(sympy, name) for name in names}


def _values(expr, symbols: tuple[str, ...]) -> list[float | None]:
    import sympy

    names = [sympy.Symbol(n) for n in symbols]
    try:  # sigma(x) is a Lambda applied unevaluated (the parser does not evaluate): apply it
        f = sympy.lambdify(names, expr.doit(), modules="math")
    except Exception:  # noqa: BLE001 - anything SymPy cannot turn into a function
        return [None] * len(SAMPLES)
    out: list[float | None] = []
    for k in range(len(SAMPLES)):
        point = [SAMPLES[(k + 2 * j) % len(SAMPLES)] for j in range(len(names))]
        try:
            v = complex(f(*point))
            out.append(v.real if abs(v.imag) < 1e-12 and math.isfinite(v.real) else None)
        except (ArithmeticError, ValueError, TypeError, NameError):
            out.append(None)
    return out


def same_formula(given: str, expected: str, symbols: list[str] | tuple[str, ...]) -> bool:
    """True when ``given`` equals ``expected`` as a function of ``symbols``. Raises
    :class:`FormulaError` when ``given`` cannot be read (the bank's formula always can)."""
    syms = tuple(symbols)
    a = _values(parse_formula(given, syms), syms)
    b = _values(parse_formula(expected, syms), syms)
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if len(pairs) < 3:
        return False
    return all(abs(x - y) <= 1e-9 * max(1.0, abs(y)) for x, y in pairs)
