"""When the progress file or the question bank cannot be used: say why, offer a way out."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from quizapp.core.errors import BankError, StorageError


class StorageProblemScreen(ModalScreen[str]):
    """Returns "reset" (keep the file as a backup, start fresh), "retry" or "quit".

    The reset is offered only for a damaged file or one from a newer quizapp, and only while no
    other quizapp has the file open; it is never the focused button (Enter must not move a
    student's progress aside by accident)."""

    AUTO_FOCUS = "#retry"
    BINDINGS = [
        Binding("b", "choose('reset')", "Back up & start fresh"),
        Binding("r", "choose('retry')", "Retry"),
        Binding("q,escape", "choose('quit')", "Quit"),
    ]

    def __init__(self, error: StorageError, path: Path | None = None):
        super().__init__()
        self.error = error
        self.path = path

    def compose(self) -> ComposeResult:
        from quizapp.core.storage import CorruptDatabase, NewerDatabase, in_use_elsewhere

        # Only a file that exists but cannot be used is worth moving aside; a locked file, a full
        # disk or an unwritable directory is not fixed by starting fresh.
        resettable = isinstance(self.error, (CorruptDatabase, NewerDatabase))
        busy = resettable and self.path is not None and in_use_elsewhere(self.path)
        with Vertical(id="dialog", classes="problem"):
            yield Label(f"{self.error.title} · 进度文件无法使用", classes="problem-title", markup=False)
            yield Static(self.error.message, markup=False)
            if self.error.hint:
                yield Static(self.error.hint, classes="hint", markup=False)
            if busy:
                yield Static("Another quizapp has this file open, so it is not moved aside; close "
                             "it and press Retry. 另一个 quizapp 正在使用此文件，请先关闭它再重试。",
                             classes="hint", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Retry 重试 (R)", id="retry")
                yield Button("Quit 退出 (Q)", id="quit")
                if resettable and not busy:
                    yield Button("Back up & start fresh 备份并重新开始 (B)", id="reset", variant="warning")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and parameters[0] == "reset":
            return bool(self.query("#reset"))
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class BankProblemScreen(ModalScreen[None]):
    """The bank failed validation: every problem, as the loader wrote it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, error: BankError):
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="problem"):
            yield Label(f"{self.error.title} · 题库有错误", classes="problem-title", markup=False)
            yield Static(self.error.message, markup=False)
            with VerticalScroll(id="problems"):
                yield Static("\n".join(self.error.problems[:200]), markup=False)
            yield Static("Progress and settings still work; practice and exams need a valid bank. "
                         "Esc to close.", classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
