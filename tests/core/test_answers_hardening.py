"""What a careless or unlucky student can type (issue 13: C1, H4, U1, U2)."""

from __future__ import annotations

import pytest

from quizapp.core import answers
from quizapp.core.answers import AnswerFormatError, parse_matrix, parse_number, parse_vector


def test_a_matrix_size_of_thousands_of_digits_is_a_sentence():
    """int() refuses strings of more than 4,300 digits: this used to raise ValueError."""
    with pytest.raises(AnswerFormatError) as err:
        parse_matrix("9" * 4400 + "x2: 1 2")
    assert "not a usable matrix size" in err.value.message
    assert len(err.value.message) < 160 and len(err.value.message_zh) < 160


def test_any_failure_inside_the_reader_is_a_malformed_answer(monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("a bug deep in the expression reader")
    monkeypatch.setattr(answers, "evaluate", broken)
    for read in (parse_number, parse_vector, parse_matrix):
        with pytest.raises(AnswerFormatError, match="cannot be read"):
            read("sqrt(2)")


def test_such_a_matrix_answer_grades_as_malformed_not_a_crash():
    """In an exam the answer is saved before it is read: a crash here broke resume and submit."""
    from quizapp.core.items import drill_item, grade_item

    item = drill_item("conv2d_manual", 1, "easy")
    grade = grade_item(item, {"fields": {"output": "9" * 4400 + "x2: 1 2"}})
    assert grade.malformed and grade.score == 0


def test_nested_brackets_are_read_in_linear_time(monkeypatch):
    """Peeling one bracket layer at a time re-scanned the whole answer per layer (quadratic; a
    pasted answer froze the exam for 2.5 s). Count the scans instead of timing them."""
    calls = 0
    real = answers._wrapped

    def counting(s):
        nonlocal calls
        calls += 1
        return real(s)
    monkeypatch.setattr(answers, "_wrapped", counting)
    depth = 2000
    assert parse_vector("[" * depth + "1, 2" + "]" * depth) == [1.0, 2.0]
    assert calls < 10
    calls = 0
    assert parse_matrix("[" + "[" * depth + "1, 2" + "]" * depth + "]") == [[1.0, 2.0]]
    assert calls < 10


@pytest.mark.parametrize("typed, value", [("3²", 9.0), ("2³", 8.0), ("10⁻³", 0.001),
                                          ("2¹⁰", 1024.0), ("(1/2)²", 0.25)])
def test_superscripts_are_powers_not_digits(typed, value):
    assert parse_number(typed) == pytest.approx(value)


def test_messages_never_repeat_a_whole_paste():
    paste = "[" + ", ".join(["1"] * 1200) + ", x]"
    with pytest.raises(AnswerFormatError) as err:
        parse_vector(paste)
    assert len(err.value.message) < 200 and len(err.value.message_zh) < 200
