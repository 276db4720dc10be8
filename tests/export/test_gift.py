"""GIFT read back with a third-party GIFT parser (pygiftparser), question by question."""

from __future__ import annotations

import re
from html import unescape

import pytest
from pygiftparser import parser as gift_parser

from quizapp.core.items import Item
from quizapp.export import export
from quizapp.export.common import item_name

from export_helpers import ALLOWED, cells, tolerance



def unescaped(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def visible(s: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", unescaped(s)))


@pytest.fixture(scope="module")
def exported(tmp_path_factory, items, bank):
    path = tmp_path_factory.mktemp("gift") / "bank.txt"
    done = export("gift", items, bank, path, "both")
    return path, done


@pytest.fixture(scope="module")
def parsed(exported):
    path, _ = exported
    with open(path, encoding="utf-8") as f:
        questions = gift_parser.parseFile(f)
    by_title: dict[str, object] = {}
    for q in questions:
        title = unescaped(q.title)
        assert title not in by_title, title
        by_title[title] = q
    return by_title


def _negative_numeric(q) -> bool:
    # pygiftparser's number pattern has no sign: a negative answer is the parser's limit, not ours
    answer = q.source[q.source.find("{#"):]
    return bool(re.search(r"[=%]-\d", answer))


def test_every_question_parses(parsed):
    invalid = [t for t, q in parsed.items() if not q.valid]
    assert all(_negative_numeric(parsed[t]) for t in invalid), invalid[:5]
    assert len(invalid) < len(parsed) / 5


def test_choices_true_false_and_categories(items: list[Item], parsed):
    n = 0
    for item in items:
        if item.type not in ("single_choice", "multiple_choice", "true_false"):
            continue
        q = parsed[item_name(item)]
        assert q.cat == f"$course$/quizapp/{item.chapter}/{item.type}"
        assert item.text.en in visible(q.text)
        if item.type == "true_false":
            assert type(q.answers).__name__ == "TrueFalseSet"
            assert q.answers.answer is bool(item.question.answer)
            continue
        answers = q.answers.answers
        assert len(answers) == len(item.question.choices)
        for a, c in zip(answers, item.question.choices):
            assert c.en in visible(a.answer) and c.zh in visible(a.answer), item.id
            assert (a.fraction > 0) == c.correct
            assert min(abs(abs(a.fraction) - v) for v in ALLOWED) < 1e-6
            if c.why:
                assert c.why.en in visible(a.feedback)
        if item.type == "single_choice":
            assert type(q.answers).__name__ == "SelectSet"
        else:
            assert type(q.answers).__name__ == "MultipleChoicesSet"
            assert round(sum(a.fraction for a in answers if a.fraction > 0), 2) == 100
            assert round(sum(a.fraction for a in answers if a.fraction < 0), 2) == -100
        n += 1
    assert n > 100


def test_fill_ins_are_short_answers_one_per_blank(items, parsed):
    braced = 0
    for item in items:
        if item.type != "fill_blank":
            continue
        blanks = item.question.blanks
        titles = [item_name(item)] if len(blanks) == 1 else [f"{item_name(item)} ({i})" for i in
                                                             range(1, len(blanks) + 1)]
        for title, blank in zip(titles, blanks):
            q = parsed[title]
            if any(c in a for a in blank.accept for c in "{}"):
                # pygiftparser ends the answers at an escaped '\}' (Moodle does not): e^{-x}
                braced += 1
                continue
            assert type(q.answers).__name__ == "ShortSet"
            got = {unescaped(a.answer).casefold() for a in q.answers.answers}
            assert got == {a.casefold().strip() for a in blank.accept}
    assert braced < 5


def test_short_answers_are_essays_with_key_points_as_feedback(items, parsed):
    for item in items:
        if item.type == "short_answer":
            q = parsed[item_name(item)]
            assert type(q.answers).__name__ == "Essay"
            for kp in item.question.key_points:
                assert kp.en in visible(q.generalFeedback)


def test_calculations_numbers_tolerances_and_mistakes(items, parsed):
    checked = 0
    for item in items:
        if item.type != "calculation":
            continue
        p = item.problem
        numbers = [(f, v) for f in p.fields for v in cells(p.answer[f.name])]
        if len(numbers) != 1:
            # one numerical question per number, named after the field and its position
            titles = [t for t in parsed if t.startswith(item_name(item) + " ")]
            assert len(titles) == len(numbers)
            with_steps = [t for t in titles if p.steps[0].en in visible(parsed[t].generalFeedback)]
            assert with_steps == titles[-1:]
            continue
        q = parsed[item_name(item)]
        f, value = numbers[0]
        if not q.valid:
            assert _negative_numeric(q)
            continue
        assert type(q.answers).__name__ == "NumericAnswerSet"
        first, *mistakes = q.answers.answers
        tol = tolerance(f)
        assert first.fraction == 100 and abs(first.value - value) <= tol + 1e-9
        assert abs(first.tolerance - tol) < 1e-12
        labels = {m.label.en for m in p.mistakes}
        for m in mistakes:
            assert m.fraction == 0 and abs(m.value - value) > tol
            assert any(lab in visible(m.feedback) for lab in labels)
        assert p.steps[0].en in visible(q.generalFeedback)
        checked += 1
    assert checked > 20



def test_what_gift_cannot_carry_is_one_warning_per_reason(exported):
    _, done = exported
    text = "\n".join(done.warnings)
    assert 1 <= len(done.warnings) <= 5  # one line per reason, not one per question
    for w in done.warnings:
        names = re.findall(r"(\w+) \(\d+\)", w)
        assert names and len(names) == len(set(names))
    assert "GIFT has no Cloze" in text and "short_answer (" in text and "lstm_step (" in text
