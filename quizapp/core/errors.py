"""One error family for everything a user can get wrong; the CLI and the TUI render it once.

Each error carries a short title and one clear sentence saying what was wrong and what to do.
Tracebacks are for bugs, never for user mistakes.
"""

from __future__ import annotations


class QuizappError(Exception):
    title = "Error"

    def __init__(self, message: str, *, hint: str | None = None, message_zh: str = ""):
        self.message = message
        self.hint = hint
        # The same sentence for the app's Chinese screens, if given (a subclass may have set it
        # before calling this, as AnswerFormatError does: keep that).
        self.message_zh = message_zh or getattr(self, "message_zh", "")
        super().__init__(message if not hint else f"{message} {hint}")


class BankError(QuizappError):
    """The question bank (or a blueprint) failed validation; ``problems`` lists every problem."""

    title = "Question bank error"

    def __init__(self, message: str, problems: list[str] | None = None, *, hint: str | None = None):
        self.problems = list(problems or [])
        super().__init__(message, hint=hint)


class InputError(QuizappError):
    """A parameter or answer typed by the user is malformed."""

    title = "Invalid input"


class StorageError(QuizappError):
    """The progress database cannot be opened, read or written."""

    title = "Storage error"


class OutputError(QuizappError):
    """A worksheet or paper cannot be produced (unwritable path, missing font, ...)."""

    title = "Output error"
