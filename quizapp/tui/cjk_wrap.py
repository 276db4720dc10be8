"""Line breaks between Chinese characters, as Chinese text is set.

Textual wraps text at spaces only. Chinese has none between words, so a Chinese sentence with one
Latin term in it ("常把遗忘门偏置初始化为较大的正数（如 1）") broke at that term's space and left the
rest of the line empty, and a long Chinese run broke only where it overflowed. Here every Chinese
character is a place to break, except that closing punctuation (，。）…) stays with the character
before it and opening punctuation (（「…) with the one after it, the basic rule of Chinese line
breaking (kinsoku). Latin words still break only at spaces.

Textual has no hook for this; its wrappers split text into chunks with a module-level function,
which :func:`install` replaces (checked by tests/tui/test_cjk_wrap.py against the installed
Textual and Rich, through a real Static, so an upgrade that moves it fails a test instead of
silently wrapping badly).
"""

from __future__ import annotations

import re
from typing import Iterable

_CJK = ("\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3200-\u32ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\uff01-\uff60\u3000-\u303f")
_CLOSING = "、。，．：；？！）］｝」』】〉》〕’”…—％,.;:?!)\\]}%"
_OPENING = "（［｛「『【〈《〔‘“"

# A chunk: a run of non-space, non-CJK characters (a Latin word, a number) with the punctuation
# around it; or one CJK character with the punctuation that must not be parted from it; or
# spaces alone. Trailing spaces stay with their chunk, as Textual's own pattern keeps them.
_CHUNK = re.compile(
    rf"[{_OPENING}]*[^\s{_CJK}{_OPENING}]+[{_CLOSING}]*\s*"  # first: "（ReLU）" is one chunk
    rf"|[{_OPENING}]*[{_CJK}][{_CLOSING}]*\s*"
    rf"|\s+"
    rf"|\S\s*"  # anything else (a lone opening quote at the end): never stop early
)


def chunks(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, chunk) for each place a line may end after, as ``textual._wrap.chunks``."""
    end = 0
    while (m := _CHUNK.match(text, end)) is not None and m.end() > end:
        start, end = m.span()
        yield start, end, m.group(0)


def install() -> bool:
    """Make the wrappers break between Chinese characters; False if one has moved.

    Textual's Content (every Static, Label, option) wraps with Rich's ``divide_line``, which splits
    with ``rich._wrap.words``; Textual's own ``_wrap.chunks`` serves its other wrapping. Both
    take the same (start, end, chunk) triples."""
    hooked = 0
    for module_name, attr in (("rich._wrap", "words"), ("textual._wrap", "chunks")):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError:  # pragma: no cover - a version without it: it wraps as it does
            continue
        if callable(getattr(module, attr, None)):
            setattr(module, attr, chunks)
            hooked += 1
    return hooked == 2
