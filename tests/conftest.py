"""Test-wide settings."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config):
    # The validated-bank cache goes to a directory of this run, never the user's cache
    # (subprocesses started by tests inherit it).
    os.environ["QUIZAPP_CACHE_DIR"] = tempfile.mkdtemp(prefix="quizapp-test-cache-")
