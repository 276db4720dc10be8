"""Shared fixtures: the real bank and its plan catalogue (built once; the registry costs SymPy)."""

from __future__ import annotations

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.plan.catalogue import build_catalogue


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture(scope="session")
def catalogue(bank):
    return build_catalogue(bank)
