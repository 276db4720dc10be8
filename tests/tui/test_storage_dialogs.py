"""The storage dialog under faults (issue 13): no destructive default, no reset of a file another
quizapp holds, a full disk offers Retry only, a file missing a table gets the dialog."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from textual.widgets import Button

from quizapp.core.storage import SCHEMA_VERSION, Storage
from quizapp.tui.dialogs.problem import StorageProblemScreen
from quizapp.tui.screens.home import HomeScreen
from tui_helpers import SIZE, settle, sync

ROOT = Path(__file__).resolve().parents[2]


def _buttons(screen) -> list[str]:
    return [b.id for b in screen.query(Button)]


@sync
async def test_damaged_and_newer_files_never_focus_the_reset(make_app, tmp_path):
    for name, make in (("damaged", lambda p: p.write_bytes(b"not sqlite " * 300)),
                       ("newer", lambda p: sqlite3.connect(p).execute(
                           f"PRAGMA user_version = {SCHEMA_VERSION + 1}"))):
        data = tmp_path / name
        data.mkdir()
        make(data / "progress.sqlite3")
        app = make_app(data_dir=data)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StorageProblemScreen)
            assert "reset" in _buttons(app.screen)
            assert app.focused is not None and app.focused.id != "reset", name
            await pilot.press("enter")  # Enter on the default: never the reset
            await settle(pilot)
        assert not list(data.glob("*.broken-*")), name


HOLDER = """
import sys
from quizapp.core.storage import Storage
s = Storage.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


@sync
async def test_no_reset_while_another_quizapp_has_the_file_open(make_app, tmp_path, monkeypatch):
    """A second instance that (wrongly or rightly) thinks the file is damaged must not move the
    file a live instance is writing to."""
    from quizapp.core import storage as st
    from quizapp.core.storage import CorruptDatabase

    data = tmp_path / "data"
    path = data / "progress.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"

        def damaged(*a, **k):
            raise CorruptDatabase(f"The progress file {path} is damaged and cannot be read.")
        monkeypatch.setattr(st.Storage, "open", classmethod(damaged))
        app = make_app(data_dir=data)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StorageProblemScreen)
            assert "reset" not in _buttons(app.screen)
            await pilot.press("b")
            await settle(pilot)
        assert path.exists() and not list(data.glob("*.broken-*"))
    finally:
        holder.communicate("\n", timeout=30)


@sync
async def test_full_disk_offers_retry_and_no_reset(make_app, tmp_path, monkeypatch):
    from quizapp.core import database as db
    from quizapp.core import storage as st

    # The error sqlite itself raises when the disk is full (its page limit is the same code path).
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("PRAGMA max_page_count = 2")
    try:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.Error as exc:
        full = exc
    calls = []
    real_open = Storage.open.__func__

    def open_on_full_disk(cls, path, **kw):
        calls.append(path)
        if len(calls) == 1:
            raise db.classify_error(full, Path(path))
        return real_open(cls, path, **kw)
    monkeypatch.setattr(st.Storage, "open", classmethod(open_on_full_disk))
    app = make_app(data_dir=tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StorageProblemScreen)
        assert "full" in app.screen.error.message
        assert _buttons(app.screen) == ["retry", "quit"]
        await pilot.press("r")  # space freed: Retry opens it
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.storage is not None


@sync
async def test_a_file_missing_a_table_gets_the_dialog_not_a_crash(make_app, tmp_path):
    data = tmp_path / "data"
    Storage.open(data / "progress.sqlite3").close()
    conn = sqlite3.connect(data / "progress.sqlite3")
    conn.execute("DROP TABLE exams")
    conn.commit()
    conn.close()
    app = make_app(data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StorageProblemScreen)
        assert "exams is missing" in app.screen.error.message


@sync
async def test_submitting_an_exam_another_window_submitted_shows_its_result_once(make_app, tmp_path,
                                                                                  bank, clock):
    """Issue 13 D3 as a student meets it: a second window submits after the first did."""
    from quizapp.core.exam import ExamSession
    from quizapp.tui.app import Start
    from quizapp.tui.screens.result import ResultScreen
    from tui_helpers import right_response_keys

    data = tmp_path / "data"
    app = make_app(Start("exam", blueprint="mini", seed=3), data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        exam = app.screen.exam
        await pilot.press(*right_response_keys(exam.items[0])[:1])
        await settle(pilot)
        other = Storage.open(data / "progress.sqlite3", clock=clock)  # the other window
        ExamSession.resume(bank, other, exam.exam_id, clock=clock).submit()
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert "another window" in app.screen.notice or "另一个窗口" in app.screen.notice
        assert app.screen.result.items[0].status == "right"  # its answer was graded there
        assert len(other.attempts(mode="exam")) == len(exam.items)  # recorded once
