"""Home, help, palette, progress, settings, pickers, and what happens when storage or the bank fails."""

from __future__ import annotations

import sqlite3

from rich.console import Console
from textual.widgets import Static

from quizapp.core.storage import SCHEMA_VERSION
from quizapp.tui.app import Start
from quizapp.tui.dialogs.problem import StorageProblemScreen
from quizapp.tui.screens.exam import ExamScreen
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.practice import PracticeScreen
from quizapp.tui.screens.progress import ProgressScreen
from quizapp.tui.screens.result import ExamReviewScreen, ResultScreen
from tui_helpers import SIZE, right_response_keys, settle, sync, text_of, wrong_response_keys


@sync
async def test_home_lists_the_flows_and_help_lists_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        ids = [f[0] for f in app.flows()]
        assert ids == ["today", "chapter", "topic", "drill", "exam", "review", "progress", "settings", "help"]
        assert "10" in text_of(app.screen, "#status")  # the bank's question count
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=66, record=True)
        console.print(app.screen.keys_table)  # the table the dialog shows
        shown = console.export_text()
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
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("按章节练习", "计算题训练", "模拟考试", "错题本", "学习进度", "设置"):
            assert title in titles


KEY_LABELS = {"ctrl+s": "Ctrl+S", "ctrl+n": "Ctrl+N", "ctrl+d": "Ctrl+D", "ctrl+t": "Ctrl+T", "ctrl+f": "Ctrl+F",
              "f2": "F2", "ctrl+o": "Ctrl+O", "pagedown": "PgDn", "pageup": "PgUp",
              "escape": "Esc", "enter": "Enter", "r": "R", "n": "N", "p": "P", "q": "q", "t": "T",
              "s": "S", "g": "G", "m": "M",
              "f1": "F1", "question_mark": "?", "ctrl+q": "Ctrl+Q"}


def test_help_lists_every_key_the_screens_bind():
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.help import help_text

    shown = help_text("en")
    from quizapp.tui.screens.today import TodayScreen

    for screen in (QuizApp, HomeScreen, PracticeScreen, ExamScreen, ResultScreen, ExamReviewScreen,
                   TodayScreen):
        for binding in screen.BINDINGS:
            for key in binding.key.split(","):
                if key.isdigit():
                    assert "1-9" in shown
                    continue
                assert KEY_LABELS[key] in shown, f"{screen.__name__}: {key} is not in the help"


@sync
async def test_corrupt_database_is_backed_up_and_replaced(make_app, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.sqlite3").write_bytes(b"definitely not sqlite " * 100)
    app = make_app(data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StorageProblemScreen)
        assert app.storage is None
        await pilot.press("b")
        await settle(pilot)
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
        await settle(pilot)
        assert isinstance(app.screen, StorageProblemScreen)
        assert "newer" in str(app.screen.query(Static).first().render()) or \
            any("newer" in str(s.render()) for s in app.screen.query(Static))
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 2
    conn = sqlite3.connect(data / "progress.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


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
        await settle(pilot)
        assert isinstance(app.screen, BankProblemScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "cnn.yaml" in shown and "dificulty" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("6")  # progress still opens
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)


@sync
async def test_bank_loads_in_a_worker_after_the_home_screen(make_app):
    from tui_helpers import BANK_DIR

    app = make_app(Start("practice", mode="chapter", target="ch8_detection"), bank=None,
                   bank_dir=BANK_DIR)
    async with app.run_test(size=SIZE) as pilot:
        await app.bank_ready()
        await settle(pilot)
        assert app.bank is not None and isinstance(app.screen, PracticeScreen)


@sync
async def test_unknown_target_reaching_the_app_is_one_notification_not_a_crash(make_app):
    # The CLI refuses it before the app opens (tests/test_cli_hardening.py); a Start built some
    # other way still gets one sentence, not a traceback.
    app = make_app(Start("practice", mode="topic", target="no-such-topic"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any("No question has the topic 'no-such-topic'" in m for m in messages)


@sync
async def test_progress_shows_chapters_weakest_first(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
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
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        rows = [str(s.render()) for s in screen.query(".stat-text")]
        assert "目标检测" in rows[0] and "0%" in rows[0]  # weakest first
        assert "卷积神经网络" in rows[1] and "50%" in rows[1]
        trends = [str(s.render()) for s in screen.query(".stat-trend")]
        assert trends and all(set(t) <= set("▁▂▃▄▅▆▇█") for t in trends)
        assert set(trends[0]) == {"▁"}  # detection: always 0%, drawn flat at the bottom


@sync
async def test_progress_lists_past_exams(make_app):
    app = make_app(Start("exam", blueprint="one", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*right_response_keys(app.screen.exam.items[0])[:1], "ctrl+s", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "ONE-" in shown and "100%" in shown


def test_sparkline_is_anchored_at_zero_and_one():
    from quizapp.tui.screens.progress import bar, spark

    assert spark([0.0, 0.5, 1.0], 10) == "▁▅█"  # 0.5 * 7 = 3.5 rounds to level 4
    assert spark([0.5] * 8, 10) == spark([0.5], 10) * 8  # flat stays flat
    assert len(spark([1.0] * 100, 24)) == 24 and set(spark([1.0] * 100, 24)) == {"█"}
    assert spark([0.0] * 50 + [1.0] * 50, 2) == "▁█"  # averaged per bucket
    assert bar(0.0) == " " * 10 and bar(1.0) == "█" * 10 and bar(0.55).startswith("█████▌")


@sync
async def test_settings_switch_language_to_english(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert app.focused.id == "exam_date"  # the first field: a date typed at once goes there
        await pilot.press("tab", "tab")  # past the minutes to the language
        await settle(pilot)
        assert app.focused.id == "lang"
        await pilot.press("down", "enter")  # RadioSet: move to English and press it
        await settle(pilot)
        assert app.lang == "en" and app.storage.get_setting("lang") == "en"
        await pilot.press("escape")
        await settle(pilot)
        assert "Today" in str(app.screen.query_one("#menu").get_option_at_index(0).prompt)
        assert "Practice by chapter" in str(app.screen.query_one("#menu").get_option_at_index(1).prompt)


@sync
async def test_chapter_picker_shows_counts_and_accuracy(make_app):
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app(Start("practice", mode="chapter", target="ch8_detection"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*wrong_response_keys(app.screen.session.current))
        await settle(pilot)
        await pilot.press("escape", "1")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        labels = dict(app.screen.options)
        assert labels["ch8_detection"].endswith("(2 题 · 正确率 0%)")
        assert labels["ch1_cnn"].endswith("(8 题)")


@sync
async def test_brackets_in_labels_are_shown_not_parsed_as_markup(make_app):
    from quizapp.tui.dialogs.picker import PickerScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # calculation drill picker: labels end in "[kind_id]"
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        svg = app.export_screenshot()  # what is drawn, not what was passed in
        assert "[conv_output]" in svg.replace("&#160;", " ")


@sync
async def test_topic_practice_heading_names_the_topic(make_app):
    # It showed the raw tag ('主题练习 · lstm'); tags without a name show as their words.
    app = make_app(Start("practice", mode="topic", target="overfitting"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        heading = str(app.screen.query_one("#heading").render())
        assert heading.startswith("主题练习 · ") and "overfitting" in heading
        app.bank.topic_names["overfitting"] = type(app.bank.topic_title("x"))(zh="过拟合", en="overfitting")
        try:
            assert app.screen.heading() == "主题练习 · 过拟合"
        finally:
            del app.bank.topic_names["overfitting"]
