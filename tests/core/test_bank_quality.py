"""The shipped bank is well written: `bank lint` finds nothing and the cue figures meet their
targets (a test-wise student gains nothing from option length or true/false balance)."""

from __future__ import annotations

import pytest

from quizapp.core.bank import lint
from quizapp.core.bank.glossary import load_glossary
from quizapp.core.bank.loader import load_bank
from quizapp.core.bank.stats import LONGEST_LIMIT, TRUE_RANGE, cue_stats


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def glossary(bank):
    problems: list[str] = []
    found = load_glossary(bank.directory, problems)
    assert not problems
    return found


def test_the_shipped_bank_passes_lint():
    problems, findings = lint.lint_bank()
    assert not problems and not findings, "\n".join((problems or findings)[:20])


def test_the_glossary_knows_stride(glossary):
    assert any(t.en == "stride" and t.zh == "步幅" and "步长" in t.reject for t in glossary.terms)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_correct_option_is_rarely_the_longest(bank, lang):
    cues = cue_stats(bank)
    assert cues.single_choice >= 150
    assert cues.longest_share[lang] <= LONGEST_LIMIT, (
        f"{cues.longest[lang]}/{cues.single_choice} single-choice items have the longest key")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_multiple_choice_keys_are_not_systematically_longer(bank, lang):
    cues = cue_stats(bank)
    assert cues.multi_keys_longer[lang] <= 0.6 * cues.multiple_choice


def test_true_false_items_are_balanced(bank):
    lo, hi = TRUE_RANGE
    assert lo <= cue_stats(bank).true_share <= hi


def test_det_comp_002_computes_with_the_two_classes_its_stem_names(bank):
    # Regression: the stem said pedestrians and vehicles while the calculation drew 80 classes.
    from quizapp.core.items import realise

    q = bank.get("det-comp-002")
    assert "2 classes" in q.text.en and "共 2 类" in q.text.zh
    for seed in range(5):
        problem = realise(q, seed).parts[0].problem
        assert "there are 2 classes" in problem.question.en
        assert problem.answer["depth"] == 5 * 2 + 2
