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
  | (?P<mat>\x00\d+\x00)
  | (?P<sub>[A-Za-z][A-Za-z0-9]*_\([^()]*\)'*)
  | (?P<dims>\d+(?:x\d+)+(?![A-Za-z0-9]))
  | (?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![A-Za-z_])|\d+(?=[A-Z]))
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


def _subscript(sub: str) -> str:
    """``t``, ``12``, ``xh`` (two letters read as italic letters, W_xh) or upright text (C_out)."""
    if len(sub) == 1 or sub.isdigit():
        return sub
    if sub.isalpha() and sub.islower() and len(sub) == 2 and sub not in ("in", "to", "of"):
        return " ".join(sub)
    return quote(sub)


def _group_subscript(token: str) -> str | None:
    """``h_(t-1)``: a base and a bracketed subscript, typeset as h with t-1 below."""
    primes = len(token) - len(token.rstrip("'"))
    base, _, rest = token.rstrip("'").partition("_(")
    inner = formula_to_math(rest[:-1], prose_check=False)
    if not inner or not rest[:-1].strip():
        return None
    return f"{_base(base)}_({inner})" + "'" * primes


_NESTED = re.compile(r"\[\s*\[[^\[\]]*\](?:\s*,\s*\[[^\[\]]*\])*\s*\]")
_CELL = re.compile(r"^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?$")


def nested_matrix(text: str) -> str | None:
    """``[[1, 2], [3, 4]]`` as ``mat(delim: "[", 1, 2; 3, 4)``; None unless every row holds
    the same number of plain numbers."""
    rows = [[c.strip() for c in r.split(",")] for r in re.findall(r"\[([^\[\]]*)\]", text)]
    if not rows or len({len(r) for r in rows}) != 1 or not all(_CELL.match(c) for r in rows for c in r):
        return None
    return 'mat(delim: "[", ' + "; ".join(", ".join(r) for r in rows) + ")"


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
            inner = _subscript(sub)
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
    words = [m.group() for m in _WORD.finditer(text)
             if m.group() not in FUNCTIONS and m.group() not in GREEK and m.group() not in RENAMES
             and not m.group().isupper() and not _is_math_word(m.group(), text[m.end():m.end() + 3])]
    return len(words) >= 2


_OPERAND_END = re.compile(r'[\w")\]\']$')


def _operand_before(out: list[str], op: str) -> bool:
    tokens = out if op == "^" else [t for t in out if t != " "]  # 'a / b' is a fraction too
    return bool(tokens) and tokens[-1] != " " and bool(_OPERAND_END.search(tokens[-1]))


def _operand_after(text: str, pos: int, op: str) -> bool:
    rest = text[pos:] if op == "^" else text[pos:].lstrip()  # 'a ^ b' is not a power
    return bool(rest) and (rest[0].isalnum() or rest[0] in "([∂√")


def formula_to_math(text: str, *, prose_check: bool = True) -> str | None:
    """The body of a ``$...$`` Typst equation for ``text``, or None if it should stay verbatim.

    Nested lists of numbers (``[[1, 2], [3, 4]]``) become matrices. ``prose_check`` False skips
    the test for words (the caller, :func:`split_inline`, has already cut the prose away)."""
    if "\x00" in text or (prose_check and _is_prose(text)):
        return None
    mats: list[str] = []

    def stash(m: re.Match) -> str:
        body = nested_matrix(m.group())
        if body is None:
            return m.group()
        mats.append(body)
        return f"\x00{len(mats) - 1}\x00"

    text = _NESTED.sub(stash, text)
    depth = {"(": 0, "[": 0}
    out: list[str] = []
    # Atoms written side by side (the "∂a_T" of ∂a_T/∂a_0) form one operand of a fraction, but
    # Typst's '/' takes only the nearest atom: bracket such a run (Typst hides the brackets).
    run: list[int] = []  # where in ``out`` each atom of the current side-by-side run begins
    denominator = False  # the current run follows a '/'

    def end_run() -> None:
        nonlocal denominator
        if denominator and len(run) > 1:
            out.insert(run[0], "(")
            out.append(")")
        denominator = False
        run.clear()

    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind, token = m.lastgroup, m.group()
        pos = m.end()
        if kind in ("mat", "sub", "dims", "num", "ident", "other"):
            run.append(len(out))
        elif not (kind == "op" and token == "^"):
            if kind == "op" and token == "/" and len(run) > 1 and _operand_after(text, pos, token):
                out.insert(run[0], "(")
                out.append(")")
                run.clear()
            end_run()
            denominator = kind == "op" and token == "/"
        if kind == "ws":
            out.append(" ")
        elif kind == "mat":
            out.append(mats[int(token.strip("\x00"))])
        elif kind == "sub":
            group = _group_subscript(token)
            if group is None:
                return None
            out.append(group)
        elif kind == "dims":
            out.append(" times ".join(token.split("x")))
        elif kind == "num":
            out.append(token if "e" not in token else quote(token))
        elif kind == "ident":
            # sqrt() with nothing inside is a Typst error (missing radicand): not a call then.
            empty_call = re.match(r"\(\s*\)", text[pos:]) is not None
            out.append(_ident(token, "" if empty_call else text[pos:pos + 1]))
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
        elif token == "'" and out and out[-1].endswith('"'):
            out.append("'")  # a prime on a quoted symbol: σ'
        else:
            out.append(quote(token))
        # Keep tokens apart so Typst never glues a quoted word to a following '(' or letter.
        if kind in ("ident", "num", "other", "sub", "mat") and pos < len(text) and text[pos] not in " ()[]^_',/":
            out.append(" ")
    end_run()
    if any(depth.values()):
        return None
    return "".join(out).strip()


