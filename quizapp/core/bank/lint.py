"""Item-writing flaws: cues a test-wise student can use without knowing the material.

`quizapp bank validate` says whether an item is well formed; `quizapp bank lint` says whether it
is well written. Each rule is a pure function of one item (and the glossary) yielding
``(location, sentence)`` pairs, the location relative to the item as in :mod:`rules`, so the
report reads ``question_bank/ch1_cnn.yaml:42 at Question(id='cnn-conv-007') -> choices: ...``.

Conventions the rules enforce (README, "Writing items"):

* a negative stem emphasises its negative word: in Chinese inside 【】 (下列说法【错误】的是),
  in English in capitals (Which is NOT ...);
* the correct option is not conspicuously the longest (see :func:`longest_is_a_cue`);
* no "all/none of the above"; no absolute word (always, 必须, ...) that only distractors use.

A key point earned by words of its own question is refused earlier, by `bank validate` (see
``rules._check_key_points``): a bank that does not validate is not linted.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterator

from quizapp.core.bank.glossary import Glossary, TermMatcher, load_glossary
from quizapp.core.bank.models import Bilingual, Question

Finding = tuple[tuple, str]
LANGS = ("zh", "en")
LANG_NAME = {"zh": "Chinese", "en": "English"}
CHOICE_TYPES = ("single_choice", "multiple_choice")

# The correct option is a cue when it is strictly the longest by this factor and margin. The
# margin keeps short options ("16" against "3", "7×7" against "27×27") from being flagged.
LONGEST_RATIO = 1.25
LONGEST_MARGIN = 6  # display columns (a Chinese character is two)


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.strip())


def longest_is_a_cue(key: str, others: list[str]) -> bool:
    """The key is strictly the longest, at least LONGEST_RATIO times and LONGEST_MARGIN columns
    longer than the next longest option."""
    if not others:
        return False
    k, nxt = display_width(key), max(display_width(o) for o in others)
    return k > nxt and k >= LONGEST_RATIO * nxt and k - nxt >= LONGEST_MARGIN


def _choices(q: Question, lang: str) -> list[tuple[int, str, bool]]:
    return [(i, getattr(c, lang), c.correct) for i, c in enumerate(q.choices or [])]


def correct_option_longest(q: Question, glossary: Glossary) -> Iterator[Finding]:
    if q.type not in CHOICE_TYPES or not q.choices:
        return
    for lang in LANGS:
        opts = _choices(q, lang)
        keys = [t for _, t, ok in opts if ok]
        wrong = [t for _, t, ok in opts if not ok]
        if q.type == "single_choice" and len(keys) == 1:
            if longest_is_a_cue(keys[0], wrong):
                i = next(i for i, _, ok in opts if ok)
                yield ("choices", i), (f"the correct option is conspicuously the longest in "
                                       f"{LANG_NAME[lang]} ({display_width(keys[0])} columns, the "
                                       f"next {max(map(display_width, wrong))}); make the "
                                       "distractors as specific, or tighten the key")
        elif q.type == "multiple_choice" and keys and wrong:
            # the cue here: every right option is longer than every wrong one
            if longest_is_a_cue(min(keys, key=display_width), wrong):
                yield ("choices",), (f"in {LANG_NAME[lang]} every correct option is much longer "
                                     "than every wrong one")


ALL_NONE = {
    "zh": re.compile(r"以上(都|全|均|皆)(对|正确|错|错误|不对|不正确|不是)|以上(说法|选项)(都|全|均)|以上皆(是|非)|以上(都|均)不"),
    "en": re.compile(r"\b(all|none|both|neither) of the (above|others|options)\b", re.I),
}


def all_or_none_of_the_above(q: Question, glossary: Glossary) -> Iterator[Finding]:
    if q.type not in CHOICE_TYPES:
        return
    for i, c in enumerate(q.choices or []):
        if ALL_NONE["zh"].search(c.zh) or ALL_NONE["en"].search(c.en):
            yield ("choices", i), ("'all/none of the above' (以上都对/以上都不是) tests elimination, "
                                   "not knowledge; write a real option")


ABSOLUTE = {
    "zh": re.compile(r"必须|一定|总是|所有|绝不|永远|从不|完全|只能|唯一|任何|全部|绝对|毫无|始终"),
    "en": re.compile(r"\b(always|never|all|only|must|every|none|completely|any|entirely|"
                     r"guaranteed?|necessarily|impossible|no longer)\b", re.I),
}


def absolute_words_only_in_distractors(q: Question, glossary: Glossary) -> Iterator[Finding]:
    """Distractors with 'always'/'never' and a key without: the test-wise student eliminates."""
    if q.type != "single_choice" or not q.choices:
        return
    for lang in LANGS:
        pattern = ABSOLUTE[lang]
        hits = [(i, pattern.search(t)) for i, t, ok in _choices(q, lang) if not ok]
        hits = [(i, m) for i, m in hits if m]
        key_absolute = any(pattern.search(t) for _, t, ok in _choices(q, lang) if ok)
        if len(hits) >= 2 and not key_absolute:
            words = ", ".join(sorted({m.group(0).lower() for _, m in hits}))
            yield ("choices", hits[0][0]), (
                f"{len(hits)} distractors use absolute words in {LANG_NAME[lang]} ({words}) and "
                "the correct option none: soften them or give the key one too")


NEGATIVE = {
    # '而不是' compares (A rather than B); it does not ask for the wrong option
    "zh": re.compile(r"不正确|不恰当|不合理|不成立|不属于|不包括|(?<!而)不是|不能|不会|不需要|不可能|"
                     r"不适合|错误|有误|不对"),
    # the negative word of the question itself: after 'which'/'what' in the same sentence
    "en": re.compile(r"\b(?:which|what)\b[^?.]*?\b(not|incorrect|false|except|untrue|"
                     r"(?<=is )wrong|(?<=are )wrong)\b", re.I),
}
EMPHASIS_ZH = re.compile(r"【[^】]*】")
ASIDE = re.compile(r"（[^）]*）|\([^)]*\)")  # a parenthesised aside is not the question


def negative_stem_not_emphasised(q: Question, glossary: Glossary) -> Iterator[Finding]:
    """'Which is NOT ...' is misread without emphasis: 【不】 in Chinese, capitals in English."""
    if q.type not in CHOICE_TYPES or q.text is None:
        return
    zh = ASIDE.sub("", EMPHASIS_ZH.sub("", q.text.zh))
    m = NEGATIVE["zh"].search(zh)
    if m:
        yield ("text", "zh"), (f"the Chinese stem asks a negative question with '{m.group(0)}' "
                               f"unmarked; emphasise it as 【{m.group(0)}】")
    for m in NEGATIVE["en"].finditer(ASIDE.sub("", q.text.en)):
        word = m.group(1)
        if not word.isupper():
            yield ("text", "en"), (f"the English stem asks a negative question with '{word}' in "
                                   f"lower case; write it in capitals ({word.upper()})")
            break


def _normalise(text: str) -> str:
    """Case, spaces and punctuation ignored; signs and symbols kept ('−0.05' is not '0.05')."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if not ch.isspace() and
                   not (unicodedata.category(ch).startswith("P") and unicodedata.category(ch) != "Pd"))


