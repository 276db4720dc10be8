"""Shared fixtures for the app's Pilot and snapshot tests: the tiny bank, a fake clock, a factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.tui.app import QuizApp, Start, create_app

BANK_DIR = Path(__file__).parent / "fixtures" / "bank"
T0 = 1_800_000_000.0  # a fixed "now" for every test


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, t: float = T0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(scope="session")
def bank():
    return load_bank(BANK_DIR)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path, bank, clock):
    """Build the app exactly as the CLI does, on a temporary data dir, with the tiny bank."""

    def make(start: Start | None = None, *, seed: int | None = 7, data_dir: Path | None = None,
             **kw) -> QuizApp:
        return create_app(data_dir=data_dir or tmp_path / "data", bank=kw.pop("bank", bank),
                          clock=clock, seed=seed, start=start, **kw)

    return make
