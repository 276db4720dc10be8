r"""Phrase patterns for key points: how an accepted (or contradicting) phrasing is written and
found in an answer. Pure Python, deterministic, explainable: every decision names the words of the
answer that made it.

A phrasing is one or more *segments*::

    "跳跃连接 .. 编码器 .. 解码器"        segments in this order, within one clause
    "skip connection* & encoder"         segments in any order, within one clause

* ``..`` joins segments that must appear in this order; ``&`` joins segments that may appear in
  any order. Between two segments at most :data:`MAX_GAP` units (an English word is one, a
  Chinese character half; :data:`REJECT_GAP` for a contradicting phrasing) may stand, and never a clause boundary (``。；，,;.!?``, or a contrast word:
  而 / 但 / 然而 / while / whereas / but / however), so "SPP uses dilated convolution, ASPP uses
  max pooling" does not give "SPP .. max pool".
* Inside a segment ``(a|b|c)`` lists alternatives, ``?`` makes the atom before it optional,
  ``\`` takes the next character literally (``f\(x\) \+ x``), ``{name}`` stands for a shared word group of
  :mod:`quizapp.core.vocabulary` (``{increase}`` = 增大 | 扩大 | increase | enlarge | ...), ``*``
  after a letter lets an English word go on (``downsampl*``) and a space may or may not be typed.
  English words match whole words; common endings (``-s``, ``-ed``, ``-ing``, ``-ion`` ...) are
  allowed without a ``*``. Case, full/half width and hyphens ("fine-tuning" = "fine tuning") are
  folded.
* **Negation.** A match is *negated* when a negation word (不 / 没有 / 无 / 未 / 并非 / not / no /
  never / without / rather than ...) stands between its segments, or just before its first
  segment (in Chinese up to 5 characters before it, with no 就 / 才 / 则 between; in English with only auxiliaries between:
  "does not enlarge", "is not able to use"). A negation word that is part of a segment is the
  phrasing's own ("不增加参数", "no extra parameters") and does not count. Compounds that are not
  negations (不同, 不断, 非线性, 非极大值, 无论, not only ...) are ignored. A predicate denied
  right after the match also negates it ("ReLU does not help", "残差连接并不能…", "…无关").

:func:`find` returns the first un-negated :class:`Match` of a phrasing in a text (or, failing
that, a negated one, so the reason can be shown).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from quizapp.core.vocabulary import GROUPS

MAX_GAP = 6.0  # units allowed between two segments of an accepted phrasing (6 words, 12 汉字)
REJECT_GAP = 4.0  # ... of a contradicting one: a contradiction must be said tightly
MAX_ANSWER_CHARS = 20_000  # an answer longer than this is read up to here

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\uff0d": "-", "\u2014": "-",
                         "_": " ", "\u00b7": " ", "\u2019": "'", "\u00d7": "x"})
_ALNUM = "a-z0-9"
# Endings an English word may have without a '*' in the pattern.
_SUFFIX = r"(?:(?<=[a-z])(?:s|es|e|ed|d|ing|ings|ly|er|ers|ion|ions|al|ally|ity|ities|ive|ment|ments|ness))?"
_START = rf"(?:(?<![{_ALNUM}])|(?![{_ALNUM}]))"  # no English word is cut at the left
_END = rf"(?:(?![{_ALNUM}])|(?<![{_ALNUM}]))"  # ... nor at the right

_CLAUSE = re.compile(
    r"[。；;！？!?\n，,]|(?<!\d)\.(?!\d)|(?<![从因进然反继])而(?![且言已])|(?<!不)但是?|然而"
    r"|(?<![a-z])(?:while|whereas|but|however)(?![a-z])")

# Negation words. Compounds that merely contain 不/无/非/no are removed before looking for them.
_NOT_NEGATION = re.compile(
    r"不同|不断|不仅|不但|不管|不少|不止|不变|不平衡|不规则|无论|无监督|非常|非线性|非极大值|非局部|非负|非零"
    r"|not only|no matter|no longer than|nothing but")
_NEG_ZH = re.compile(r"并非|而非|不是|没有|没|无法|无需|不|无|非|未")
_NEG_EN = re.compile(r"(?<![a-z])(?:not|no|never|without|cannot|neither|nor|none|instead of|"
                     r"rather than|unable|fails? to|lacks?)(?![a-z])|n't(?![a-z])")
# Words that may stand between an English negation and what it negates ("does not really use").
_AUX = {"be", "is", "are", "was", "were", "been", "do", "does", "did", "can", "could", "will",
        "would", "should", "may", "might", "must", "able", "to", "have", "has", "had", "really",
        "necessarily", "always", "actually", "any", "the", "a", "an", "it", "they", "need", "needs",
        "much", "more", "longer", "help", "helps", "directly", "also", "even", "get", "gets",
        "used", "applied", "in", "on", "for", "with", "being",
        # a negated verb negates its object: "do not use local features", "does not add any"
        "use", "uses", "need", "have", "has", "learn", "learns", "make", "makes", "give", "gives",
        "add", "adds", "produce", "produces", "require", "requires", "change", "changes",
        "cause", "causes", "affect", "affects", "reduce", "reduces", "increase", "increases"}
# Words just after a match that deny it ("与集成无关", "... has nothing to do with it").
_DENIED_AFTER = re.compile(r"^\s*(?:无关|没有关系|没关系|不相关|是错的|是错误的|不成立|并不成立)")
# A predicate denied right after what the phrase names: "ReLU does not help", "残差连接并不能".
_PREDICATE_NOT = re.compile(
    r"^\s*(?:(?:really|actually|also|still|even)\s+)?(?:does not|do not|did not|doesn't|don't|didn't|"
    r"is not|isn't|are not|aren't|cannot|can't|can not|will not|won't|has no|have no|never|"
    r"has nothing|have nothing)(?![a-z])"
    r"|^\s*(?:也|都|并|却|就)?(?:并不|不能|不会|没有|没|无法|并没有|不是|并非|不可以|不再)")
_ZH_NEG_REACH = 5  # characters between a Chinese negation and the segment it negates
_UNIT = re.compile(rf"[\u3400-\u9fff]|[{_ALNUM}]+")


class PhrasingError(ValueError):
    """A phrasing that cannot be read (unbalanced brackets, unknown word group, empty segment)."""


def fold(text: str) -> str:
    """The compare-form of answer text and patterns: width and case folded, dashes unified,
    hyphens between words read as spaces, runs of spaces made one."""
    s = unicodedata.normalize("NFKC", str(text)).casefold().translate(_DASHES)
    s = re.sub(r"(?<=[^\W\d])-(?=\w)|(?<=\w)-(?=[^\W\d])", " ", s)
    s = re.sub(r"[ \t\r\f\v]+", " ", s)
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", s)  # "梯度 消失" = "梯度消失"


def units(text: str) -> float:
    """How long a stretch of text is: an English word counts 1, a Chinese character 1/2 (two
    characters say about as much as a word)."""
    return sum(0.5 if len(u) == 1 and u >= "\u3400" else 1.0 for u in _UNIT.findall(text))


# -- compiling a pattern -------------------------------------------------------------------------


def _alternatives(body: str) -> list[str]:
    """Split on '|' at bracket depth 0."""
    out, depth, cur = [], 0, []
    escaped = False
    for ch in body:
        if escaped or ch == "\\":
            escaped = not escaped
            cur.append(ch)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _regex(src: str) -> str:
    """The regex body of one segment (or one alternative inside it)."""
    out: list[str] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "{":
            end = src.find("}", i)
            if end < 0:
                raise PhrasingError(f"'{{' without '}}' in '{src}'")
            name = src[i + 1:end].strip()
            if name not in GROUPS:
                raise PhrasingError(f"unknown word group '{{{name}}}'")
            out.append(_regex(f"({GROUPS[name]})"))
            i = end + 1
        elif ch == "(":
            depth, j = 0, i
            while j < len(src):
                if src[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(src[j], 0)
                if depth == 0:
                    break
                j += 1
            if depth:
                raise PhrasingError(f"'(' without ')' in '{src}'")
            alts = _alternatives(src[i + 1:j])
            if any(not a.strip() for a in alts):
                raise PhrasingError(f"an empty alternative in '{src}'")
            # (?:(?:a|b)S) matches exactly as (?:aS|bS) (a backtracking engine tries the same
            # paths in the same order) with one copy of the suffix list instead of one per
            # alternative: compiling the bank's phrasings took most of `bank validate`'s time.
            out.append("(?:(?:" + "|".join(_regex(a.strip()) for a in alts) + ")" + _SUFFIX + ")")
            i = j + 1
        elif ch == ")":
            raise PhrasingError(f"')' without '(' in '{src}'")
        elif ch == "*":
            out.append(f"[{_ALNUM}]*")
            i += 1
        elif ch == "?":  # the atom before may be left out
            out.append("?")
            i += 1
        elif ch == "\\" and i + 1 < len(src):  # a literal bracket, bar, star, ...
            out.append(re.escape(src[i + 1]))
            i += 2
        elif src.startswith(" .. ", i):  # a short gap inside brackets: '(a .. b|c)'
            out.append(r".{0,16}?")
            i += 4
        elif ch == " ":
            out.append(r"\s*")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def _top_level_split(text: str) -> tuple[list[str], list[str]]:
    """Cut a phrasing at ' .. ' and ' & ' outside brackets (inside them they are a segment's
    own: '(a .. b|c)' is one segment)."""
    parts, seps, depth, start, i = [], [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        for sep in (" .. ", " & "):
            if depth == 0 and text.startswith(sep, i):
                parts.append(text[start:i].strip())
                seps.append(sep.strip())
                start = i + len(sep)
                i = start - 1
                break
        i += 1
    parts.append(text[start:].strip())
    return parts, seps


@dataclass(frozen=True)
class Pattern:
    source: str
    segments: tuple[re.Pattern[str], ...]
    ordered: bool


@lru_cache(maxsize=8192)
def compile_phrasing(source: str) -> Pattern:
    """Read a phrasing (see the module docstring); raise :class:`PhrasingError` if it is bad."""
    text = fold(source).strip()
    parts, seps = _top_level_split(text)
    if len(set(seps)) > 1:
        raise PhrasingError(f"'{source}' mixes '..' and '&': use one of them")
    ordered = "&" not in seps
    if not parts or any(not p or p in ("..", "&", ".", "|") for p in parts):
        raise PhrasingError(f"'{source}' has an empty segment")
    segs = []
    for p in parts:
        body = _regex(f"({p})")  # a segment may list alternatives at its top level too
        segs.append(re.compile(_START + "(?:" + body + ")" + _SUFFIX + _END))
    return Pattern(source, tuple(segs), ordered)


# -- finding it ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    phrasing: str
    text: str  # the words of the answer that matched, from the first segment to the last
    pieces: tuple[str, ...]  # what each segment matched
    negated: bool
    negation: str = ""  # the negation word, when negated
    clause: int = 0  # which clause of the answer (see :func:`clauses`)
    span: tuple[int, int] = (0, 0)  # where in that clause


def clauses(text: str) -> list[str]:
    """The answer cut at clause boundaries (see the module docstring)."""
    return [c for c in _CLAUSE.split(fold(text[:MAX_ANSWER_CHARS])) if c.strip()]


def _negation_in(gap: str) -> str:
    gap = _NOT_NEGATION.sub(" ", gap)
    m = _NEG_ZH.search(gap) or _NEG_EN.search(gap)
    return m.group(0) if m else ""


def _negation_before(clause: str, start: int) -> str:
    """A negation word just before position ``start`` that reaches the word there."""
    before = _NOT_NEGATION.sub(lambda m: " " * len(m.group(0)), clause[:start])
    for m in reversed(list(_NEG_ZH.finditer(before))):
        between = before[m.end():]
        if len(re.sub(r"\s", "", between)) <= _ZH_NEG_REACH and not re.search(f"[{_ALNUM}就才则而]", between):
            return m.group(0)
        break
    for m in reversed(list(_NEG_EN.finditer(before))):
        words = re.findall(rf"[\u3400-\u9fff]|[{_ALNUM}']+", before[m.end():])
        if all(w in _AUX for w in words):
            return m.group(0).strip()
        break
    return ""


def _spans(pattern: Pattern, clause: str, max_gap: float) -> list[list[tuple[int, int]]]:
    """Every way of placing the segments in the clause (bounded gaps), as spans per segment."""
    hits = [[m.span() for m in seg.finditer(clause)] for seg in pattern.segments]
    if any(not h for h in hits):
        return []
    orders = [tuple(range(len(hits)))] if pattern.ordered else list(permutations(range(len(hits))))
    found: list[list[tuple[int, int]]] = []

    def extend(order: tuple[int, ...], k: int, chosen: list[tuple[int, int]]) -> None:
        if len(found) >= 16:
            return
        if k == len(order):
            found.append(list(chosen))
            return
        for span in hits[order[k]]:
            if chosen:
                prev = chosen[-1]
                if span[0] < prev[1] or units(clause[prev[1]:span[0]]) > max_gap:
                    continue
            chosen.append(span)
            extend(order, k + 1, chosen)
            chosen.pop()

    for order in orders:
        extend(order, 0, [])
    return found


def find_all(source: str, text: str, max_gap: float = MAX_GAP) -> list[Match]:
    """Every placement of a phrasing in ``text``, negated or not, clause by clause."""
    pattern = compile_phrasing(source)
    out: list[Match] = []
    for k, clause in enumerate(clauses(text)):
        for spans in _spans(pattern, clause, max_gap):
            start, end = spans[0][0], spans[-1][1]
            gaps = "".join(clause[a[1]:b[0]] for a, b in zip(spans, spans[1:]))
            denied = _DENIED_AFTER.match(clause[end:]) or _PREDICATE_NOT.match(clause[end:])
            word = _negation_in(gaps) or _negation_before(clause, start) or (
                denied.group(0).strip() if denied else "")
            out.append(Match(source, clause[start:end].strip(),
                             tuple(clause[a:b] for a, b in spans), bool(word), word, k, (start, end)))
    return out


def find(source: str, text: str, max_gap: float = MAX_GAP) -> Match | None:
    """The first un-negated match of a phrasing in ``text``; else a negated one; else None."""
    found = find_all(source, text, max_gap)
    return next((m for m in found if not m.negated), found[0] if found else None)
