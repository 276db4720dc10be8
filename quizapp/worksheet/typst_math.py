"""The engine's plain-text formulas (``floor((32 - 5 + 2*1)/1) + 1 = 30``) as Typst math.

Conservative: numbers, single letters, Greek names and the functions Typst math knows pass
through; ``a/b`` becomes a fraction, ``*`` a centred dot, ``w0`` and ``p_4`` subscripts; every
other word or symbol is quoted as upright text, so no input can reach Typst as code. Returns
``None`` when the formula cannot be converted safely (unbalanced brackets); the renderer then
prints it verbatim in a monospace font.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<dims>\d+(?:x\d+)+(?![A-Za-z0-9]))
  | (?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![A-Za-z_]))
  | (?P<ident>[A-Za-z][A-Za-z0-9_]*'*)
  | (?P<op>->|<-|<=|>=|[-+*/=(),\[\]|^<>!:])
  | (?P<other>.)
""", re.VERBOSE)

FUNCTIONS = {"floor", "ceil", "sqrt", "exp", "ln", "log", "max", "min", "sin", "cos", "tan", "tanh"}
GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "rho",
         "sigma", "tau", "phi", "omega", "pi"}
RENAMES = {"eps": "epsilon"}
_LETTER_DIGITS = re.compile(r"^([A-Za-z]|[a-z]+)(\d+)$")


def quote(text: str) -> str:
    """A Typst string literal (safe in markup after '#', and in math as upright text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _base(name: str) -> str:
    name = RENAMES.get(name, name)
    if len(name) == 1 or name in GREEK:
        return name
    m = _LETTER_DIGITS.match(name)
    if m and (len(m.group(1)) == 1 or m.group(1) in GREEK):
        return f"{m.group(1)}_{m.group(2)}"
    return quote(name)


def _ident(token: str, next_char: str) -> str:
    primes = len(token) - len(token.rstrip("'"))
    name = token.rstrip("'")
    if name in FUNCTIONS and next_char == "(":
        return name + "'" * primes
    if "_" in name:
        base, _, sub = name.partition("_")
        if sub == "hat" and base:
            out = f"hat({_base(base)})"
        elif base and sub and "_" not in sub:
            inner = sub if (len(sub) == 1 or sub.isdigit()) else quote(sub)
            out = f"{_base(base)}_({inner})"
        else:
            out = quote(name)
    else:
        out = _base(name)
    return out + "'" * primes


_PROSE = re.compile(r"[\u3000-\u9fff\uff00-\uffef#]")
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")


def _is_prose(text: str) -> bool:
    """Words in a formula ("no overlap with a kept box") read better as they were written."""
    if _PROSE.search(text):
        return True
    words = [w for w in _WORD.findall(text) if w not in FUNCTIONS and w not in GREEK
             and w not in RENAMES and not w.isupper()]
    return len(words) >= 2


_OPERAND_END = re.compile(r'[\w")\]\']$')


def _operand_before(out: list[str], op: str) -> bool:
    tokens = out if op == "^" else [t for t in out if t != " "]  # 'a / b' is a fraction too
    return bool(tokens) and tokens[-1] != " " and bool(_OPERAND_END.search(tokens[-1]))


def _operand_after(text: str, pos: int, op: str) -> bool:
    rest = text[pos:] if op == "^" else text[pos:].lstrip()  # 'a ^ b' is not a power
    return bool(rest) and (rest[0].isalnum() or rest[0] in "([")


def formula_to_math(text: str) -> str | None:
    """The body of a ``$...$`` Typst equation for ``text``, or None if it should stay verbatim."""
    if _is_prose(text):
        return None
    depth = {"(": 0, "[": 0}
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind, token = m.lastgroup, m.group()
        pos = m.end()
        if kind == "ws":
            out.append(" ")
        elif kind == "dims":
            out.append(" times ".join(token.split("x")))
        elif kind == "num":
            out.append(token if "e" not in token else quote(token))
        elif kind == "ident":
            out.append(_ident(token, text[pos:pos + 1]))
        elif kind == "op" and token in "^/" and not (
                _operand_before(out, token) and _operand_after(text, pos, token)):
            out.append(quote(token))  # a dangling '^' or '/' is a character, not an operator
        elif kind == "op":
            if token in "([":
                depth[token] += 1
            elif token in ")]":
                opener = "(" if token == ")" else "["
                depth[opener] -= 1
                if depth[opener] < 0:
                    return None
            out.append({"*": " dot ", ":": quote(":")}.get(token, token))
        else:
            out.append(quote(token))
        # Keep tokens apart so Typst never glues a quoted word to a following '(' or letter.
        if kind in ("ident", "num", "other") and pos < len(text) and text[pos] not in " ()[]^_',/":
            out.append(" ")
    if any(depth.values()):
        return None
    return "".join(out).strip()