def duplicate_options(q: Question, glossary: Glossary) -> Iterator[Finding]:
    if q.type not in CHOICE_TYPES:
        return
    for lang in LANGS:
        seen: dict[str, int] = {}
        for i, text, _ in _choices(q, lang):
            norm = _normalise(text)
            if norm in seen:
                yield ("choices", i), (f"in {LANG_NAME[lang]} this option says the same as option "
                                       f"{chr(65 + seen[norm])}")
            else:
                seen[norm] = i


NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    """The numbers a text states, leaving out 0 and 1 (often written as words: 'zero', '一个')."""
    return set(NUMBER.findall(unicodedata.normalize("NFKC", text))) - {"0", "1"}


def languages_disagree(q: Question, glossary: Glossary) -> Iterator[Finding]:
    """The Chinese and English versions must ask and answer the same thing. Choices share one
    'correct' flag, so what can differ is their content: the numbers each side states."""
    pairs: list[tuple[tuple, Bilingual]] = []
    if q.text is not None:
        pairs.append((("text",), q.text))
    for i, c in enumerate(q.choices or []):
        pairs.append((("choices", i), c))
    for loc, pair in pairs:
        zh, en = _numbers(pair.zh), _numbers(pair.en)
        if zh and en and zh != en:
            yield loc, (f"the Chinese and English state different numbers "
                        f"({', '.join(sorted(zh - en)) or '-'} only in Chinese, "
                        f"{', '.join(sorted(en - zh)) or '-'} only in English)")


