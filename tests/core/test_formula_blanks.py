"""Fill-ins that accept what is right: formula blanks by equivalence, synonyms, any order."""

from __future__ import annotations

import time

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.bank.models import Blank
from quizapp.core.formula import FormulaError, parse_formula, same_formula
from quizapp.core.grading_concepts import blank_verdict, grade_blanks
from quizapp.core.items import grade_item, realise

BANK = load_bank()
SIGMA_PRIME = "sigma(x)*(1-sigma(x))"


@pytest.mark.parametrize("typed", [
    "σ(x)(1−σ(x))", "sigma(x)*(1-sigma(x))", "σ(x)-σ(x)^2", "σ(x) − σ(x)²", "(1-σ(x))·σ(x)",
    "e^{-x}/(1+e^{-x})^2", "exp(-x)/(1+exp(-x))**2", "1/(2+e^x+e^-x)", "sigmoid(x)*(1 - sigmoid(x))",
    "e^x/(1+e^x)^2",
])
def test_sigmoid_derivative_in_equivalent_forms(typed):
    assert same_formula(typed, SIGMA_PRIME, ["x"])


@pytest.mark.parametrize("typed", ["σ(x)", "1-σ(x)", "σ(x)(1+σ(x))", "x(1-x)", "e^-x/(1+e^-x)"])
def test_sigmoid_derivative_wrong_forms(typed):
    assert not same_formula(typed, SIGMA_PRIME, ["x"])


@pytest.mark.parametrize("hostile", [
    "9^9^9^9", "x^(9^(9^9))", "2**10**10", "__import__('os').system('true')", "x" * 500,
    "(" * 40 + "x" + ")" * 40, "y(1-y)", "lambda: 1", "exec('1')", "123456789012^2",
])
def test_hostile_or_huge_input_is_refused_with_a_sentence_and_never_hangs(hostile):
    start = time.perf_counter()
    with pytest.raises(FormulaError) as info:
        parse_formula(hostile, ("x",))
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert message.endswith(".") and len(message) < 120 and "\n" not in message


def test_the_shipped_formula_blanks_read_and_accept_their_own_written_form():
    found = 0
    for q in BANK.questions:
        for blank in q.blanks or []:
            if blank.formula is None:
                continue
            found += 1
            assert same_formula(blank.accept[0], blank.formula, blank.symbols), q.id
    assert found >= 10


@pytest.mark.parametrize("qid, typed", [
    ("cnn-act-011", ["1/(2+e^x+e^-x)", "0.25"]),
    ("cnn-formula-005", ["1 + (W + 2P - F)/S"]),
    ("opt-metric-009", ["harmonic", "2/(1/R+1/P)"]),
    ("seg-dilated-002", ["(k-1)d + 1", "5", "5"]),
    ("cnn-dropout-008", ["1/(1 - p)"]),
])
def test_bank_formula_items_accept_rearranged_answers(qid, typed):
    g = grade_item(realise(BANK.get(qid), 0), {"blanks": typed})
    assert g.correct, (qid, g.message)


@pytest.mark.parametrize("phrase", ["跟踪边界", "边界跟踪", "hysteresis thresholding", "edge tracking"])
def test_canny_last_step_in_other_words(phrase):
    g = grade_item(realise(BANK.get("img-canny-007"), 0), {"blanks": ["非极大值抑制", phrase]})
    assert g.correct


def test_any_order_blanks_pair_answers_to_blanks():
    blanks = [Blank(accept=["精确率", "precision"]), Blank(accept=["召回率", "recall"])]
    assert grade_blanks(blanks, ["recall", "precision"], any_order=True).correct
    assert not grade_blanks(blanks, ["recall", "precision"]).correct
    g = grade_blanks(blanks, ["recall", "recall"], any_order=True)
    assert g.score == 0.5  # one answer fills one blank only
    assert "matches" in blank_verdict(blanks, ["recall", "precision"], 0, any_order=True)


def test_a_hostile_fill_in_is_just_wrong_with_the_reason():
    blank = Blank(accept=["σ(x)(1-σ(x))"], formula=SIGMA_PRIME, symbols=["x"])
    g = grade_blanks([blank], ["9^9^9^9"])
    assert not g.correct and not g.malformed
    assert "power larger than" in blank_verdict([blank], ["9^9^9^9"], 0)
