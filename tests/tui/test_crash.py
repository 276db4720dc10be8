"""kill -9 in the middle of an exam: a new app resumes it with every answer given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from quizapp.tui.screens.exam import ExamScreen
from tui_helpers import BANK_DIR, settle, sync

ROOT = Path(__file__).resolve().parents[2]

VICTIM = r"""
import asyncio, os, signal, sys
from quizapp.core.bank.loader import load_bank
from quizapp.tui.app import Start, create_app
from textual.widgets import Input
app = create_app(data_dir=sys.argv[1], bank=load_bank(sys.argv[2]), seed=1, clock=lambda: 1_800_000_000.0,
                 start=Start("exam", blueprint="mini", seed=5))
async def settle(pilot):  # as tui_helpers.settle: run what the screen deferred to its refresh
    await pilot.pause()
    for _ in range(2):
        await asyncio.wait_for(pilot.app.screen.wait_for_refresh(), 10)
    await pilot.pause()
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        exam = app.screen.exam
        await pilot.press("2")                      # question 1: option B
        calc = next(i for i, it in enumerate(exam.items) if it.type == "calculation")
        app.screen.show(calc)
        await settle(pilot)
        await pilot.click(Input)
        await pilot.press("4", "2")                 # typed, never submitted
        await pilot.press("ctrl+f")
        await settle(pilot)
        print(calc, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)        # no clean shutdown at all
asyncio.run(main())
"""


@sync
async def test_exam_survives_kill_9(make_app, tmp_path, clock):
    data = tmp_path / "data"
    out = subprocess.run([sys.executable, "-c", VICTIM, str(data), str(BANK_DIR)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == -9, out.stderr[-2000:]
    calc = int(out.stdout.strip())
    clock.advance(5)
    app = make_app(data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # "resume exam" has its own key
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        exam = screen.exam
        assert exam.responses[0] == {"choice": 1}
        assert exam.responses[calc] == {"fields": {"output_size": "42"}}
        assert exam.flagged[calc] and exam.current == calc
        assert screen.query_one(Input).value == "42"
        assert exam.remaining() == pytest.approx(600 - 5)
