"""The network-arithmetic kinds in the drill form: every answer field (vectors and matrices
included) is typed as a student would, and the verdict and named mistake come back."""

from __future__ import annotations

from textual.widgets import Input

from quizapp.core.grading import expected_text
from quizapp.tui.app import Start
from tui_helpers import SIZE, settle, sync, text_of


def typed(field, value) -> str:
    if field.shape == "matrix":  # size first, then the rows, as the placeholder says
        d = 0 if field.integer else field.decimals
        rows = [[expected_text(type(field)(field.name, field.label, decimals=d), v) for v in r] for r in value]
        return f"{len(rows)}x{len(rows[0])}: " + "; ".join(" ".join(r) for r in rows)
    return expected_text(field, value)


async def answer_all(pilot, screen, values) -> None:
    problem = screen.session.current.problem
    inputs = list(screen.query(Input))
    for f, box in zip(problem.fields, inputs):
        box.focus()
        await pilot.pause()
        await pilot.press(*typed(f, values.get(f.name, problem.answer[f.name])))
    await pilot.press("enter")
    await settle(pilot)


@sync
async def test_backprop_drill_takes_vectors_and_matrices(make_app):
    app = make_app(Start("practice", mode="drill", target="backprop_step", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        problem = screen.session.current.problem
        assert len(list(screen.query(Input))) == len(problem.fields) == 11
        slip = next(m for m in problem.mistakes if m.id == "sign_of_update")
        await answer_all(pilot, screen, dict(slip.answer))
        # the forward pass and the gradients are right: partial credit, and the slip is named
        assert "部分正确" in text_of(screen, "#verdict")
        assert slip.label.zh in text_of(screen, "#mistakes")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await answer_all(pilot, screen, {})
        assert "正确" in text_of(screen, "#verdict") and "部分" not in text_of(screen, "#verdict")
        assert [a.correct for a in app.storage.attempts()] == [False, True]
