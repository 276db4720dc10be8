"""Fixtures of the worksheet tests: the small bank in fixtures/bank."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


@pytest.fixture(scope="session")
def bank():
    from quizapp.core.bank.loader import load_bank

    return load_bank(FIXTURE_BANK)
