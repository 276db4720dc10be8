"""The engine's plain-text formulas as light HTML: ``x_t`` and ``h_(t-1)`` as subscripts,
``g^2`` and ``(1/4)^T`` as superscripts, nested lists of numbers as bracketed matrices.

Everything else is HTML-escaped as written, so a formula that is not understood still reads
exactly as the engine wrote it. The same formulas in prose are found by
:func:`typst_math.split_inline`, shared with the PDF.
"""

from __future__ import annotations

import re
from html import escape

from quizapp.worksheet.typst_math import _NESTED, nested_matrix, split_inline

_SCRIPT = re.compile(r"""
    (?P<base>[A-Za-z][A-Za-z0-9]*)_\((?P<group>[^()]*)\)      # h_(t-1)
  | (?P<base2>[A-Za-z][A-Za-z0-9]*)_(?P<sub>[A-Za-z0-9]+)      # x_t, W_xh
  | \^\((?P<supgroup>[^()]*)\)                                 # ^(t-1)
  | \^(?P<sup>-?[A-Za-z0-9.]+)                                 # ^2, ^T
""", re.VERBOSE)


def matrix_html(rows) -> str:
    """A matrix as a small table whose outer cells draw square brackets: the brackets stretch
    over the rows in any browser and in print, without needing a math font (MathML's do not)."""
    n = len(rows)
    out = []
    for i, r in enumerate(rows):
        lb = f'<td class="lb" rowspan="{n}"></td>' if i == 0 else ""
        rb = f'<td class="rb" rowspan="{n}"></td>' if i == 0 else ""
        out.append(f"<tr>{lb}" + "".join(f"<td>{escape(str(c).strip())}</td>" for c in r) + f"{rb}</tr>")
    return f'<table class="mat">{"".join(out)}</table>'


def _matrix_inline(text: str) -> str | None:
    if nested_matrix(text) is None:
        return None
    return matrix_html([r.split(",") for r in re.findall(r"\[([^\[\]]*)\]", text)])


def _scripts(text: str) -> str:
    out, pos = [], 0
    for m in _SCRIPT.finditer(text):
        out.append(escape(text[pos:m.start()]))
        if m.group("base") is not None:
            out.append(f"{escape(m.group('base'))}<sub>{escape(m.group('group'))}</sub>")
        elif m.group("base2") is not None:
            out.append(f"{escape(m.group('base2'))}<sub>{escape(m.group('sub'))}</sub>")
        else:
            out.append(f"<sup>{escape(m.group('supgroup') or m.group('sup'))}</sup>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def formula_html(text: str) -> str:
    """One formula as HTML (escaped; sub/superscripts and matrices marked up)."""
    out, pos = [], 0
    for m in _NESTED.finditer(text):
        mathml = _matrix_inline(m.group())
        if mathml is None:
            continue
        out.append(_scripts(text[pos:m.start()]))
        out.append(mathml)
        pos = m.end()
    out.append(_scripts(text[pos:]))
    return "".join(out)


def prose_html(text: str) -> str:
    """Prose with the formulas in it marked up (see :func:`formula_html`), the rest escaped."""
    return "".join(escape(t) if m is None else f'<span class="math">{formula_html(t)}</span>'
                   for t, m in split_inline(text))
