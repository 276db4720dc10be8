"""Start-up stays light, and the CLI builds the app through the same factory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from quizapp.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import asyncio, sys
from quizapp.tui.app import create_app
from quizapp.tui.screens.home import HomeScreen
app = create_app(data_dir=sys.argv[1], bank_dir=sys.argv[2])
# The app starts the bank worker after its first refresh. Look at sys.modules at that moment,
# from inside the app: polling from the test instead raced the worker thread's imports.
seen = []
start_worker = app.load_bank
def load_bank():
    heavy = ",".join(m for m in ("sympy", "pydantic", "yaml", "solvers") if m in sys.modules) or "-"
    seen.append(heavy if isinstance(app.screen, HomeScreen) else "home-not-shown")
    return start_worker()
app.load_bank = load_bank
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await app.bank_ready()
        print(seen[0] if len(seen) == 1 else f"worker-started-{len(seen)}-times")
        print("bank" if app.bank is not None else "no bank")
asyncio.run(main())
"""


def test_home_shows_before_the_bank_or_sympy_are_imported(tmp_path):
    bank = ROOT / "tests" / "tui" / "fixtures" / "bank"
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), str(bank)], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = out.stdout.split()
    assert before == "-"  # nothing heavy before the first screen
    assert after == "bank"  # and the bank then loads in the worker


def test_core_sessions_do_not_import_textual():
    code = ("import sys; import quizapp.core.practice, quizapp.core.exam, quizapp.core.progress, "
            "quizapp.core.review, quizapp.core.storage, quizapp.core.paths; "
            "print('textual' in sys.modules or 'rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_cli_commands_map_to_flows():
    from quizapp.cli import app as cli_app

    parser = build_parser()
    args = parser.parse_args(["--data-dir", "/tmp/x", "practice", "--kind", "iou", "--difficulty", "hard"])
    assert args.handler is cli_app.run_practice and args.kind == "iou" and args.difficulty == "hard"
    args = parser.parse_args(["exam", "--minutes", "5", "--seed", "42"])
    assert args.handler is cli_app.run_exam and (args.paper, args.minutes, args.seed) == ("final", 5, 42)


def test_cli_rejects_bad_minutes_with_one_sentence(tmp_path):
    out = subprocess.run([sys.executable, "-m", "quizapp", "--data-dir", str(tmp_path), "exam",
                          "--minutes", "0"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip() == "quizapp: --minutes must be at least 1, got 0."


def test_help_and_other_commands_do_not_pay_for_textual():
    code = ("import sys; from quizapp.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('textual', 'sympy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr
