"""Mock exams played with key presses: countdown, flags, submit, auto-submit, resume, review."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from quizapp.tui.app import Start
from quizapp.tui.dialogs.confirm import ConfirmDialog
from quizapp.tui.screens.exam import ExamScreen
from quizapp.tui.screens.marking import MarkingScreen
from quizapp.tui.screens.result import ExamReviewScreen, ResultScreen
from tui_helpers import (
    SIZE, right_response_keys, settle, submit_a_short_answer_and_open_marking, sync, text_of, wait_for,
)


@sync
async def test_timed_exam_auto_submits_when_time_runs_out(make_app, clock):
    app = make_app(Start("exam", blueprint="one", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert "00:01:00" in text_of(screen, "#countdown")
        item = screen.exam.items[0]
        await pilot.press(*right_response_keys(item)[:1])
        await settle(pilot)
        assert screen.exam.responses[0] is not None  # saved before the clock moves
        clock.advance(30)
        assert await wait_for(pilot, lambda: "00:00:30" in text_of(screen, "#countdown"))
        clock.advance(31)  # the countdown's own timer notices and submits
        assert await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen))
        result = app.screen.result
        assert result.reason == "time" and result.earned == 1.0
        assert app.storage.open_exam() is None


@sync
async def test_exam_submit_confirm_result_and_review(make_app):
    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        exam = screen.exam
        first = exam.items[0]
        await pilot.press(*right_response_keys(first)[:1])
        await pilot.press("pagedown")
        await settle(pilot)
        assert exam.current == 1
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert exam.flagged[1] and app.storage.exam_answers(exam.exam_id)[1].flagged
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep going
        await settle(pilot)
        assert app.screen is screen and not exam.submitted
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.result.earned == pytest.approx(first.points)
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ExamReviewScreen)
        assert "正确" in text_of(review, "#verdict")
        await pilot.press("pagedown")
        await settle(pilot)
        assert "未作答" in text_of(review, "#verdict") and "未作答" in text_of(review, "#given")


@sync
async def test_exam_resumes_in_a_new_app_with_answers_and_time(make_app, clock, tmp_path):
    data = tmp_path / "shared"
    app = make_app(Start("exam", blueprint="mini", seed=5), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        exam = app.screen.exam
        calc = next(i for i, it in enumerate(exam.items) if it.type == "calculation")
        await pilot.press(*right_response_keys(exam.items[0])[:1])
        app.screen.show(calc)
        await settle(pilot)
        await pilot.click(Input)
        await pilot.press(*"12")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        clock.advance(120)
        uids = [i.uid for i in exam.items]
        first_answer = dict(exam.responses[0])
    # The app is gone (as if the terminal closed). Later, a new app on the same data dir:
    clock.advance(60)
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [f[0] for f in app2.flows()][0] == "resume"
        assert "进行中" in text_of(app2.screen, "#status")
        await pilot.press("r")  # resume has its own key
        await settle(pilot)
        screen = app2.screen
        assert isinstance(screen, ExamScreen)
        e2 = screen.exam
        assert [i.uid for i in e2.items] == uids
        assert e2.responses[0] == first_answer
        assert e2.responses[calc] == {"fields": {"output_size": "12"}}
        assert e2.flagged[calc] and e2.current == calc
        assert screen.query_one(Input).value == "12"  # shown again in its field
        assert e2.remaining() == pytest.approx(600 - 180)
        assert "00:07:00" in text_of(screen, "#countdown")


@sync
async def test_exam_expired_while_closed_is_submitted_on_resume(make_app, clock, tmp_path):
    data = tmp_path / "shared"
    app = make_app(Start("exam", blueprint="one", seed=2), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*right_response_keys(app.screen.exam.items[0])[:1])
        await settle(pilot)
    clock.advance(3600)
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # resume has its own key
        await settle(pilot)
        assert isinstance(app2.screen, ResultScreen)
        assert app2.screen.result.earned == 1.0 and app2.screen.result.reason == "time"


@sync
async def test_exam_with_written_answers_is_graded_only_at_the_end(make_app):
    app = make_app(Start("exam", blueprint="mixed", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        exam = screen.exam
        assert [i.type for i in exam.items] == ["multiple_choice", "fill_blank", "short_answer",
                                                "comprehensive"]
        await pilot.press("1", "2", "pagedown")  # both right options of t-overfit
        await settle(pilot)
        await pilot.press("1", "pagedown")  # the blank (focus is in its field)
        await settle(pilot)
        await pilot.press(*"random drop", "pagedown")  # short answer: no key points shown
        await settle(pilot)
        assert not any(c.display for c in screen.query(".ticks"))
        assert exam.responses[2] == {"text": "random drop"}
        assert exam.responses[1] == {"blanks": ["1"]}
        assert exam.responses[0] == {"choices": [0, 1]}
        assert not screen.query("FeedbackPanel")  # no feedback during the exam
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        result = app.screen.result
        by = {r.item.type: r for r in result.items}
        assert by["multiple_choice"].status == "right" and by["fill_blank"].status == "right"
        assert by["short_answer"].earned == 0  # written: counted once the student marks it
        assert by["comprehensive"].status == "unanswered"
        assert result.earned == pytest.approx(2 + 2) and result.awaiting == pytest.approx(4)
        assert "还有 4 分的书面作答待批改" in text_of(app.screen, "#awaiting")

        # Marking, as a teacher marks a script: nothing is ticked for the student; the
        # machine's suggestion is shown beside each point, labelled as one.
        await pilot.press("m")
        await settle(pilot)
        marking = app.screen
        assert isinstance(marking, MarkingScreen)
        assert "random drop" in text_of(marking, "#mark-answer")
        ticks = marking.query_one("#mark-ticks")
        assert ticks.selected == set()
        labels = " ".join(ticks.labels)
        assert "机器建议：✓" in labels and "不计分" in labels
        await pilot.press("1")  # tick the first key point (saved at once)
        await settle(pilot)
        assert app.storage.exam_marks(exam.exam_id) == {(2, 0): ([True, False], False)}
        await pilot.press("enter")  # confirm: the only written answer, back to the result
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.result.earned == pytest.approx(2 + 2 + 2)
        assert app.screen.result.awaiting == 0 and not app.screen.query_one("#awaiting").display
        assert app.storage.exam(exam.exam_id).score == pytest.approx(6)
        assert app.storage.self_marked(exam.exam_id) == {exam.items[2].uid: {"0": [True, False]}}


@sync
async def test_marking_interrupted_by_closing_the_app_is_offered_again(make_app, tmp_path):
    data = tmp_path / "marks"
    app = make_app(Start("exam", blueprint="mixed", seed=1), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await submit_a_short_answer_and_open_marking(pilot)
        await pilot.press("2")  # one tick, not confirmed; then the app is closed
        await settle(pilot)
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "批改书面作答" in str(app2.screen.query_one("#menu").get_option_at_index(0).prompt)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app2.screen, MarkingScreen)
        assert app2.screen.query_one("#mark-ticks").selected == {1}  # the tick was kept
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app2.screen, ResultScreen) and app2.screen.result.awaiting == 0


@sync
async def test_exam_from_a_changed_bank_can_be_abandoned(make_app, tmp_path):
    data = tmp_path / "shared"
    app = make_app(Start("exam", blueprint="mini", seed=5), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        exam_id = app.screen.exam.exam_id
        app.storage._conn.execute("UPDATE exam_answers SET item_uid = 'gone' WHERE position = 0")
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # resume has its own key
        await settle(pilot)
        assert isinstance(app2.screen, ConfirmDialog)
        assert "changed" in app2.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert app2.storage.open_exam() is None
        assert app2.storage.exam(exam_id).submit_reason == "abandoned"
        assert "resume" not in [f[0] for f in app2.flows()]


@sync
async def test_mock_exam_from_home_with_a_class_seed(make_app):
    from quizapp.core.paper import paper_code
    from quizapp.tui.dialogs.exam_start import ExamStartDialog
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the first blueprint: mini
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExamStartDialog) and "10" in str(dialog.query_one(Static).render())
        await pilot.press("3", "tab", "0", "enter")  # seed 3, minutes 0: refused
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#error").display
        dialog.query_one("#minutes", Input).value = ""
        dialog.query_one("#seed", Input).focus()
        await settle(pilot)
        await pilot.press("enter")  # Enter in the seed field starts the exam
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.exam.paper.seed == 3 and screen.exam.paper.code == paper_code("mini", 3)
        assert screen.exam.remaining() == 600


@sync
async def test_leaving_an_unreadable_exam_answer_warns_but_keeps_it(make_app):
    app = make_app(Start("exam", blueprint="mini", seed=5))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        exam = app.screen.exam
        calc = next(i for i, it in enumerate(exam.items) if it.type == "calculation")
        app.screen.show(calc)
        await settle(pilot)
        await pilot.click(Input)
        await pilot.press(*"1/", "pageup")
        await settle(pilot)
        assert exam.current == calc - 1
        assert exam.responses[calc] == {"fields": {"output_size": "1/"}}
        assert any(n.message.startswith(f"{calc + 1}. ") for n in app._notifications)


@sync
async def test_leaving_a_question_saves_what_it_shows_even_before_its_change_message(make_app):
    """Keys typed quickly and then PgDn (or the clock running out) can leave the answer area
    before its Changed message reaches the screen, which then ignores it as stale. The screen
    saves what the area shows when it leaves it."""
    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        exam = screen.exam
        right = int(right_response_keys(exam.items[0])[0]) - 1
        screen.area.form.choices.set_selected({right})  # picked, no Changed message posted
        assert exam.responses[0] is None
        screen.action_move(1)  # runs from the back of the focused widget's queue (keys first)
        await settle(pilot)
        assert exam.current == 1
        assert exam.responses[0] == {"choice": right}
        assert app.storage.exam_answers(exam.exam_id)[0].response == {"choice": right}


@sync
async def test_leaving_a_question_before_it_loaded_keeps_its_saved_answer(make_app):
    app = make_app(Start("exam", blueprint="mini", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        exam = screen.exam
        await pilot.press(right_response_keys(exam.items[0])[0], "pagedown")
        await settle(pilot)
        saved = exam.responses[0]
        assert saved is not None
        screen.show(0)  # its area is mounted but not yet loaded with the saved answer ...
        screen.show(1)  # ... when it is left again: the empty area must not overwrite it
        assert exam.responses[0] == saved
        await settle(pilot)
        assert exam.responses[0] == saved


@sync
async def test_the_exam_status_line_fits_80_columns_in_both_languages(make_app, tmp_path):
    # In "中文 + English" the status said the paper code twice and the English half ran under
    # the countdown at 80 columns.
    from rich.cells import cell_len

    from quizapp.core.storage import Storage

    data = tmp_path / "both"
    data.mkdir()
    storage = Storage.open(data / "progress.sqlite3")
    storage.set_setting("lang", "both")
    storage.close()
    app = make_app(Start("exam", blueprint="mini", seed=3), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen) and app.lang == "both"
        status, clock = text_of(screen, "#exam-status"), text_of(screen, "#countdown")
        assert status.count(screen.exam.paper.code) == 1
        assert "已答" in status and "answered" in status
        assert cell_len(status) + cell_len(clock) + 2 <= SIZE[0], status


@sync
async def test_result_tables_show_every_name_and_percentage_in_full(make_app):
    """The tables were filled twice at once (mount, then resume) and kept their headers'
    widths: '一、选择题' showed as '一、' and 50% as '5'."""
    from rich.cells import cell_len
    from textual.widgets import DataTable

    app = make_app(Start("exam", blueprint="mixed", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "2", "ctrl+s", "y")
        await settle(pilot)
        for table in app.screen.query(DataTable):
            for column in table.columns.values():
                cells = [str(table.get_cell(row, column.key)) for row in table.rows]
                assert column.width >= max(cell_len(c) for c in cells + [column.label.plain])
