"""The newer calculation kinds (Canny, histogram equalisation, median filter, bilinear, full/
same/valid convolution, RPN anchors, gradient clipping) answered in a drill as a student does:
matrices size first, vectors as lists, Enter to go to the next field. The first field is typed
key by key; the others are pasted into the focused box (typing hundreds of keys per matrix
would only make the suite slow), each confirmed with Enter."""

from __future__ import annotations

import pytest

from quizapp.core.grading import expected_text
from textual.widgets import Input

from quizapp.tui.app import Start
from quizapp.tui.screens.practice import PracticeScreen
from tui_helpers import SIZE, settle, sync, text_of

KINDS = ["canny", "hist_eq", "median_filter", "bilinear", "conv_modes", "rpn_anchors", "grad_clip"]


@pytest.mark.parametrize("kind", KINDS)
@sync
async def test_typing_every_field_right_is_marked_right(make_app, kind):
    app = make_app(Start("practice", mode="drill", target=kind, difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        problem = screen.session.current.problem
        for i, f in enumerate(problem.fields):  # the first field has the focus; Enter moves on
            text = expected_text(f, problem.answer[f.name])
            if i == 0:
                await pilot.press(*text)
            else:
                focused = app.focused
                assert isinstance(focused, Input)
                focused.insert_text_at_cursor(text)
            await pilot.press("enter")
            await settle(pilot)
        assert "正确" in text_of(screen, "#verdict"), text_of(screen, "#note")
        assert app.storage.attempts()[0].correct
