"""The domain: bank loading and validation, grading, sessions, exams, scheduling, storage.

Knows nothing of Textual or Rich (an import-linter contract in pyproject.toml checks this).
"""
