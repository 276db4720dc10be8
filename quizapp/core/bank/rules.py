"""Rules of a well-formed item that the schema alone cannot express.

Each check yields ``(location, message)`` pairs; the location is relative to the item (or the
blueprint) so the loader can turn it into ``file:line``. Messages are plain sentences for a
teacher editing YAML, not for a programmer.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from quizapp.core.bank.models import Blueprint, Chapter, MemorisePoint, Question

Problem = tuple[tuple, str]

BLANK = re.compile(r"_{2,}|（\s*）")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Which answer fields belong to which type; any other answer field on an item is a mistake.
ANSWER_FIELDS = ("choices", "answer", "blanks", "key_points", "calculation", "parts")
NEEDS = {
    "single_choice": "choices",
    "multiple_choice": "choices",
    "true_false": "answer",
    "fill_blank": "blanks",
    "short_answer": "key_points",
    "calculation": "calculation",
    "comprehensive": "parts",
}


def check_question(q: Question, chapters: list[Chapter], memorise: list[MemorisePoint] | None,
                   check_kinds: bool = True) -> Iterator[Problem]:
    """``memorise`` None: chapters.yaml could not be read, so references are not checked."""
    chapter_ids = {c.id for c in chapters}
    if chapters and q.chapter not in chapter_ids:
        yield ("chapter",), f"unknown chapter '{q.chapter}'" + _suggest(q.chapter, chapter_ids)
    known_points = {m.id for m in memorise or []}
    for i, m in enumerate(q.memorise if memorise is not None else []):
        if m not in known_points:
            yield ("memorise", i), f"unknown memorise point '{m}'" + _suggest(m, known_points)

    needed = NEEDS[q.type]
    if getattr(q, needed) is None:
        yield (), f"a {q.type.replace('_', '-')} item needs '{needed}'"
    for name in ANSWER_FIELDS:
        if name != needed and getattr(q, name) is not None:
            yield (name,), f"'{name}' does not belong on a {q.type.replace('_', '-')} item"

    if q.type != "calculation":
        if q.text is None:
            yield (), "missing 'text' (the question in Chinese and English)"
        if q.explanation is None and q.type != "comprehensive":
            yield (), "missing 'explanation' (say why the answer is right)"
    for name in ("text", "explanation"):
        value = getattr(q, name)
        if value is not None and not CJK.search(value.zh) and CJK.search(value.en) is None \
                and len(value.zh) > 20:
            yield (name, "zh"), "the Chinese text has no Chinese characters: missing translation?"

    if q.type in ("single_choice", "multiple_choice") and q.choices is not None:
        yield from _check_choices(q)
    if q.type == "fill_blank" and q.blanks is not None and q.text is not None:
        for lang in ("zh", "en"):
            n = len(BLANK.findall(getattr(q.text, lang)))
            if n != len(q.blanks):
                yield ("text", lang), (f"the {'Chinese' if lang == 'zh' else 'English'} text has "
                                       f"{n} blank(s) '____' but 'blanks' lists {len(q.blanks)}")
    if q.calculation is not None and check_kinds:
        yield from _check_calculation(q.calculation, ("calculation",))
    yield from _check_formulas(q.blanks, ("blanks",))
    if q.key_points is not None:
        yield from _check_key_points(q.key_points, ("key_points",), _stem(q.text))
    if q.parts is not None:
        if not q.parts:
            yield ("parts",), "a comprehensive item needs at least one part"
        for i, part in enumerate(q.parts):
            if part.calculation is not None and check_kinds:
                yield from _check_calculation(part.calculation, ("parts", i, "calculation"))
            yield from _check_formulas(part.blanks, ("parts", i, "blanks"))
            if part.key_points is not None:
                yield from _check_key_points(part.key_points, ("parts", i, "key_points"),
                                             _stem(q.text, part.text, part.label))
            if part.blanks is not None and part.text is not None:
                n = len(BLANK.findall(part.text.zh))
                if n != len(part.blanks):
                    yield ("parts", i, "text"), (f"the part's text has {n} blank(s) but 'blanks' "
                                                 f"lists {len(part.blanks)}")


def _check_formulas(blanks, loc: tuple) -> Iterator[Problem]:
    from quizapp.core.formula import FormulaError, parse_formula

    for i, blank in enumerate(blanks or []):
        if blank.formula is None:
            continue
        try:
            parse_formula(blank.formula, tuple(blank.symbols))
        except FormulaError as exc:
            yield loc + (i, "formula"), f"the formula cannot be read: {exc}"


def _stem(*texts) -> str:
    return "\n".join(t for b in texts if b is not None for t in (b.zh, b.en))


def _check_key_points(key_points, loc: tuple, stem: str) -> Iterator[Problem]:
    """Every phrasing reads; each key point has accepted phrasings in both languages; none of
    them is already said by the question (words of the stem never earn a point)."""
    from quizapp.core.phrasing import PhrasingError, compile_phrasing, find

    for k, kp in enumerate(key_points):
        for which in ("accept", "reject"):
            for lang in ("zh", "en"):
                for j, source in enumerate(getattr(getattr(kp, which), lang)):
                    where = loc + (k, which, lang, j)
                    try:
                        compile_phrasing(source)
                    except PhrasingError as exc:
                        yield where, f"the phrasing cannot be read: {exc}"
                        continue
                    if which == "accept" and stem:
                        m = find(source, stem)
                        if m is not None and not m.negated:
                            yield where, (f"the phrasing '{source[:60]}' is found in the question "
                                          f"itself (“{m.text[:40]}”), so it could never earn")
        for lang in ("zh", "en"):
            if not getattr(kp.accept, lang):
                yield loc + (k, "accept"), (f"the key point needs at least one accepted phrasing in "
                                            f"{'Chinese' if lang == 'zh' else 'English'} ('accept: "
                                            f"{{{lang}: [...]}}')")


def _check_choices(q: Question) -> Iterator[Problem]:
    assert q.choices is not None
    n_correct = sum(c.correct for c in q.choices)
    n = len(q.choices)
    if q.type == "single_choice":
        if not 3 <= n <= 6:
            yield ("choices",), f"a single-choice item needs 3 to 6 options, got {n}"
        if n_correct != 1:
            yield ("choices",), f"a single-choice item needs exactly one correct option, got {n_correct}"
    else:
        if not 3 <= n <= 8:
            yield ("choices",), f"a multiple-choice item needs 3 to 8 options, got {n}"
        if n_correct < 2:
            yield ("choices",), (f"a multiple-choice item needs at least two correct options, got "
                                 f"{n_correct} (use single_choice for one)")
    seen = Counter((c.zh.strip(), c.en.strip()) for c in q.choices)
    for i, c in enumerate(q.choices):
        if seen[(c.zh.strip(), c.en.strip())] > 1:
            yield ("choices", i), "this option appears twice"


def _check_calculation(calc, loc: tuple) -> Iterator[Problem]:
    from solvers import ParamError, UnknownKind, get_kind  # imported lazily: costs SymPy

    try:
        kind = get_kind(calc.kind)
    except UnknownKind as exc:
        yield loc + ("kind",), f"the engine has no calculation kind '{calc.kind}'" + (
            f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else
            " (run 'quizapp kinds' for the list)")
        return
    if calc.params is not None:
        yield from _check_fixed_params(kind, calc.params, loc)


def _check_fixed_params(kind, params, loc: tuple) -> Iterator[Problem]:
    """Fixed parameters are accepted only if the problem can really be built with them and its
    answers printed, exactly as practice and papers will (padding: 10**400 passed the kind's own
    check and crashed later). Any failure is the teacher's sentence, bounded in length."""
    from solvers import ParamError, solve_params

    from quizapp.core.grading import expected_text
    from quizapp.core.summary import clip, summarise

    try:
        kind.check_params(dict(params))
    except ParamError as exc:
        yield loc + ("params", exc.param), clip(str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - whatever the kind raises, the bank is at fault
        yield loc + ("params",), clip(f"the parameters cannot be used ({type(exc).__name__})")
        return
    try:
        problem = solve_params(kind.id, dict(params))
        for f in problem.fields:
            expected_text(f, problem.answer[f.name])
        problem.question.zh, problem.question.en  # noqa: B018 - the statement must exist
    except ParamError as exc:
        yield loc + ("params", exc.param), clip(str(exc))
    except Exception as exc:  # noqa: BLE001
        values = ", ".join(f"{k}={summarise(v, 20)}" for k, v in list(params.items())[:6])
        yield loc + ("params",), clip(f"the problem cannot be built from these parameters "
                                      f"({values}): {type(exc).__name__}; use smaller, finite "
                                      "numbers")


def check_chapters(chapters: list[Chapter]) -> Iterator[Problem]:
    """Weights are a share of the syllabus: some chapter must have a positive one."""
    if chapters and not any(c.weight > 0 for c in chapters):
        yield ("chapters",), ("every chapter has weight 0; give at least one chapter a positive "
                              "weight (its share of the syllabus)")


def check_blueprint(bp: Blueprint, questions: list[Question],
                    chapters: list[Chapter] | None) -> Iterator[Problem]:
    """``chapters`` None: chapters.yaml could not be read, so chapter names are not checked."""
    chapter_ids = {c.id for c in chapters or []}
    total = 0.0
    demand: Counter = Counter()
    for si, section in enumerate(bp.sections):
        for di, draw in enumerate(section.draws):
            total += draw.count * draw.points
            for ci, cid in enumerate(draw.chapters or []):
                if chapters is not None and cid not in chapter_ids:
                    yield (("sections", si, "draws", di, "chapters", ci),
                           f"unknown chapter '{cid}'" + _suggest(cid, chapter_ids))
            pool = [q for q in questions if matches(q, draw.type, draw.chapters, draw.difficulty)]
            key = (draw.type, tuple(draw.chapters or ()), draw.difficulty)
            demand[key] += draw.count
            if demand[key] > len(pool):
                yield (("sections", si, "draws", di, "count"),
                       f"asks for {demand[key]} {draw.type.replace('_', '-')} item(s)"
                       f"{' from ' + ', '.join(draw.chapters) if draw.chapters else ''}"
                       f"{' at ' + draw.difficulty if draw.difficulty else ''} but the bank holds "
                       f"{len(pool)}")
    if bp.total_points is not None and abs(total - bp.total_points) > 1e-9:
        yield ("total_points",), (f"the sections add up to {total:g} points, not the "
                                  f"{bp.total_points:g} stated")


def matches(q: Question, qtype: str, chapters: list[str] | None, difficulty: str | None) -> bool:
    return (q.type == qtype and (not chapters or q.chapter in chapters)
            and (difficulty is None or q.difficulty == difficulty))


def _suggest(word: str | None, options) -> str:
    import difflib

    close = difflib.get_close_matches(word or "", list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
