"""Today, as a student uses it: set the exam date and minutes, open Today, answer, see it move."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from textual.widgets import Input, OptionList

from quizapp.core.storage import Attempt
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.practice import PracticeScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.today import TodayScreen
from tui_helpers import SIZE, right_response_keys, settle, sync, text_of, wait_for


def today(clock) -> date:
    return datetime.fromtimestamp(clock()).date()


def seed_history(storage, bank, clock, n: int = 24) -> None:
    """Answers over the last days to every type but multiple choice (so it is new today)."""
    pool = [q for q in bank.questions if q.type != "multiple_choice"]
    for i in range(n):
        q = pool[i % len(pool)]
        storage.record_attempt(Attempt(
            at=clock() - 86400 * (1 + i % 5), mode="practice", item_uid=q.id, question_id=q.id,
            chapter=q.chapter, type=q.type, score=float(i % 4 != 0), correct=i % 4 != 0,
            response={}, seconds=30.0))


async def open_today(pilot) -> TodayScreen:
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TodayScreen)
    assert await wait_for(pilot, lambda: screen.report is not None, timeout=30)
    return screen


@sync
async def test_set_the_goal_open_today_answer_and_the_forecast_moves(make_app, bank, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seed_history(app.storage, bank, clock)
        await pilot.press("t")
        await settle(pilot)
        assert "G" in text_of(app.screen, "#today-head")  # no exam date yet: how to set one
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen) and app.focused.id == "exam_date"
        exam = today(clock) + timedelta(days=14)
        await pilot.press(*exam.isoformat(), "enter")
        await settle(pilot)
        minutes = app.screen.query_one("#daily_minutes", Input)
        minutes.focus()
        minutes.value = "0"
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app.screen, "#daily_minutes-error") == "每天分钟数至少为 1，收到的是 0。"
        minutes.value = "25"
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query_one("#daily_minutes-error").display
        assert app.storage.get_setting("exam_date") == exam.isoformat()
        assert app.storage.get_setting("daily_minutes") == "25"
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        assert await wait_for(pilot, lambda: screen.report is not None, timeout=30)
        head = text_of(screen, "#today-head")
        assert "14" in head and "25" in head
        before = screen.report
        assert before.readiness.enough
        entries = before.plan.entries
        assert entries and all(e.reason.text("zh") for e in entries)
        queue = screen.query_one("#queue", OptionList)
        shown = [str(queue.get_option_at_index(i).prompt) for i in range(queue.option_count)]
        for e, text in zip(entries, shown):  # every item shows why it is there
            assert e.reason.text("zh") in text
        n = next(i for i, e in enumerate(entries) if e.type == "multiple_choice")
        for _ in range(n):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        practice = app.screen
        assert isinstance(practice, PracticeScreen) and practice.session.mode == "today"
        item = practice.session.current
        assert item.type == "multiple_choice"
        clock.advance(50)  # the student takes 50 seconds
        await pilot.press(*right_response_keys(item))
        await settle(pilot)
        assert practice.session.answered == 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert await wait_for(pilot, lambda: screen.report is not before, timeout=30)
        after = screen.report
        key = entries[n].key
        assert key not in [e.key for e in after.plan.entries]  # answered today: not again
        assert after.readiness.if_stop.expected > before.readiness.if_stop.expected
        assert text_of(screen, "#forecast") != "" and after.plan.spent_seconds == 50


@sync
async def test_bad_exam_dates_in_settings_get_one_sentence(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_setting("lang", "en")
        await pilot.press("7")
        await settle(pilot)
        field = app.screen.query_one("#exam_date", Input)
        field.focus()
        for text, sentence in (
                ((today(clock) - timedelta(days=1)).isoformat(), "is in the past"),
                ("next friday", "must be a date like 2026-06-30, got 'next friday'.")):
            field.value = text
            await pilot.press("enter")
            await settle(pilot)
            assert sentence in text_of(app.screen, "#exam_date-error")
            assert app.storage.get_setting("exam_date") is None  # nothing saved


@sync
async def test_resuming_an_exam_does_not_renumber_the_home_menu(make_app):
    from quizapp.tui.app import Start
    from quizapp.tui.screens.progress import ProgressScreen

    app = make_app(Start("exam", blueprint="mini", seed=5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # leave the exam: it keeps running
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        menu = app.screen.query_one("#menu", OptionList)
        prompts = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert prompts[0].startswith("r ") and prompts[1].startswith("t ")
        assert prompts[2].startswith("1 ") and "章节" in prompts[2]
        await pilot.press("6")  # progress, with or without an exam waiting
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)


@sync
async def test_bad_goal_values_in_settings_are_explained_in_chinese_on_a_chinese_screen(make_app, clock):
    # The Chinese settings screen answered a bad date or minutes in English only.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_setting("lang", "zh")
        await pilot.press("7")
        await settle(pilot)
        for field_id, text, sentence in (
                ("exam_date", "2026-12-1", "日期要写成 2026-06-30 这样（年-月-日），收到的是 '2026-12-1'。"),
                ("exam_date", (today(clock) - timedelta(days=1)).isoformat(), "已经过去"),
                ("daily_minutes", "0", "每天分钟数至少为 1，收到的是 0。"),
                ("daily_minutes", "abc", "每天分钟数要写整数，如 40，收到的是 'abc'。")):
            field = app.screen.query_one(f"#{field_id}", Input)
            field.focus()
            field.value = text
            await pilot.press("enter")
            await settle(pilot)
            assert sentence in text_of(app.screen, f"#{field_id}-error")
        assert app.storage.get_setting("exam_date") is None
