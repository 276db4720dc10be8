"""Keys typed faster than the app draws: what was typed before Ctrl+S / PgDn is what counts.

Ctrl+S and PgDn are priority bindings: the app runs them as soon as their key arrives, while the
keys typed just before may still wait in the answer field's queue. Pilot.press waits for the app
to go idle after every key, so these tests send a burst through the driver as a fast typist (or a
paste, or a loaded machine) does.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from quizapp.tui.app import Start
from quizapp.tui.screens.exam import ExamScreen
from quizapp.tui.screens.practice import PracticeScreen
from tui_helpers import SIZE, settle, sync


def burst(app, *keys: str) -> None:
    """Send ``keys`` at once, without waiting for the app between them."""
    for key in keys:
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


@sync
async def test_ctrl_s_right_after_typing_grades_everything_typed(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        item = screen.session.current
        right = str(item.problem.answer["output_size"])
        await pilot.click(Input)
        await settle(pilot)
        burst(app, *right, "ctrl+s")
        await settle(pilot)
        attempt = app.storage.attempts()[-1]
        assert attempt.correct, (right, attempt.response)
        assert "正确" in str(screen.query_one("#verdict").render())


@sync
async def test_pagedown_right_after_typing_keeps_everything_typed(make_app):
    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        for pos, item in enumerate(screen.exam.items):  # the first question typed into
            if item.type in ("calculation", "fill_blank"):
                break
        else:
            raise AssertionError("the mini paper has no typed question")
        while screen.exam.current != pos:
            await pilot.press("pagedown")
            await settle(pilot)
        await pilot.click(Input)
        await settle(pilot)
        burst(app, "1", "2", "3", "4", "pagedown")
        await settle(pilot)
        saved = screen.exam.responses[pos]
        assert saved is not None and "1234" in str(saved), saved

