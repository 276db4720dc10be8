"""Hints that cost credit, calculations asked as choice, and the most frequent mistakes, played
with key presses in an 80x24 terminal."""

from __future__ import annotations

from textual.widgets import Input, Static

from quizapp.tui.app import Start
from quizapp.tui.screens.progress import ProgressScreen
from tui_helpers import SIZE, settle, sync, text_of


@sync
async def test_hints_show_steps_and_what_the_question_is_still_worth(make_app):
    app = make_app(Start("practice", mode="drill", target="iou", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        item = screen.session.current
        steps = item.problem.steps
        n = len(steps) + sum(1 for st in steps if st.math)
        assert not screen.query_one("#hints", Static).display  # nothing revealed yet
        await pilot.press("ctrl+t")
        await settle(pilot)
        hints = text_of(screen, "#hints")
        assert f"1/{n}" in hints and f"{round(100 * (1 - 1 / n))}%" in hints
        assert steps[0].zh in hints and steps[0].math not in hints  # the method first
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert steps[0].math.splitlines()[0] in text_of(screen, "#hints")  # then its numbers
        await pilot.click(Input)
        await pilot.press(*str(item.problem.answer["iou"]), "enter")
        await settle(pilot)
        assert "部分正确" in text_of(screen, "#verdict")  # a right answer after 2 hints
        stored = app.storage.attempts()[-1]
        assert stored.score == 1 - 2 / n and stored.response["hints"] == {"shown": 2, "of": n}


@sync
async def test_ctrl_o_asks_the_next_calculation_as_single_choice(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.session.current.type == "calculation"
        await pilot.press("ctrl+o", "ctrl+n")
        await settle(pilot)
        item = screen.session.current
        assert item.type == "single_choice" and len(item.options) == 4
        from quizapp.tui.widgets.answers import ChoiceList

        assert screen.query_one(ChoiceList).labels == [o.zh for o in item.options]
        right = item.choice.correct_index
        await pilot.press(str(right + 1), "enter")
        await settle(pilot)
        assert "正确" in text_of(screen, "#verdict")
        assert str(item.problem.answer["output_size"]) in text_of(screen, "#solution")


@sync
async def test_progress_names_the_most_frequent_mistakes(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from quizapp.core.storage import Attempt

        for i in range(9):
            clock.advance(1)
            app.storage.record_attempt(Attempt(
                at=clock(), mode="drill", item_uid=f"d{i}", kind="conv_output", chapter="ch1_cnn",
                type="calculation", score=0.0 if i < 4 else 1.0, correct=i >= 4, response={},
                mistakes=["forgot_plus_one"] if i < 4 else []))
        app.lang = "en"
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        rows = [str(s.render()) for s in app.screen.query(".mistake-row")]
        assert rows and "forgot the +1 in 4 of 9" in rows[0]
