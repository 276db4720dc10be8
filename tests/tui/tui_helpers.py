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


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until the app has caught up with everything the test did so far.

    ``pilot.pause()`` alone returns once the process *looks* idle (little CPU used over 20 ms),
    which on a loaded machine can be before the screen's next refresh. Screens defer work to that
    refresh with ``call_after_refresh`` (the exam and practice screens focus the answer area and
    load a saved answer there; the result screen fills its tables on mount), so a key pressed
    after a bare pause could reach the wrong widget, and a test that ends could close a screen
    that is still mounting. ``wait_for_refresh`` queues a marker behind every such callback and
    returns once the screen has been laid out and has run them; twice, for callbacks that
    themselves schedule one (focus, then scroll).
    """
    app = pilot.app
    await pilot.pause()
    for _ in range(2):
        if app.return_code is not None:  # quitting: no refresh will come
            return
        refreshed = asyncio.ensure_future(app.screen.wait_for_refresh())
        end = asyncio.get_running_loop().time() + timeout
        while not refreshed.done():
            await asyncio.wait([refreshed], timeout=0.05)
            if app.return_code is not None:
                refreshed.cancel()
                return
            if asyncio.get_running_loop().time() > end:
                refreshed.cancel()
                raise AssertionError(f"the screen {app.screen!r} did not refresh in {timeout} s")
    await pilot.pause()


async def wait_for(pilot, condition, timeout: float = 10.0) -> bool:
    """Let the app run (its timers too) until ``condition()`` holds; False after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            return False
        await pilot.pause(0.05)
    await settle(pilot)
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


async def submit_a_short_answer_and_open_marking(pilot, text: str = "random drop") -> None:
    """On the 'mixed' paper (seed 1): answer its short-answer item, submit, press M to mark."""
    await settle(pilot)
    await pilot.press("pagedown", "pagedown")
    await settle(pilot)
    await pilot.press(*text, "ctrl+s", "y")
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
