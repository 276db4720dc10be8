"""How fast the app feels: time to the first screen, and keypress-to-feedback latency.

    .venv/bin/python benchmarks/bench_tui.py [--runs N] [--bank DIR]

1. Cold start in a fresh interpreter: ``import quizapp.tui.app`` + build + run headless until the
   home screen is mounted (the bank loads in a worker *after* that; its time is reported apart).
2. Keypress to feedback: in a drill, type the answer and press Enter; time from sending the key
   until the frame with the verdict has been painted (a ``call_after_refresh`` callback queued
   by the grading action; Pilot's own idle waits are not counted). Same for a single-choice
   item. Median and worst of N runs, in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COLD = r"""
import time, sys, asyncio
t0 = time.perf_counter()
from quizapp.tui.app import create_app
from quizapp.tui.screens.home import HomeScreen
t_import = time.perf_counter() - t0
app = create_app(data_dir=sys.argv[1], bank_dir=sys.argv[2] if len(sys.argv) > 2 else None)
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, HomeScreen) or not app.screen.is_mounted:
            await asyncio.sleep(0.001)
        t_home = time.perf_counter() - t0
        heavy = [m for m in ("sympy", "pydantic", "yaml") if m in sys.modules]
        await app.bank_ready()
        t_bank = time.perf_counter() - t0
        print(f"{t_import:.4f} {t_home:.4f} {t_bank:.4f} {','.join(heavy) or '-'}")
asyncio.run(main())
"""


def cold_start(runs: int, bank: str | None) -> None:
    rows = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            args = [sys.executable, "-c", COLD, data] + ([bank] if bank else [])
            out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
            imp, home, bank_s, heavy = out.stdout.split()
            rows.append((float(imp), float(home), float(bank_s), heavy))
    homes = [r[1] for r in rows]
    print(f"cold start, {runs} runs (fresh interpreter each):")
    print(f"  import quizapp.tui.app       median {statistics.median(r[0] for r in rows) * 1000:7.1f} ms")
    print(f"  home screen mounted          median {statistics.median(homes) * 1000:7.1f} ms, "
          f"worst {max(homes) * 1000:7.1f} ms")
    print(f"  bank loaded (worker, after)  median {statistics.median(r[2] for r in rows) * 1000:7.1f} ms")
    print(f"  heavy modules imported before home: {rows[0][3]}")


def watch_paint(app, screen) -> list[float]:
    """Record when the frame after each grading has been drawn."""
    painted: list[float] = []
    check = screen.action_check

    def timed_check() -> None:
        check()
        app.call_after_refresh(lambda: painted.append(time.perf_counter()))

    screen.action_check = timed_check
    return painted


async def feedback_latency(runs: int, bank_dir: str | None) -> None:
    from quizapp.core.bank.loader import load_bank
    from quizapp.tui.app import Start, create_app

    bank = load_bank(bank_dir) if bank_dir else load_bank()
    drill, choice = [], []
    with tempfile.TemporaryDirectory() as data:
        app = create_app(data_dir=data, bank=bank, seed=1,
                         start=Start("practice", mode="drill", target="conv_output", difficulty="easy"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            painted = watch_paint(app, screen)
            for _ in range(runs):
                answer = str(screen.session.current.problem.answer["output_size"])
                await pilot.press(*answer)
                t0 = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                assert screen.state == "graded"
                drill.append(painted[-1] - t0)
                await pilot.press("ctrl+n")
                await pilot.pause()
        single = [q for q in bank.questions if q.type == "single_choice"]
        if single:
            chapter = single[0].chapter
            app = create_app(data_dir=data, bank=bank, seed=2,
                             start=Start("practice", mode="chapter", target=chapter))
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                screen = app.screen
                painted = watch_paint(app, screen)
                for _ in range(runs * 3):
                    if len(choice) >= runs:
                        break
                    item = screen.session.current
                    if item.type != "single_choice":
                        await pilot.press("ctrl+n")
                        await pilot.pause()
                        continue
                    await pilot.press("1")
                    t0 = time.perf_counter()
                    await pilot.press("enter")
                    await pilot.pause()
                    assert screen.state == "graded"
                    choice.append(painted[-1] - t0)
                    await pilot.press("ctrl+n")
                    await pilot.pause()
    for name, xs in (("drill (type answer, Enter)", drill), ("single choice (1, Enter)", choice)):
        if xs:
            print(f"keypress -> feedback, {name}: median {statistics.median(xs) * 1000:6.1f} ms, "
                  f"worst {max(xs) * 1000:6.1f} ms over {len(xs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bank", help="bank directory (default: the bundled bank)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    cold_start(args.runs, args.bank)
    asyncio.run(feedback_latency(max(args.runs, 10), args.bank))


if __name__ == "__main__":
    main()