def _bilingual_fields(q: Question) -> Iterator[tuple[tuple, str, str]]:
    """Every zh/en pair of text a student reads (not what students may type: blanks, phrasings)."""
    for name in ("text", "explanation"):
        b = getattr(q, name)
        if b is not None:
            yield (name,), b.zh, b.en
    for i, c in enumerate(q.choices or []):
        yield ("choices", i), c.zh, c.en
        if c.why is not None:
            yield ("choices", i, "why"), c.why.zh, c.why.en
    for k, kp in enumerate(q.key_points or []):
        yield ("key_points", k), kp.zh, kp.en
    for p, part in enumerate(q.parts or []):
        for name in ("text", "label"):
            b = getattr(part, name)
            if b is not None:
                yield ("parts", p, name), b.zh, b.en
        for k, kp in enumerate(part.key_points or []):
            yield ("parts", p, "key_points", k), kp.zh, kp.en


def terminology(q: Question, glossary: Glossary) -> Iterator[Finding]:
    matchers = [TermMatcher.of(t) for t in glossary.terms]
    for loc, zh, en in _bilingual_fields(q):
        for m in matchers:
            variant = m.misuse(zh, en)
            if variant:
                yield loc, (f"'{m.term.en}' is {m.term.zh} in the glossary, not {variant}")


Rule = Callable[[Question, Glossary], Iterator[Finding]]
RULES: tuple[Rule, ...] = (
    correct_option_longest, all_or_none_of_the_above, absolute_words_only_in_distractors,
    negative_stem_not_emphasised, duplicate_options,
    languages_disagree, terminology,
)


def lint_question(q: Question, glossary: Glossary) -> Iterator[Finding]:
    for rule in RULES:
        yield from rule(q, glossary)


def lint_bank(directory: str | Path | None = None) -> tuple[list[str], list[str]]:
    """``(problems, findings)``: a bank that does not validate is not linted (problems say why);
    otherwise every finding of every item, as ``file:line at Question(id=...) -> sentence``."""
    from quizapp.core.bank.loader import check_bank, item_locator

    bank, problems = check_bank(directory)
    if bank is None or problems:
        return problems, []
    glossary = load_glossary(bank.directory, problems)
    if problems:
        return problems, []
    findings: list[str] = []
    locate = item_locator(bank)
    for q in bank.questions:
        for loc, message in lint_question(q, glossary):
            names = [str(p) for p in loc if not isinstance(p, int)]
            findings.append(f"{locate(q.id, loc)} -> {' -> '.join(names) + ': ' if names else ''}"
                            f"{message}")
    findings += unnamed_topics(bank, locate)
    return [], findings


def unnamed_topics(bank: Any, locate: Any) -> list[str]:
    """A topic tag chapters.yaml's `topics:` does not name shows on screens as its bare words
    (the topic picker, progress, the study plan's reasons): one finding per tag, at its first use."""
    seen: set[str] = set()
    findings = []
    for q in bank.questions:
        for i, t in enumerate(q.topics):
            if t not in bank.topic_names and t not in seen:
                seen.add(t)
                findings.append(f"{locate(q.id, ('topics', i))} -> topics: '{t}' has no name in "
                                f"chapters.yaml (add it under topics:, in Chinese and English)")
    return findings
