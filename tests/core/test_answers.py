"""The answer parser: every accepted form, one clear sentence for every malformed one."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.answers import (
    AnswerFormatError, format_matrix_answer, normalise, parse_answer, parse_exact, parse_matrix,
    parse_number, parse_vector,
)
from quizapp.core.errors import InputError

# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("30", 30), ("-0.5", -0.5), (".5", 0.5), ("5.", 5), ("+7", 7), ("1.2e-3", 0.0012),
    ("1E3", 1000), ("1/3", 1 / 3), ("-2/3", -2 / 3), ("33.3%", 0.333), ("100%", 1.0),
    ("√2", math.sqrt(2)), ("sqrt(2)/2", math.sqrt(2) / 2), ("2√3", 2 * math.sqrt(3)),
    ("√(1/4)", 0.5), ("pi/4", math.pi / 4), ("π", math.pi), ("3pi", 3 * math.pi),
    ("2^10", 1024), ("2**3", 8), ("2^-1", 0.5), ("-2^2", -4), ("1.5*2", 3), ("(1+2)/4", 0.75),
    ("ln(1)", 0), ("exp(0)", 1), ("log(exp(2))", 2), ("  42  ", 42), ("4^(1/2)", 2),
    # what a Chinese IME or a PDF copy produces
    ("－０．５", -0.5), ("１／３", 1 / 3), ("−3", -3), ("–3", -3), ("０。２５", 0.25),
    ("（１＋２）×３", 9), ("6÷4", 1.5), ("３３％", 0.33),
])
def test_number_forms(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-12, abs=1e-15)


def test_fractions_stay_exact():
    assert parse_exact("1/3") == Fraction(1, 3)
    assert parse_exact("0.1") + parse_exact("0.2") == Fraction(3, 10)
    assert parse_exact("√(9/16)") == Fraction(3, 4)  # perfect squares keep exactness
    assert parse_exact("60/2") == 30


def test_percent_factor_is_configurable():
    assert parse_number("30%") == pytest.approx(0.3)
    assert parse_number("30%", percent=1) == 30


@pytest.mark.parametrize("text, words", [
    ("1/0", "'1/0' is not a number: division by zero."),
    ("abc", "unknown word 'abc'"),
    ("", "No answer was given."),
    ("1,000", "use a point for decimals"),
    ("2 3", "unexpected '3'"),
    ("1..2", "is not a number"),
    ("(1+2", "a bracket is not closed"),
    ("1e999", "too large"),
    ("2^99999", "too large"),
    ("((99999^64)^64)^64", "too large"),
    ("sqrt(-1)", "square root of a negative number"),
    ("ln(0)", "not positive"),
    ("0^-1", "division by zero"),
    ("(-8)^(1/3)", "fractional power"),
    ("%", "unexpected '%'"),
    ("-", "ends too early"),
    ("1" * 200, "too long"),
])
def test_malformed_numbers_say_why(text, words):
    with pytest.raises(AnswerFormatError) as info:
        parse_number(text)
    assert words in info.value.message
    assert info.value.message_zh  # and in Chinese
    assert isinstance(info.value, InputError)


def test_normalise_folds_ime_input():
    assert normalise("（１，２）") == "(1,2)"
    assert normalise("２×３：") == "2*3:"
    assert normalise("1、2") == "1,2"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 8))
def test_rounded_float_parses_back_within_half_a_unit(x, decimals):
    text = f"{x:.{decimals}f}"
    assert abs(parse_number(text) - x) <= 0.5 * 10.0 ** (-decimals) * (1 + 1e-9) + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_repr_round_trips_exactly(x):
    assert parse_number(repr(x)) == x
    assert parse_number(f"{x:e}") == pytest.approx(x, rel=1e-6, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 10**6))
def test_fractions_parse_exactly(n, d):
    assert parse_exact(f"{n}/{d}") == Fraction(n, d)
    assert parse_number(f"{n}/{d}") == pytest.approx(n / d, rel=1e-15)
    # full-width digits and slash, as an IME types them
    wide = str.maketrans("0123456789-/", "０１２３４５６７８９－／")
    assert parse_exact(f"{n}/{d}".translate(wide)) == Fraction(n, d)


# ---------------------------------------------------------------------------------------------
# vectors and matrices
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "[1, 2, 3]", "1 2 3", "1, 2, 3", "(1,2,3)", "（１，２，３）", "1、2、3", "[1;2;3]", "1,2,3,",
    " [ 1 ,2 , 3 ] ", "[2/2, 4/2, √9]",
])
def test_vector_forms(text):
    assert parse_vector(text) == [1, 2, 3]


@pytest.mark.parametrize("text, words", [
    ("1,,2", "empty entry"),
    ("[1,[2]]", "nested"),
    ("[1, 2", "unbalanced brackets"),
    ("1 - 2", "In '1 - 2', '-' is not a number"),
    ("1, abc", "'abc' is not a number"),
    ("", "No answer was given."),
    ("[]", "no numbers"),
])
def test_malformed_vectors(text, words):
    with pytest.raises(AnswerFormatError) as info:
        parse_vector(text)
    assert words in info.value.message


@pytest.mark.parametrize("text", [
    "2x3: 1 2 3; 4 5 6", "[[1,2,3],[4,5,6]]", "1 2 3\n4 5 6", "2x3: 1 2 3 4 5 6",
    "2x3:\n1 2 3\n4 5 6", "[1 2 3; 4 5 6]", "[1,2,3],[4,5,6]", "２×３：１ ２ ３；４ ５ ６",
    "2 x 3 : 1, 2, 3; 4, 5, 6", "2*3: 1 2 3; 4 5 6", "2 by 3: 1 2 3; 4 5 6", "(1,2,3) (4,5,6)",
    "1 2 3; 4 5 6;", "2x3 1 2 3 4 5 6",
])
def test_matrix_forms(text):
    assert parse_matrix(text) == [[1, 2, 3], [4, 5, 6]]


@pytest.mark.parametrize("text, words", [
    ("2x3: 1 2 3; 4 5", "Row 2 has 2 numbers but the size says 3."),
    ("2x3: 1 2 3; 4 5 6; 7 8 9", "The size says 2 rows but 3 were given."),
    ("3x3: 1 2 3 4 5", "The size says 3x3 = 9 numbers but 5 were given."),
    ("1 2; 3", "Row 2 has 1 number but row 1 has 2."),
    ("2x2", "gives a size but no numbers"),
    ("0x2: 1", "not a usable matrix size"),
    ("1 2;; 3 4", "Row 2"),
    ("[[1,2],[3,4]", "unbalanced"),
    ("2x2: 1 2; 3 x", "is not a number"),
])
def test_malformed_matrices(text, words):
    with pytest.raises(AnswerFormatError) as info:
        parse_matrix(text)
    assert words in info.value.message


def test_runaway_input_is_refused_quickly():
    for text in ("(" * 20000 + "1" + ")" * 20000, "1 " * 10000):
        with pytest.raises(AnswerFormatError, match="too long"):
            parse_matrix(text)
        with pytest.raises(AnswerFormatError, match="too long"):
            parse_vector(text)


def test_wrong_size_is_not_malformed():
    # a consistent 2x2 where a 2x3 is expected reads fine; the grader marks it wrong
    assert parse_matrix("2x2: 1 2; 3 4") == [[1, 2], [3, 4]]


def test_parse_answer_dispatches_on_shape():
    assert parse_answer("3", "scalar") == 3
    assert parse_answer("3 4", "vector") == [3, 4]
    assert parse_answer("1x2: 3 4", "matrix") == [[3, 4]]


matrices = st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(lambda c: st.lists(
    st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=c, max_size=c),
    min_size=r, max_size=r)))


@settings(max_examples=150, deadline=None)
@given(matrices, st.integers(0, 6))
def test_matrix_round_trips_through_its_formatted_form(m, decimals):
    for text in (format_matrix_answer(m, decimals),
                 "[" + ", ".join("[" + ", ".join(f"{v:.{decimals}f}" for v in row) + "]" for row in m) + "]",
                 "\n".join(" ".join(f"{v:.{decimals}f}" for v in row) for row in m)):
        back = parse_matrix(text)
        assert len(back) == len(m) and all(len(b) == len(r) for b, r in zip(back, m))
        tol = 0.5 * 10.0 ** (-decimals) + 1e-9
        assert all(abs(b - v) <= tol * (1 + 1e-9) for br, r in zip(back, m) for b, v in zip(br, r))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=8))
def test_vector_round_trips(v):
    for text in (" ".join(map(str, v)), ", ".join(map(str, v)), str(v), str(tuple(v))):
        assert parse_vector(text) == v


# Anything a student can type either parses or raises AnswerFormatError: nothing else escapes.
typed = st.text(alphabet=st.sampled_from(list("0123456789.,;:+-*/^%()[]eExX √πpisqrtlnexp \n")
                                         + ["－", "，", "（", "）", "×", "。", "、", "１", "９"]),
                max_size=40)


@settings(max_examples=200, deadline=None)
@given(typed, st.sampled_from(["scalar", "vector", "matrix"]))
def test_anything_typed_parses_or_is_an_answer_format_error(text, shape):
    try:
        value = parse_answer(text, shape)
    except AnswerFormatError as exc:
        assert exc.message.endswith(".") and exc.message_zh  # one sentence, both languages
        return
    flat = value if shape != "matrix" else [x for row in value for x in row]
    flat = flat if isinstance(flat, list) else [flat]
    assert all(isinstance(x, float) and math.isfinite(x) for x in flat)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["scalar", "vector", "matrix"]))
def test_arbitrary_unicode_never_escapes(text, shape):
    try:
        parse_answer(text, shape)
    except AnswerFormatError:
        pass


def test_expression_reader_doctests():
    import doctest

    from quizapp.core import answers, expression

    for module in (answers, expression):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0, module.__name__
