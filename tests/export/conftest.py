"""Shared fixtures of the export tests: the bundled bank and its export items (2 variants)."""

from __future__ import annotations

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.export_set import ExportSpec, export_items


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture(scope="session")
def items(bank):
    return export_items(ExportSpec(variants=2, seed=11), bank)


@pytest.fixture(scope="session")
def by_key(items):
    from quizapp.export.common import item_key

    return {item_key(i): i for i in items}
