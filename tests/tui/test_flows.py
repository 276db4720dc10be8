"""Pilot tests: each flow played with key presses in an 80x24 terminal."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Checkbox, Input, Static, TextArea

from quizapp.core.storage import SCHEMA_VERSION, Storage
from quizapp.tui.app import Start
from quizapp.tui.dialogs.confirm import ConfirmDialog
from quizapp.tui.dialogs.problem import StorageProblemScreen
from quizapp.tui.screens.exam import ExamScreen
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.practice import PracticeScreen
from quizapp.tui.screens.progress import ProgressScreen
from quizapp.tui.screens.result import ExamReviewScreen, ResultScreen

from tui_helpers import right_response_keys, sync, wait_for, wrong_response_keys

SIZE = (80, 24)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@sync
async def test_home_lists_the_flows_and_help_lists_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        ids = [f[0] for f in app.flows()]
        assert ids == ["chapter", "topic", "drill", "exam", "review", "progress", "settings", "help"]
        assert "10" in text_of(app.screen, "#status")  # the bank's question count
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one(Static).render())
        for key in ("Ctrl+S", "PgDn", "Ctrl+F", "2x2: 1 2; 3 4", "Ctrl+P"):
            assert key in shown
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_palette_lists_every_flow(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("按章节练习", "计算题训练", "模拟考试", "错题本", "学习进度", "设置"):
            assert title in titles


@sync
async def test_practice_right_answer_gives_feedback_and_is_saved(make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        item = screen.session.current
        await pilot.press(*right_response_keys(item))
        await pilot.pause()
        assert "正确" in text_of(screen, "#verdict")
        assert app.storage.attempts()[0].correct and app.storage.attempts()[0].item_uid == item.uid
        await pilot.press("enter")  # next question
        await pilot.pause()
        assert screen.session.current.uid != item.uid and screen.state == "asking"


@sync
async def test_wrong_drill_answer_names_the_known_mistake(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(20):  # find a variant whose numbers have a catalogued mistake
            item = screen.session.current
            if item.problem.mistakes:
                break
            await pilot.press("ctrl+n")
            await pilot.pause()
        mistake = item.problem.mistakes[0]
        await pilot.click(Input)
        await pilot.press(*str(mistake.answer["output_size"]), "enter")
        await pilot.pause()
        assert "错误" in text_of(screen, "#verdict")
        assert mistake.label.zh in text_of(screen, "#mistakes")
        assert str(item.problem.answer["output_size"]) in text_of(screen, "#fields")
        assert text_of(screen, "#solution")  # the worked steps are shown
        assert [e.key for e in app.storage.open_mistakes()] == ["drill:conv_output:easy"]


@sync
async def test_malformed_answer_costs_nothing(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        item = screen.session.current
        await pilot.click(Input)
        await pilot.press(*"abc", "enter")
        await pilot.pause()
        assert "abc" in text_of(screen, "#note") and screen.state == "asking"
        assert app.storage.attempts() == []
        inp = screen.query_one(Input)
        inp.value = ""
        await pilot.press(*str(item.problem.answer["output_size"]), "enter")
        await pilot.pause()
        assert "正确" in text_of(screen, "#verdict")
        assert len(app.storage.attempts()) == 1


@sync
async def test_short_answer_is_self_graded_with_proposed_ticks(make_app):
    app = make_app(Start("practice", mode="topic", target="overfitting"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        if screen.session.current.type != "short_answer":
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert screen.session.current.type == "short_answer"
        screen.query_one(TextArea).focus()
        await pilot.press(*"random drop of units")
        await pilot.press("ctrl+s")
        await pilot.pause()
        boxes = list(screen.query(Checkbox))
        assert [b.value for b in boxes] == [True, False]  # proposed from keywords
        assert screen.state == "ticking" and app.storage.attempts() == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        [a] = app.storage.attempts()
        assert a.score == pytest.approx(0.5) and a.response["ticked"] == [True, False]
        assert "50%" in text_of(screen, "#verdict")
        fields = text_of(screen, "#fields")
        assert "✔ 答到：随机丢弃神经元" in fields and "✘ 没答到：相当于多个子网络的集成" in fields


@sync
async def test_timed_exam_auto_submits_when_time_runs_out(make_app, clock):
    app = make_app(Start("exam", blueprint="one", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert "00:01:00" in text_of(screen, "#countdown")
        item = screen.exam.items[0]
        await pilot.press(*right_response_keys(item)[:1])
        await pilot.pause()
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
        await pilot.pause()
        screen = app.screen
        exam = screen.exam
        first = exam.items[0]
        await pilot.press(*right_response_keys(first)[:1])
        await pilot.press("pagedown")
        await pilot.pause()
        assert exam.current == 1
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert exam.flagged[1] and app.storage.exam_answers(exam.exam_id)[1].flagged
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert app.screen is screen and not exam.submitted
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.result.earned == pytest.approx(first.points)
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ExamReviewScreen)
        assert "正确" in text_of(review, "#verdict")
        await pilot.press("pagedown")
        await pilot.pause()
        assert "未作答" in text_of(review, "#verdict") and "未作答" in text_of(review, "#given")


@sync
async def test_exam_resumes_in_a_new_app_with_answers_and_time(make_app, clock, tmp_path):
    data = tmp_path / "shared"
    app = make_app(Start("exam", blueprint="mini", seed=5), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = app.screen.exam
        calc = next(i for i, it in enumerate(exam.items) if it.type == "calculation")
        await pilot.press(*right_response_keys(exam.items[0])[:1])
        app.screen.show(calc)
        await pilot.pause()
        await pilot.click(Input)
        await pilot.press(*"12")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        clock.advance(120)
        uids = [i.uid for i in exam.items]
        first_answer = dict(exam.responses[0])
    # The app is gone (as if the terminal closed). Later, a new app on the same data dir:
    clock.advance(60)
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [f[0] for f in app2.flows()][0] == "resume"
        assert "进行中" in text_of(app2.screen, "#status")
        await pilot.press("1")
        await pilot.pause()
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
        await pilot.pause()
        await pilot.press(*right_response_keys(app.screen.exam.items[0])[:1])
        await pilot.pause()
    clock.advance(3600)
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app2.screen, ResultScreen)
        assert app2.screen.result.earned == 1.0 and app2.screen.result.reason == "time"


@sync
async def test_corrupt_database_is_backed_up_and_replaced(make_app, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.sqlite3").write_bytes(b"definitely not sqlite " * 100)
    app = make_app(data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StorageProblemScreen)
        assert app.storage is None
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.storage is not None
        backups = list(data.glob("progress.sqlite3.broken-*"))
        assert len(backups) == 1 and backups[0].read_bytes().startswith(b"definitely")
        app.storage.set_setting("lang", "en")  # the fresh file works


@sync
async def test_newer_database_offers_quit_without_touching_it(make_app, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / "progress.sqlite3")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    app = make_app(data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StorageProblemScreen)
        assert "newer" in str(app.screen.query(Static).first().render()) or \
            any("newer" in str(s.render()) for s in app.screen.query(Static))
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 2
    conn = sqlite3.connect(data / "progress.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


@sync
async def test_mistake_review_redrills_until_right(make_app):
    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        wrong_item = screen.session.current
        await pilot.press(*wrong_response_keys(wrong_item))
        await pilot.pause()
        assert "错误" in text_of(screen, "#verdict")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "错题本 1" in text_of(app.screen, "#status")
        await pilot.press("5")  # mistake review
        await pilot.pause()
        review = app.screen
        assert isinstance(review, PracticeScreen) and review.session.mode == "review"
        assert review.session.current.id == wrong_item.id
        await pilot.press(*wrong_response_keys(review.session.current))  # wrong again: stays
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert review.session.current.id == wrong_item.id
        await pilot.press(*right_response_keys(review.session.current))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert review.state == "done" and app.storage.open_mistakes() == []


@sync
async def test_progress_shows_chapters_weakest_first(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from quizapp.core.storage import Attempt

        for i in range(12):
            clock.advance(1)
            app.storage.record_attempt(Attempt(at=clock(), mode="practice", item_uid="t-relu",
                                               chapter="ch1_cnn", type="single_choice",
                                               score=float(i % 2), correct=bool(i % 2), response={}))
            app.storage.record_attempt(Attempt(at=clock(), mode="drill", item_uid="d", kind="iou",
                                               chapter="ch8_detection", type="calculation",
                                               score=0.0, correct=False, response={}))
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        rows = [str(s.render()) for s in screen.query(".stat-text")]
        assert "目标检测" in rows[0] and "0%" in rows[0]  # weakest first
        assert "卷积神经网络" in rows[1] and "50%" in rows[1]
        trends = [str(s.render()) for s in screen.query(".stat-trend")]
        assert trends and all(set(t) <= set("▁▂▃▄▅▆▇█") for t in trends)
        assert set(trends[0]) == {"▁"}  # detection: always 0%, drawn flat at the bottom


@sync
async def test_settings_switch_language_to_english(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        await pilot.press("down", "enter")  # RadioSet: move to English and press it
        await pilot.pause()
        assert app.lang == "en" and app.storage.get_setting("lang") == "en"
        await pilot.press("escape")
        await pilot.pause()
        assert "Practice by chapter" in str(app.screen.query_one("#menu").get_option_at_index(0).prompt)


def matrix_text(value) -> str:
    """A matrix the way the student types it: size first, then the rows."""
    rows = [[int(v) if float(v).is_integer() else v for v in row] for row in value]
    return f"{len(rows)}x{len(rows[0])}: " + "; ".join(" ".join(str(v) for v in r) for r in rows)


@sync
async def test_matrix_drill_takes_size_then_rows(make_app):
    app = make_app(Start("practice", mode="drill", target="conv2d_manual", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        problem = screen.session.current.problem
        [field] = [f for f in problem.fields if f.shape == "matrix"]
        await pilot.click(Input)
        wrong = [row[:] for row in problem.answer[field.name]]
        wrong[0][0] += 1
        await pilot.press(*matrix_text(wrong), "enter")
        await pilot.pause()
        assert "错误" in text_of(screen, "#verdict")
        await pilot.press("ctrl+n")
        await pilot.pause()
        problem = screen.session.current.problem
        await pilot.click(Input)
        await pilot.press(*matrix_text(problem.answer[field.name]), "enter")
        await pilot.pause()
        assert "正确" in text_of(screen, "#verdict")
        assert [a.correct for a in app.storage.attempts()] == [False, True]


@sync
async def test_comprehensive_practice_grades_each_part(make_app):
    app = make_app(Start("practice", mode="topic", target="conv"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.session.current.type != "comprehensive":
            await pilot.press("ctrl+n")
            await pilot.pause()
        item = screen.session.current
        calc_part = item.parts[0].problem
        screen.query_one(Input).value = str(calc_part.answer["output_size"])
        screen.query_one(TextArea).focus()
        await pilot.press(*"it keeps the size")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [b.value for b in screen.query(Checkbox)] == [True, False]
        await pilot.press("ctrl+s")
        await pilot.pause()
        [a] = app.storage.attempts()
        assert a.score == pytest.approx((6 * 1 + 4 * 0.5) / 10)  # part points from the bank
        assert a.response["parts"][1] == {"text": "it keeps the size", "ticked": [True, False]}


@sync
async def test_exam_with_written_answers_is_graded_only_at_the_end(make_app):
    app = make_app(Start("exam", blueprint="mixed", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        exam = screen.exam
        assert [i.type for i in exam.items] == ["multiple_choice", "fill_blank", "short_answer",
                                                "comprehensive"]
        await pilot.press("1", "2", "pagedown")  # both right options of t-overfit
        await pilot.pause()
        await pilot.press("1", "pagedown")  # the blank (focus is in its field)
        await pilot.pause()
        await pilot.press(*"random drop", "pagedown")  # short answer: no key points shown
        await pilot.pause()
        assert not any(c.display for c in screen.query(".ticks"))
        assert exam.responses[2] == {"text": "random drop"}
        assert exam.responses[1] == {"blanks": ["1"]}
        assert exam.responses[0] == {"choices": [0, 1]}
        assert not screen.query("FeedbackPanel")  # no feedback during the exam
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        result = app.screen.result
        by = {r.item.type: r for r in result.items}
        assert by["multiple_choice"].status == "right" and by["fill_blank"].status == "right"
        assert by["short_answer"].earned == pytest.approx(2.0)  # 1 of 2 key points, by keywords
        assert by["comprehensive"].status == "unanswered"
        assert result.earned == pytest.approx(2 + 2 + 2)


@sync
async def test_broken_bank_is_listed_and_the_app_keeps_working(make_app, tmp_path):
    import shutil

    from quizapp.tui.dialogs.problem import BankProblemScreen
    from tui_helpers import BANK_DIR

    broken = tmp_path / "bank"
    shutil.copytree(BANK_DIR, broken)
    (broken / "cnn.yaml").write_text((broken / "cnn.yaml").read_text().replace(
        "difficulty: easy", "dificulty: easy", 1))
    app = make_app(bank=None, bank_dir=broken)
    async with app.run_test(size=SIZE) as pilot:
        await app.bank_ready()
        await pilot.pause()
        assert isinstance(app.screen, BankProblemScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "cnn.yaml" in shown and "dificulty" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("6")  # progress still opens
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)


@sync
async def test_bank_loads_in_a_worker_after_the_home_screen(make_app):
    from tui_helpers import BANK_DIR

    app = make_app(Start("practice", mode="chapter", target="ch8_detection"), bank=None,
                   bank_dir=BANK_DIR)
    async with app.run_test(size=SIZE) as pilot:
        await app.bank_ready()
        await pilot.pause()
        assert app.bank is not None and isinstance(app.screen, PracticeScreen)


@sync
async def test_drill_difficulty_changes_for_the_next_variant(make_app):
    app = make_app(Start("practice", mode="drill", target="conv_output", difficulty="easy"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        first = screen.session.current
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert screen.session.current is first and screen.session.difficulty == "medium"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.session.current.difficulty == "medium" and "medium" in text_of(screen, "#top")


@sync
async def test_progress_lists_past_exams(make_app):
    app = make_app(Start("exam", blueprint="one", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*right_response_keys(app.screen.exam.items[0])[:1], "ctrl+s", "y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "ONE-" in shown and "100%" in shown


KEY_LABELS = {"ctrl+s": "Ctrl+S", "ctrl+n": "Ctrl+N", "ctrl+d": "Ctrl+D", "ctrl+f": "Ctrl+F",
              "f2": "F2", "ctrl+o": "Ctrl+O", "pagedown": "PgDn", "pageup": "PgUp",
              "escape": "Esc", "enter": "Enter", "r": "R", "n": "N", "p": "P", "q": "q",
              "f1": "F1", "question_mark": "?", "ctrl+q": "Ctrl+Q"}


def test_help_lists_every_key_the_screens_bind():
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.help import help_text

    shown = help_text("en")
    for screen in (QuizApp, HomeScreen, PracticeScreen, ExamScreen, ResultScreen, ExamReviewScreen):
        for binding in screen.BINDINGS:
            for key in binding.key.split(","):
                if key.isdigit():
                    assert "1-9" in shown
                    continue
                assert KEY_LABELS[key] in shown, f"{screen.__name__}: {key} is not in the help"


@sync
async def test_exam_from_a_changed_bank_can_be_abandoned(make_app, tmp_path):
    data = tmp_path / "shared"
    app = make_app(Start("exam", blueprint="mini", seed=5), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam_id = app.screen.exam.exam_id
        app.storage._conn.execute("UPDATE exam_answers SET item_uid = 'gone' WHERE position = 0")
    app2 = make_app(data_dir=data)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app2.screen, ConfirmDialog)
        assert "changed" in app2.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert app2.storage.open_exam() is None
        assert app2.storage.exam(exam_id).submit_reason == "abandoned"
        assert app2.flows()[0][0] == "chapter"  # no more "resume"


@sync
async def test_unknown_cli_target_is_one_notification_not_a_crash(make_app):
    app = make_app(Start("practice", mode="topic", target="no-such-topic"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any("no questions for topic 'no-such-topic'" in m for m in messages)


@sync
async def test_mock_exam_from_home_with_a_class_seed(make_app):
    from quizapp.core.paper import paper_code
    from quizapp.tui.dialogs.exam_start import ExamStartDialog
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # the first blueprint: mini
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExamStartDialog) and "10" in str(dialog.query_one(Static).render())
        await pilot.press("3", "enter", "0", "enter")  # seed 3, minutes 0: refused
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#error").display
        dialog.query_one("#minutes", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.exam.paper.seed == 3 and screen.exam.paper.code == paper_code("mini", 3)
        assert screen.exam.remaining() == 600


@sync
async def test_brackets_in_labels_are_shown_not_parsed_as_markup(make_app):
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")  # calculation drill picker: labels end in "[kind_id]"
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        svg = app.export_screenshot()  # what is drawn, not what was passed in
        assert "[conv_output]" in svg.replace("&#160;", " ")


@sync
async def test_chapter_picker_shows_counts_and_accuracy(make_app):
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*wrong_response_keys(app.screen.session.current))
        await pilot.pause()
        await pilot.press("escape", "1")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        labels = dict(app.screen.options)
        assert labels["ch8_detection"].endswith("(2 题 · 正确率 0%)")
        assert labels["ch1_cnn"].endswith("(8 题)")


def test_sparkline_is_anchored_at_zero_and_one():
    from quizapp.tui.screens.progress import bar, spark

    assert spark([0.0, 0.5, 1.0], 10) == "▁▅█"  # 0.5 * 7 = 3.5 rounds to level 4
    assert spark([0.5] * 8, 10) == spark([0.5], 10) * 8  # flat stays flat
    assert len(spark([1.0] * 100, 24)) == 24 and set(spark([1.0] * 100, 24)) == {"█"}
    assert spark([0.0] * 50 + [1.0] * 50, 2) == "▁█"  # averaged per bucket
    assert bar(0.0) == " " * 10 and bar(1.0) == "█" * 10 and bar(0.55).startswith("█████▌")


@sync
async def test_leaving_an_unreadable_exam_answer_warns_but_keeps_it(make_app):
    app = make_app(Start("exam", blueprint="mini", seed=5))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        exam = app.screen.exam
        calc = next(i for i, it in enumerate(exam.items) if it.type == "calculation")
        app.screen.show(calc)
        await pilot.pause()
        await pilot.click(Input)
        await pilot.press(*"1/", "pageup")
        await pilot.pause()
        assert exam.current == calc - 1
        assert exam.responses[calc] == {"fields": {"output_size": "1/"}}
        assert any(n.message.startswith(f"{calc + 1}. ") for n in app._notifications)
