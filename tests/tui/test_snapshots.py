"""Snapshot tests of the main screens at 80x24 (fixed bank, seed and clock: nothing moves).

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the SVGs in the report before committing them.
"""

from __future__ import annotations

from quizapp.tui.app import Start

from tui_helpers import right_response_keys, settle, submit_a_short_answer_and_open_marking

SIZE = (80, 24)


def steady(run_before):
    """``run_before``, then without the toasts: a toast expires on the wall clock (6 s), so on a
    loaded machine it may or may not be there when the picture is taken."""
    async def run(pilot):
        await run_before(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run


def test_home(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steady(settle))


def test_practice_question(snap_compare, make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"), seed=11)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(settle))  # focus is set after a refresh


def test_practice_feedback_with_named_mistake(snap_compare, make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"), seed=11)

    async def answer_with_mistake(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        while not screen.session.current.problem.mistakes:
            await pilot.press("ctrl+n")
            await settle(pilot)
        wrong = screen.session.current.problem.mistakes[0].answer["output_size"]
        await pilot.press(*str(wrong), "enter")
        await settle(pilot)  # the feedback scrolls into view after the refresh

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(answer_with_mistake))


def test_exam_screen(snap_compare, make_app):
    app = make_app(Start("exam", blueprint="mini", seed=3))

    async def answer_first_and_flag_second(pilot):
        await settle(pilot)
        await pilot.press(right_response_keys(pilot.app.screen.exam.items[0])[0], "pagedown", "ctrl+f")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(answer_first_and_flag_second))


def test_result(snap_compare, make_app):
    app = make_app(Start("exam", blueprint="mini", seed=3))

    async def answer_and_submit(pilot):
        await settle(pilot)
        await pilot.press(right_response_keys(pilot.app.screen.exam.items[0])[0], "ctrl+s", "y")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(answer_and_submit))


def test_marking_written_answers(snap_compare, make_app):
    app = make_app(Start("exam", blueprint="mixed", seed=1))

    assert snap_compare(app, terminal_size=SIZE,
                        run_before=steady(submit_a_short_answer_and_open_marking))


def test_practice_in_light_theme_and_english(snap_compare, make_app):
    app = make_app(Start("practice", mode="chapter", target="ch1_cnn"), seed=11)

    async def light_english(pilot):
        await settle(pilot)  # the practice screen is up and has focused its answer
        pilot.app.set_setting("theme", "light")
        pilot.app.set_setting("lang", "en")
        pilot.app.screen.show_next()  # redraw the question in English
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(light_english))


def test_progress(snap_compare, make_app, clock):
    from quizapp.core.storage import Attempt

    app = make_app()

    async def history_then_progress(pilot):
        await settle(pilot)
        for i in range(30):  # ch1 improving, detection weak, one drill kind
            clock.advance(60)
            pilot.app.storage.record_attempt(Attempt(
                at=clock(), mode="practice", item_uid="t-relu", chapter="ch1_cnn",
                type="single_choice", score=float(i > 12 or i % 3 == 0), correct=i > 12,
                response={}, topics=["activation"]))
            pilot.app.storage.record_attempt(Attempt(
                at=clock(), mode="drill", item_uid=f"d{i}", kind="conv_output", chapter="ch1_cnn",
                type="calculation", score=float(i % 2), correct=bool(i % 2), response={},
                topics=["conv"]))
            if i % 3 == 0:
                pilot.app.storage.record_attempt(Attempt(
                    at=clock(), mode="practice", item_uid="t-nms", chapter="ch8_detection",
                    type="true_false", score=0.0, correct=False, response={}, topics=["nms"]))
        await pilot.press("6")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(history_then_progress))


def _planned_app(make_app, clock, bank):
    """An app with an exam in 14 days, 25 minutes a day and two weeks of answers."""
    from datetime import datetime, timedelta

    from test_today import seed_history

    app = make_app()

    async def prepare(pilot):
        await settle(pilot)
        exam = datetime.fromtimestamp(clock()).date() + timedelta(days=14)
        pilot.app.storage.set_setting("exam_date", exam.isoformat())
        pilot.app.storage.set_setting("daily_minutes", "25")
        seed_history(pilot.app.storage, bank, clock)
    return app, prepare


def test_today(snap_compare, make_app, clock, bank):
    from test_today import open_today

    app, prepare = _planned_app(make_app, clock, bank)

    async def today(pilot):
        await prepare(pilot)
        await open_today(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(today))


def test_progress_charts_without_colour(snap_compare, make_app, clock, bank, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by the app when it is built
    app, prepare = _planned_app(make_app, clock, bank)

    async def charts(pilot):
        await prepare(pilot)
        await pilot.press("6")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(charts))
