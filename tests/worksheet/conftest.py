"""Fixtures of the worksheet tests: the small bank in fixtures/bank."""

from __future__ import annotations

import pytest
from worksheet_helpers import FIXTURE_BANK


@pytest.fixture(scope="session")
def bank():
    from quizapp.core.bank.loader import load_bank

    return load_bank(FIXTURE_BANK)
