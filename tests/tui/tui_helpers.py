"""Helpers for the app's tests: keys that answer an item, and running a Pilot test without a
pytest async plugin (none is installed)."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

BANK_DIR = Path(__file__).parent / "fixtures" / "bank"
SIZE = (80, 24)


def sync(test):
    """Run an ``async def`` test with asyncio.run (fixtures are passed through)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def wait_for(pilot, condition, timeout: float = 5.0) -> bool:
    """Let the app run (its timers too) until ``condition()`` holds; False after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            return False
        await pilot.pause(0.05)
    return True


def right_response_keys(item) -> list[str]:
    """Keys that answer a choice item right (from the bank data, not from the grader)."""
    q = item.question
    if item.type == "single_choice":
        return [str([c.correct for c in q.choices].index(True) + 1), "enter"]
    if item.type == "multiple_choice":
        return [str(i + 1) for i, c in enumerate(q.choices) if c.correct] + ["enter"]
    if item.type == "true_false":
        return ["t" if q.answer else "f", "enter"]
    raise AssertionError(f"not a choice item: {item.type}")


def wrong_response_keys(item) -> list[str]:
    q = item.question
    if item.type == "single_choice":
        return [str([c.correct for c in q.choices].index(False) + 1), "enter"]
    if item.type == "true_false":
        return ["f" if q.answer else "t", "enter"]
    raise AssertionError(item.type)


def text_of(screen, selector: str) -> str:
    """The text a Static shows."""
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())