# ----------------------------------------------------------------------------------------------
# Formulas inside prose
# ----------------------------------------------------------------------------------------------

_INLINE = re.compile(r"""
    (?P<ws>[ \t]+)
  | (?P<contraction>[A-Za-z]+'[A-Za-z]+)
  | (?P<sub>[A-Za-z][A-Za-z0-9]*_\([^()\n]*\)'*)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*'*)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<op>[-+*/=^<>|'·×∂∏∑√≤≥≈∞Α-Ωα-ω])
  | (?P<comma>,)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_SHORT_NAME_BEFORE = re.compile(r"\s*=|\^|_")


def _is_math_word(word: str, after: str) -> bool:
    """Whether one word of prose can sit in a formula (x, W_xh, x1, sqrt before '(', gx^2)."""
    name = word.rstrip("'")
    if "_" in name:
        return not name.endswith("_")
    if name in FUNCTIONS and after.startswith("("):
        return True
    if len(name) == 1 or name in GREEK or re.fullmatch(r"[A-Za-z]\d+", name):
        return True
    return len(name) <= 3 and bool(_SHORT_NAME_BEFORE.match(after))  # gx^2, gx = ..., IoU = ...


_STRONG = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9(]|\S\^\S|\[\s*\[|\b(?:" + "|".join(sorted(FUNCTIONS))
                     + r")\(|[\w)\]]\s*/\s*[\w(\[]")


def _formula_span(text: str, start: int, end: int) -> str | None:
    """The typeset body of ``text[start:end]`` if it is worth typesetting, else None."""
    span = text[start:end].strip()
    strong, has_eq = bool(_STRONG.search(span)), "=" in span
    if not span or not (strong or has_eq) or span[0] in "=+*/^,)" or span[-1] in "=+-*/^,(":
        return None
    if has_eq and not strong and not re.match(r"[A-Za-z]", span):
        return None  # '= 3' after a word of prose: the word is the left-hand side, keep it plain
    return formula_to_math(span, prose_check=False)


def split_inline(text: str) -> list[tuple[str, str | None]]:
    """Cut prose into ``(text, math)`` pieces: ``math`` is the Typst math body of a formula
    found in the prose (``h_t = tanh(W_xh x_t + b)``, ``[[1, 2], [3, 4]]``, ``sqrt(s)``) or
    None for plain text. Joining the ``text`` parts gives ``text`` back unchanged.

    A formula is a run of symbols, numbers, one-letter names and names with a subscript,
    balanced in its brackets, holding a subscript, a power, a known function's call, a nested
    list, or an equation with a name on the left. Anything else stays plain text."""
    pieces: list[tuple[str, str | None]] = []
    plain_from = 0
    run_start: int | None = None
    run_end = 0
    depth = 0
    outer_open = 0  # where the outermost still-open bracket of the run began

    def close_run(cut: int | None = None) -> None:
        nonlocal plain_from, run_start, depth
        if run_start is not None:
            end = cut if cut is not None else run_end
            body = _formula_span(text, run_start, end) if (depth == 0 or cut) else None
            if body is not None:
                lead = len(text[run_start:end]) - len(text[run_start:end].lstrip())
                s, e = run_start + lead, len(text[:end].rstrip())
                if s > plain_from:
                    pieces.append((text[plain_from:s], None))
                pieces.append((text[s:e], body))
                plain_from = e
        run_start, depth = None, 0

    pos = 0
    while pos < len(text):
        m = _INLINE.match(text, pos)
        assert m is not None
        kind, token, nxt = m.lastgroup, m.group(), m.end()
        after = text[nxt:nxt + 3]
        mathy = True
        if kind == "word":
            mathy = _is_math_word(token, after)
        elif kind == "open":
            if depth == 0:
                outer_open = pos
            depth += 1
        elif kind == "close":
            mathy = depth > 0
            depth -= mathy
        elif kind == "comma":
            mathy = depth > 0
        elif kind in ("other", "contraction"):  # it's, kernel's: English, not primes
            mathy = False
        if kind == "ws":
            pass
        elif mathy:
            if run_start is None:
                run_start = pos
            run_end = nxt
        else:
            # Prose inside an open bracket: the formula ends where that bracket opened.
            close_run(outer_open if depth > 0 and run_start is not None and outer_open >= run_start
                      else None)
        pos = nxt
    close_run(outer_open if depth > 0 and run_start is not None and outer_open >= run_start else None)
    if plain_from < len(text):
        pieces.append((text[plain_from:], None))
    return pieces
