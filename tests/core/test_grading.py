"""Grading rules for every item type (see quizapp/core/grading.py for the rules themselves)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank.models import Blank, Choice, KeyPoint, Question
from quizapp.core.grading import Grade, combine, grade_problem
from quizapp.core.grading_concepts import (
    blank_matches, fold_text, grade_blanks, grade_multiple_choice, grade_short_answer,
    grade_single_choice, grade_true_false, propose_key_points,
)
from solvers import AnswerField, Mistake, Problem, Text, make_problem


def problem(fields, answer, mistakes=()):
    return Problem(kind="test", seed=1, difficulty="easy", params={}, question=Text("题", "Q"),
                   fields=tuple(fields), answer=answer, steps=[], mistakes=list(mistakes))


CONV = make_problem("conv_output", 7, "easy")  # the worked example kind; always registered
OUT = CONV.answer["output_size"]


# ---------------------------------------------------------------------------------------------
# calculations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [str(OUT), f" {OUT} ", f"{OUT}.0", f"{2 * OUT}/2", f"{OUT}.000"])
def test_integer_field_accepts_equal_values(typed):
    g = grade_problem(CONV, {"output_size": typed})
    assert g.correct and g.score == 1 and not g.malformed and g.message == "Correct."


@pytest.mark.parametrize("typed", [f"{OUT}.5", f"{OUT + 1}", f"{OUT}.0000001", "0"])
def test_integer_field_is_exact(typed):
    g = grade_problem(CONV, {"output_size": typed})
    assert not g.correct and g.score == 0 and not g.malformed


def test_named_mistake_in_both_languages():
    m = next(m for m in CONV.mistakes if m.id == "forgot_plus_one")
    g = grade_problem(CONV, {"output_size": str(m.answer["output_size"])})
    assert not g.correct and [x.id for x in g.mistakes] == ["forgot_plus_one"]
    assert "forgot the +1" in g.message and "忘了 +1" in g.message_zh
    assert g.get("en") == g.message and g.get("zh") == g.message_zh


def test_empty_is_wrong_not_malformed():
    for resp in ({}, {"output_size": ""}, {"output_size": "   "}):
        g = grade_problem(CONV, resp)
        assert not g.malformed and g.score == 0 and g.message == "No answer was given."


def test_malformed_costs_nothing_and_says_why():
    g = grade_problem(CONV, {"output_size": "1/0"})
    assert g.malformed and not g.correct and g.score == 0
    assert g.message == "'1/0' is not a number: division by zero."
    assert g.fields[0].error == g.message


RATIO = AnswerField("iou", Text("交并比", "IoU"), decimals=2)


@pytest.mark.parametrize("typed, ok", [
    ("0.33", True), ("1/3", True), ("0.333", True), ("33.3%", True), ("0.3333333", True),
    ("0.34", False), ("0.3", False), ("33", False), ("0.325", False),
])
def test_decimals_tolerance_is_half_a_unit_in_the_last_place(typed, ok):
    g = grade_problem(problem([RATIO], {"iou": 1 / 3}), {"iou": typed})
    assert g.correct is ok and not g.malformed


def test_tolerance_edges():
    p = problem([AnswerField("x", Text("x", "x"), decimals=2)], {"x": 0.125})
    assert grade_problem(p, {"x": "0.13"}).correct and grade_problem(p, {"x": "0.12"}).correct
    assert not grade_problem(p, {"x": "0.131"}).correct


def test_percent_unit_field_takes_the_sign_as_decoration():
    f = AnswerField("acc", Text("准确率", "accuracy"), decimals=1, unit="%")
    p = problem([f], {"acc": 87.5})
    assert grade_problem(p, {"acc": "87.5%"}).correct
    assert grade_problem(p, {"acc": "87.5"}).correct
    assert not grade_problem(p, {"acc": "0.875"}).correct


def test_a_typed_unit_is_allowed():
    p = problem([AnswerField("t", Text("时间", "time"), decimals=1, unit="ms")], {"t": 12.25})
    assert grade_problem(p, {"t": "12.3 ms"}).correct and grade_problem(p, {"t": "12.2ms"}).correct
    assert grade_problem(p, {"t": "12 s"}).malformed


def test_model_answer_of_a_full_precision_field_is_accepted():
    from quizapp.core.grading import expected_text

    f = AnswerField("x", Text("x", "x"))
    for v in (12.3456789, 0.000123456789, 98765.4321):
        shown = expected_text(f, v)
        assert grade_problem(problem([f], {"x": v}), {"x": shown}).correct, shown


def test_full_precision_field_allows_float_noise_only():
    p = problem([AnswerField("x", Text("x", "x"))], {"x": math.sqrt(2)})
    assert grade_problem(p, {"x": "sqrt(2)"}).correct
    assert grade_problem(p, {"x": "1.4142136"}).correct
    assert not grade_problem(p, {"x": "1.414"}).correct


VEC = AnswerField("probs", Text("概率", "probabilities"), shape="vector", decimals=3)
MAT = AnswerField("out", Text("输出", "output"), shape="matrix", integer=True, points=2)


def test_vectors_and_matrices():
    p = problem([VEC, MAT], {"probs": [0.09, 0.2447, 0.6652], "out": [[1, 2, 3], [4, 5, 6]]})
    good = {"probs": "[0.090, 0.245, 0.665]", "out": "2x3: 1 2 3; 4 5 6"}
    g = grade_problem(p, good)
    assert g.correct and [f.correct for f in g.fields] == [True, True]
    assert g.fields[1].expected == "2x3: 1 2 3; 4 5 6"
    # the matrix is worth 2 of the 3 points
    g = grade_problem(p, {**good, "probs": "0.1 0.2 0.7"})
    assert g.score == pytest.approx(2 / 3) and "1 of 2 parts right" in g.message
    # a well-formed matrix of the wrong size is a wrong answer, not a malformed one
    g = grade_problem(p, {**good, "out": "2x2: 1 2; 4 5"})
    assert not g.malformed and g.score == pytest.approx(1 / 3)
    g = grade_problem(p, {**good, "probs": "0.09 0.2447"})
    assert not g.malformed and not g.fields[0].correct
    # a malformed field makes the whole response malformed, named by its label
    g = grade_problem(p, {**good, "out": "2x3: 1 2 3; 4 5"})
    assert g.malformed and g.message == "output: Row 2 has 2 numbers but the size says 3."
    assert g.message_zh.startswith("输出：")


def test_mistake_compares_only_its_fields_with_the_same_tolerance():
    a = AnswerField("a", Text("a", "a"), decimals=2)
    b = AnswerField("b", Text("b", "b"), integer=True)
    mist = Mistake("swapped", Text("弄反了", "swapped the classes"), {"a": 0.25})
    p = problem([a, b], {"a": 0.75, "b": 3}, [mist])
    g = grade_problem(p, {"a": "0.251", "b": "4"})  # b is wrong too: the mistake still explains a
    assert [m.id for m in g.mistakes] == ["swapped"] and g.score == 0
    g = grade_problem(p, {"a": "0.26", "b": "3"})
    assert g.mistakes == [] and g.score == pytest.approx(0.5)
    # a mistake is never named when its fields are right
    g = grade_problem(p, {"a": "0.75", "b": "2"})
    assert g.mistakes == []


def test_numbers_in_a_json_response_are_accepted():
    assert grade_problem(CONV, {"output_size": OUT}).correct
    p = problem([VEC], {"probs": [0.5, 0.5]})
    assert grade_problem(p, {"probs": [0.5, 0.5]}).correct


@settings(max_examples=150, deadline=None)
@given(st.floats(-1000, 1000, allow_nan=False), st.integers(0, 6))
def test_the_right_answer_rounded_as_asked_is_always_accepted(x, decimals):
    p = problem([AnswerField("x", Text("x", "x"), decimals=decimals)], {"x": x})
    assert grade_problem(p, {"x": f"{x:.{decimals}f}"}).correct
    # one unit off in the last place is wrong
    assert not grade_problem(p, {"x": f"{x + 1.5 * 10 ** -decimals:.{decimals + 2}f}"}).correct


def test_combine_weights_parts_and_propagates_malformed():
    right = grade_problem(CONV, {"output_size": str(OUT)})
    wrong = grade_problem(CONV, {"output_size": "0"})
    g = combine([(right, 3), (wrong, 1)])
    assert g.score == pytest.approx(0.75) and not g.correct
    bad = grade_problem(CONV, {"output_size": "x"})
    g = combine([(right, 3), (bad, 1)])
    assert g.malformed and g.score == 0


# ---------------------------------------------------------------------------------------------
# concept questions
# ---------------------------------------------------------------------------------------------


def choice_q(correct, n=4, why=None):
    return Question(id="t-1", type="multiple_choice" if len(correct) > 1 else "single_choice",
                    text={"zh": "问", "en": "Q"},
                    choices=[Choice(zh=f"选{i}", en=f"opt{i}", correct=i in correct,
                                    why=why if i not in correct else None) for i in range(n)])


def test_single_choice():
    q = choice_q({2}, why={"zh": "因为", "en": "because"})
    assert grade_single_choice(q, 2).correct
    assert grade_single_choice(q, "c").correct  # a letter works too
    g = grade_single_choice(q, 0)
    assert g.score == 0 and "the answer is C" in g.message and "A: because" in g.message
    assert grade_single_choice(q, None).message == "No answer was given."
    assert grade_single_choice(q, 7).malformed
    assert grade_single_choice(q, True).malformed


@pytest.mark.parametrize("picked, score", [
    ([0, 2], 1.0), ([2, 0, 2], 1.0), ([0], 0.5), ([2], 0.5), ([0, 1], 0.0), ([0, 1, 2], 0.0),
    ([1], 0.0), ([], 0.0), ([0, 1, 2, 3], 0.0),
])
def test_multiple_choice_exam_rule(picked, score):
    g = grade_multiple_choice(choice_q({0, 2}), picked)
    assert g.score == score and g.correct is (score == 1.0)


def test_multiple_choice_out_of_range_is_malformed():
    assert grade_multiple_choice(choice_q({0, 2}), [0, 9]).malformed


@pytest.mark.parametrize("value, ok", [
    (True, True), ("对", True), ("√", True), ("TRUE", True), ("ｙｅｓ", True),
    (False, False), ("错", False), ("×", False), ("f", False),
])
def test_true_false(value, ok):
    q = Question(id="t-2", type="true_false", text={"zh": "问", "en": "Q"}, answer=True)
    assert grade_true_false(q, value).correct is ok


def test_true_false_unreadable_and_empty():
    q = Question(id="t-2", type="true_false", text={"zh": "问", "en": "Q"}, answer=False)
    assert grade_true_false(q, "maybe").malformed
    g = grade_true_false(q, None)
    assert not g.malformed and g.score == 0
    assert "false" in grade_true_false(q, True).message


def test_fold_text():
    assert fold_text(" Ｒｅ-LU。 ") == fold_text("relu") == "relu"
    assert fold_text("最大 池化") == "最大池化"


@pytest.mark.parametrize("given_, accepted, ok", [
    ("ReLU", "relu", True), ("ＲｅＬＵ", "ReLU", True), ("Leaky ReLU", "leaky-relu", True),
    ("池化。", "池化", True), ("0.5", "1/2", True), ("50%", "0.5", True), ("3.1416", "3.14", True),
    ("3.1", "3.14", False), ("0.54", "0.5", False), ("2", "2.0", True), ("20", "2.0", False), ("-1", "1", False), ("sigmoid", "tanh", False),
    ("", "x", False), ("。", "x", False),
])
def test_blank_matches(given_, accepted, ok):
    assert blank_matches(given_, accepted) is ok


def test_grade_blanks_partial_credit():
    blanks = [Blank(accept=["ReLU", "修正线性单元"]), Blank(accept=["0.5", "1/2"]), Blank(accept=["池化"])]
    g = grade_blanks(blanks, ["修正线性单元", "1/2", "卷积"])
    assert g.score == pytest.approx(2 / 3) and not g.correct
    assert "blank 3: 池化" in g.message
    assert grade_blanks(blanks, ["relu", "50%", "池化"]).correct
    assert grade_blanks(blanks, ["relu"]).score == pytest.approx(1 / 3)  # missing blanks are wrong
    assert grade_blanks(blanks, []).message == "No answer was given."


KPS = [KeyPoint(zh="梯度消失", en="vanishing gradients",
                accept={"zh": ["梯度消失"], "en": ["vanishing gradient"]}),
       KeyPoint(zh="ReLU 缓解", en="ReLU helps", accept={"zh": ["relu .. 缓解"], "en": ["relu"]}, points=2),
       KeyPoint(zh="无关键词", en="no keywords", points=1)]


def test_propose_key_points():
    assert propose_key_points(KPS, "深层网络会出现梯度 消失？用 ｒｅｌｕ 可以缓解") == [True, True, False]
    assert propose_key_points(KPS, "Vanishing  Gradients; use PReLU") == [True, False, False]
    assert propose_key_points(KPS, "没有梯度消失的问题") == [False, False, False]  # negated
    assert propose_key_points(KPS, "") == [False, False, False]


def test_short_answer_weighted_by_points():
    g = grade_short_answer(KPS, [True, True, False])
    assert g.score == pytest.approx(3 / 4) and "Missing: no keywords" in g.message
    assert grade_short_answer(KPS, [True, True, True]).correct
    assert grade_short_answer(KPS, [True]).score == pytest.approx(1 / 4)
    g = grade_short_answer(KPS, [])
    assert g.score == 0 and "vanishing gradients" in g.message


def test_grade_is_the_documented_dataclass():
    g = grade_problem(CONV, {"output_size": str(OUT)})
    assert isinstance(g, Grade)
    assert {"score", "correct", "malformed", "message", "fields", "mistakes"} <= set(vars(g))
    assert g.text.en == g.message and g.text.zh == g.message_zh


def test_formula_blanks_keep_minus_signs_and_operators():
    # Regression: folding dropped '-' and '/', so "e^x" was accepted for "e^(-x)".
    assert not blank_matches("e^x", "e^(-x)")
    assert blank_matches("e^(−x)", "e^(-x)")  # Unicode minus
    assert not blank_matches("(WF+2P)S+1", "(W-F+2P)/S+1")
    assert blank_matches("(W - F + 2P) / S + 1", "(W-F+2P)/S+1")
    # words still ignore hyphens and punctuation
    assert blank_matches("fine tuning", "fine-tuning")
    assert blank_matches("最大池化。", "最大池化")


def test_mistakes_that_round_to_the_right_answer_are_not_listed():
    # Regression: a mistake within the asked rounding would be accepted and so never named.
    from solvers._base import AnswerField, Mistake, Text, distinct_mistakes

    field = AnswerField("f1", Text("F1", "F1"), decimals=4)
    close = Mistake("mean", Text("算术平均", "arithmetic mean"), {"f1": 0.66671})
    far = Mistake("swap", Text("交换", "swapped"), {"f1": 0.7})
    assert distinct_mistakes({"f1": 0.66668}, [close, far], (field,)) == [far]


def test_the_grading_modules_import_one_way_only():
    """grading_concepts imports grading; grading never imports grading_concepts (not even lazily)."""
    import ast
    from pathlib import Path

    from quizapp.core import grading

    tree = ast.parse(Path(grading.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    assert not any("grading_concepts" in (m or "") for m in imported)
    assert not hasattr(grading, "__getattr__")
