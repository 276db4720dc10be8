"""Calculations asked as single choice: the wrong options are the kind's named mistakes, and the
right one does not stand out by position, length, precision or rank."""

from __future__ import annotations

import os
import re
import zlib
from collections import Counter

import pytest

from quizapp.core.calc_choice import N_OPTIONS, _decimals, choice_version, format_value
from quizapp.core.items import as_choice, drill_item, grade_item
from solvers import DIFFICULTIES, all_kinds, item_seed, make_problem

SEEDS = int(os.environ.get("QUIZAPP_CHOICE_SEEDS", "8"))
KINDS = [k.id for k in all_kinds()]


def _versions():
    for kind in KINDS:
        for difficulty in DIFFICULTIES:
            for i in range(SEEDS):
                seed = item_seed(zlib.crc32(kind.encode()), i)
                problem = make_problem(kind, seed, difficulty)
                yield kind, problem, seed, choice_version(problem, seed)


@pytest.fixture(scope="module")
def versions():
    return list(_versions())


def test_every_kind_has_four_distinct_options_and_one_right_one(versions):
    for kind, problem, seed, v in versions:
        where = f"{kind} seed {seed} {problem.difficulty}"
        texts = [o.text for o in v.options]
        assert len(texts) == N_OPTIONS, where
        assert len(set(texts)) == N_OPTIONS, f"{where}: {texts}"
        assert sum(o.correct for o in v.options) == 1, where
        key = v.options[v.correct_index]
        assert key.text == format_value(v.field, problem.answer[v.field.name]), where


def test_mistake_options_carry_their_mistakes_values(versions):
    for kind, problem, seed, v in versions:
        for o in v.options:
            for m in o.mistakes:
                assert m in problem.mistakes
                assert format_value(v.field, m.answer[v.field.name]) == o.text, f"{kind} {seed}"


def test_every_option_has_the_same_precision(versions):
    number = re.compile(r"-?\d+(?:\.(\d+))?")
    for kind, problem, seed, v in versions:
        d = _decimals(v.field)
        for o in v.options:
            places = {len(m.group(1) or "") for m in number.finditer(o.text)}
            assert places == {d}, f"{kind} {seed}: {o.text!r} is not written to {d} places"


def test_same_seed_same_options_and_other_seeds_move_the_key():
    p = make_problem("conv_output", 5, "medium")
    assert choice_version(p, 5) == choice_version(p, 5)
    positions = {choice_version(make_problem("iou", s, "easy"), s).correct_index for s in range(40)}
    assert positions == set(range(N_OPTIONS))


def test_the_right_option_gives_no_cue(versions):
    """What a test-wise student would exploit: a favourite letter, the longest (or shortest)
    option, the middle value. Each stays near chance (1 in 4; the two middle ranks 1 in 2)."""
    n = len(versions)
    position = Counter(v.correct_index for *_, v in versions)
    assert max(position.values()) / n <= 0.30, position
    lengths = [[len(o.text) for o in v.options] for *_, v in versions]
    longest = sum(1 for (*_, v), L in zip(versions, lengths)
                  if L[v.correct_index] == max(L) and L.count(max(L)) == 1)
    shortest = sum(1 for (*_, v), L in zip(versions, lengths)
                   if L[v.correct_index] == min(L) and L.count(min(L)) == 1)
    assert longest / n <= 0.25 and shortest / n <= 0.25, (longest / n, shortest / n)
    ranks = Counter()
    for *_, v in versions:
        if v.field.shape == "scalar":
            values = sorted(float(o.value) for o in v.options)
            ranks[values.index(float(v.options[v.correct_index].value))] += 1
    middle = (ranks[1] + ranks[2]) / sum(ranks.values())
    assert middle <= 0.65, ranks
    assert min(ranks.values()) / sum(ranks.values()) >= 0.12, ranks


def test_most_wrong_options_are_real_mistakes(versions):
    real = sum(1 for *_, v in versions for o in v.options if o.mistakes)
    assert real / len(versions) >= 1.7  # of 3 wrong options per question
    with_one = sum(1 for *_, v in versions if any(o.mistakes for o in v.options))
    with_mistakes = sum(1 for _, p, _, _ in versions if p.mistakes)
    assert with_one >= 0.97 * with_mistakes


@pytest.mark.parametrize("kind", ["conv_output", "iou", "sobel", "lstm_step", "otsu"])
def test_choice_item_is_graded_and_names_the_mistake(kind):
    item = as_choice(drill_item(kind, 11, "medium"))
    assert item.type == "single_choice" and item.uid.endswith("#choice")
    assert "Single choice" in item.text.en and "选择题" in item.text.zh
    for i, option in enumerate(item.choice.options):
        grade = grade_item(item, {"choice": i})
        assert grade.correct == option.correct
        assert grade.score == (1.0 if option.correct else 0.0)
        assert [m.id for m in grade.mistakes] == [m.id for m in option.mistakes]
        if option.mistakes:
            assert option.mistakes[0].label.en in item.options[i].why.en


def test_a_concept_question_is_not_changed():
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.items import realise

    bank = load_bank(None)
    q = next(q for q in bank.questions if q.type == "single_choice")
    item = realise(q, 1)
    assert as_choice(item) is item
