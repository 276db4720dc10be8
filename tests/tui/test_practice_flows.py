"""Practice, drills and the mistake book, played with key presses in an 80x24 terminal."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from quizapp.tui.app import Start
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.practice import PracticeScreen
from tui_helpers import SIZE, right_response_keys, settle, sync, text_of, wrong_response_keys


@sync
async def test_practice_right_answer_gives_feedback_and_is_saved(make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        item = screen.session.current
        await pilot.press(*right_response_keys(item))
        await settle(pilot)
        assert "正确" in text_of(screen, "#verdict")
        assert app.storage.attempts()[0].correct and app.storage.attempts()[0].item_uid == item.uid
        await pilot.press("enter")  # next question
        await settle(pilot)
        assert screen.session.current.uid != item.uid and screen.state == "asking"


@sync
async def test_wrong_drill_answer_names_the_known_mistake(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        for _ in range(20):  # find a variant whose numbers have a catalogued mistake
            item = screen.session.current
            if item.problem.mistakes:
                break
            await pilot.press("ctrl+n")
            await settle(pilot)
        mistake = item.problem.mistakes[0]
        await pilot.click(Input)
        await pilot.press(*str(mistake.answer["output_size"]), "enter")
        await settle(pilot)
        assert "错误" in text_of(screen, "#verdict")
        assert mistake.label.zh in text_of(screen, "#mistakes")
        assert str(item.problem.answer["output_size"]) in text_of(screen, "#fields")
        assert text_of(screen, "#solution")  # the worked steps are shown
        assert [e.key for e in app.storage.open_mistakes()] == ["drill:conv_output:easy"]


@sync
async def test_malformed_answer_costs_nothing(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        item = screen.session.current
        await pilot.click(Input)
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert "abc" in text_of(screen, "#note") and screen.state == "asking"
        assert app.storage.attempts() == []
        inp = screen.query_one(Input)
        inp.value = ""
        await pilot.press(*str(item.problem.answer["output_size"]), "enter")
        await settle(pilot)
        assert "正确" in text_of(screen, "#verdict")
        assert len(app.storage.attempts()) == 1


@sync
async def test_short_answer_is_self_graded_with_proposed_ticks(make_app):
    app = make_app(Start("practice", mode="topic", target="overfitting"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        if screen.session.current.type != "short_answer":
            await pilot.press("ctrl+n")
            await settle(pilot)
        assert screen.session.current.type == "short_answer"
        screen.query_one(TextArea).focus()
        await pilot.press(*"random drop of units")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # nothing is ticked for the student; the machine's guess is labelled as a suggestion
        assert screen.area.form.ticked == [False, False]
        labels = screen.area.form.tick_list.labels
        assert "机器建议：✓" in labels[0] and "机器建议：✗" in labels[1]
        assert screen.state == "ticking" and app.storage.attempts() == []
        await pilot.press("1", "ctrl+s")  # the student ticks the point they covered
        await settle(pilot)
        [a] = app.storage.attempts()
        assert a.score == pytest.approx(0.5) and a.response["ticked"] == [True, False]
        assert "50%" in text_of(screen, "#verdict")
        fields = text_of(screen, "#fields")
        assert "✔ 答到：随机丢弃神经元" in fields and "✘ 没答到：相当于多个子网络的集成" in fields


def matrix_text(value) -> str:
    """A matrix the way the student types it: size first, then the rows."""
    rows = [[int(v) if float(v).is_integer() else v for v in row] for row in value]
    return f"{len(rows)}x{len(rows[0])}: " + "; ".join(" ".join(str(v) for v in r) for r in rows)


@sync
async def test_matrix_drill_takes_size_then_rows(make_app):
    app = make_app(Start("practice", mode="drill", target="conv2d_manual", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        problem = screen.session.current.problem
        [field] = [f for f in problem.fields if f.shape == "matrix"]
        await pilot.click(Input)
        wrong = [row[:] for row in problem.answer[field.name]]
        wrong[0][0] += 1
        await pilot.press(*matrix_text(wrong), "enter")
        await settle(pilot)
        assert "错误" in text_of(screen, "#verdict")
        await pilot.press("ctrl+n")
        await settle(pilot)
        problem = screen.session.current.problem
        await pilot.click(Input)
        await pilot.press(*matrix_text(problem.answer[field.name]), "enter")
        await settle(pilot)
        assert "正确" in text_of(screen, "#verdict")
        assert [a.correct for a in app.storage.attempts()] == [False, True]


@sync
async def test_comprehensive_practice_grades_each_part(make_app):
    app = make_app(Start("practice", mode="topic", target="conv"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        while screen.session.current.type != "comprehensive":
            await pilot.press("ctrl+n")
            await settle(pilot)
        item = screen.session.current
        calc_part = item.parts[0].problem
        screen.query_one(Input).value = str(calc_part.answer["output_size"])
        screen.query_one(TextArea).focus()
        await pilot.press(*"it keeps the size")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.area.form.forms[1].ticked == [False, False]  # suggestions only
        await pilot.press("1", "ctrl+s")  # the student ticks the point they made
        await settle(pilot)
        [a] = app.storage.attempts()
        assert a.score == pytest.approx((6 * 1 + 4 * 0.5) / 10)  # part points from the bank
        assert a.response["parts"][1] == {"text": "it keeps the size", "ticked": [True, False]}


@sync
async def test_drill_difficulty_changes_for_the_next_variant(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        first = screen.session.current
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert screen.session.current is first and screen.session.difficulty == "medium"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.session.current.difficulty == "medium" and "中等" in text_of(screen, "#heading")


@sync
async def test_mistake_review_redrills_until_right(make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        wrong_item = screen.session.current
        await pilot.press(*wrong_response_keys(wrong_item))
        await settle(pilot)
        assert "错误" in text_of(screen, "#verdict")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "错题本 1" in text_of(app.screen, "#status")
        await pilot.press("5")  # mistake review
        await settle(pilot)
        review = app.screen
        assert isinstance(review, PracticeScreen) and review.session.mode == "review"
        assert review.session.current.id == wrong_item.id
        await pilot.press(*wrong_response_keys(review.session.current))  # wrong again: stays
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert review.session.current.id == wrong_item.id
        await pilot.press(*right_response_keys(review.session.current))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert review.state == "done" and app.storage.open_mistakes() == []
