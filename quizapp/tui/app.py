"""The quizapp Textual application: one factory (:func:`create_app`) for the CLI and the tests.

The home screen appears before anything heavy happens: the question bank (pydantic + YAML, and the
solver kinds with SymPy) loads in a thread worker while the student reads the menu. Flows that
need the bank wait for it. The progress database opens on mount; if it is damaged, locked or from
a newer version, a dialog explains it and offers a way out instead of a traceback.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from quizapp.core.errors import BankError, InputError, QuizappError, StorageError
from quizapp.tui.flows import FlowsMixin
from quizapp.tui.lang import LANGS, localise_keys, ui

DIFFICULTIES = ("easy", "medium", "hard")
THEMES = {"dark": "textual-dark", "light": "textual-light"}


@dataclass
class Start:
    """A flow to open straight away (``quizapp practice ...`` / ``quizapp exam ...``)."""

    flow: str  # "practice" | "exam"
    mode: str | None = None  # practice: "chapter" | "topic" | "drill"
    target: str | None = None
    difficulty: str | None = None
    blueprint: str = "final"
    minutes: int | None = None
    seed: int | None = None


class TerminalNotUtf8(Message):
    """The terminal sent bytes that are not UTF-8 (posted from the input thread)."""


class QuizApp(FlowsMixin, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "quizapp"
    SUB_TITLE = "深度学习与计算机视觉 · Deep learning & CV"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]
    KEY_LABELS = {"help": ("帮助", "Help"), "quit": ("退出", "Quit"), "command_palette": ("命令", "palette")}

    def __init__(self, *, data_dir: str | Path | None = None, bank_dir: str | Path | None = None,
                 bank: Any = None, clock: Callable[[], float] = time.time,
                 seed: int | None = None, start: Start | None = None):
        super().__init__()
        self.data_dir = data_dir
        self.bank_dir = bank_dir
        self.bank = bank
        self.bank_error: BankError | None = None
        self.clock = clock
        self.seed = seed  # fixed seed for practice sessions (tests, snapshots); None = random
        self.start_request = start
        self.storage: Any = None
        self.lang = "zh"
        self.difficulty = "medium"
        self._bank_waiters: list[Callable[[], None]] = []
        self._bank_done = asyncio.Event()
        self.crashed = False  # a panic (a bug): the CLI must not exit 0 after it
        self._told_not_utf8 = False
        from quizapp.tui import terminal

        terminal.install(lambda: self.post_message(TerminalNotUtf8()))
        from quizapp.tui import cjk_wrap

        cjk_wrap.install()  # break Chinese text between characters, not only at spaces

    # -- start-up --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        from quizapp.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.open_storage()
        if self.bank is None:
            # After the first frame: the import-heavy worker would slow the home screen down.
            self.call_after_refresh(self.load_bank)
        else:
            self._bank_loaded(self.bank)

    def open_storage(self) -> None:
        from quizapp.core.paths import database_path, ensure_data_dir
        from quizapp.core.storage import Storage

        try:
            ensure_data_dir(self.data_dir)
            self.storage = Storage.open(database_path(self.data_dir), clock=self.clock)
        except StorageError as exc:
            from quizapp.tui.dialogs.problem import StorageProblemScreen

            self.storage = None
            self.push_screen(StorageProblemScreen(exc, database_path(self.data_dir)),
                             self._storage_choice)
            return
        self.lang = self.storage.get_setting("lang", "zh") or "zh"
        if self.lang not in LANGS:
            self.lang = "zh"
        self.difficulty = self.storage.get_setting("difficulty", "medium") or "medium"
        self.theme = THEMES.get(self.storage.get_setting("theme", "dark") or "dark", "textual-dark")
        localise_keys(self, self.KEY_LABELS, self.lang)
        self.refresh_home()
        self._maybe_start()

    def _storage_choice(self, choice: str | None) -> None:
        from quizapp.core.paths import database_path
        from quizapp.core.storage import backup_and_reset

        if choice == "reset":
            try:
                backup = backup_and_reset(database_path(self.data_dir), clock=self.clock)
            except StorageError as exc:  # e.g. another quizapp opened it meanwhile: say so, ask again
                from quizapp.tui.dialogs.problem import StorageProblemScreen

                self.push_screen(StorageProblemScreen(exc, database_path(self.data_dir)),
                                 self._storage_choice)
                return
            self.notify(ui(self.lang, f"旧文件已备份为 {backup.name}，已重新开始。",
                           f"The old file was kept as {backup.name}; starting fresh."), timeout=8, markup=False)
            self.open_storage()
        elif choice == "retry":
            self.open_storage()
        else:
            self.exit(return_code=2)

    @work(thread=True, exclusive=True, group="bank", exit_on_error=False)
    def load_bank(self) -> Any:
        """Load and validate the bank off the main thread. The result comes back through
        :meth:`on_worker_state_changed` (never ``call_from_thread``, which would block this
        thread, and so quitting, while the app shuts down)."""
        from quizapp.core.bank.loader import load_bank

        bank = load_bank(self.bank_dir)
        from quizapp.core.practice import drill_kinds

        drill_kinds()  # import every kind now, not on the first drill
        return bank

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "bank":
            return
        if event.state == WorkerState.SUCCESS:
            self._bank_loaded(worker.result)
        elif event.state == WorkerState.ERROR:
            error = worker.error
            if not isinstance(error, BankError):  # a bug, not a bank problem: say so plainly
                error = BankError(f"The question bank could not be loaded ({type(error).__name__}: "
                                  f"{error}).")
            self._bank_failed(error)

    def _bank_loaded(self, bank: Any) -> None:
        self.bank = bank
        self._bank_done.set()
        self.refresh_home()
        waiters, self._bank_waiters = self._bank_waiters, []
        for w in waiters:
            w()
        self._maybe_start()

    def _bank_failed(self, exc: BankError) -> None:
        from quizapp.tui.dialogs.problem import BankProblemScreen

        self.bank_error = exc
        self._bank_done.set()
        self._bank_waiters.clear()
        self.refresh_home()
        self.push_screen(BankProblemScreen(exc))

    async def bank_ready(self) -> None:
        """Wait until the bank has loaded (or failed)."""
        await self._bank_done.wait()

    def with_bank(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the bank is there (at once if it already is)."""
        if self.bank is not None:
            then()
        elif self.bank_error is not None:
            from quizapp.tui.dialogs.problem import BankProblemScreen

            self.push_screen(BankProblemScreen(self.bank_error))
        else:
            self.notify(ui(self.lang, "题库加载中，马上就好……", "Loading the question bank..."))
            self._bank_waiters.append(then)

    def _maybe_start(self) -> None:
        if self.start_request is None or self.bank is None or self.storage is None:
            return
        start, self.start_request = self.start_request, None
        if start.flow == "practice":
            if start.target:
                self.open_practice(start.mode or "chapter", start.target, start.difficulty)
            else:
                self.pick(start.mode or "chapter")
        elif start.flow == "exam":
            if self.storage.open_exam() is not None:
                self.notify(ui(self.lang, "你有一场未完成的考试，已继续。",
                               "You have an exam in progress; it is resumed."))
                self.resume_exam()
            else:
                self.start_exam(start.blueprint, start.minutes, start.seed)

    def refresh_home(self) -> None:
        from quizapp.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_menu()

    # -- settings --------------------------------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        if key == "lang":
            self.lang = value
            for node in (self, *self.screen_stack):  # footers of screens already open too
                if hasattr(node, "KEY_LABELS"):
                    localise_keys(node, node.KEY_LABELS, value)
        elif key == "difficulty":
            self.difficulty = value
        elif key == "theme":
            self.theme = THEMES[value]
        if self.storage is not None:
            self.guard(self.storage.set_setting, key, value)

    def guard(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call into the core; show a user error as a notification instead of raising it."""
        try:
            return fn(*args, **kwargs)
        except QuizappError as exc:
            from quizapp.core.summary import bounded

            self.notify(bounded(exc.message + (f" {exc.hint}" if exc.hint else "")),
                        title=exc.title, severity="error", timeout=8, markup=False)
            return None

    def on_terminal_not_utf8(self, _message: TerminalNotUtf8) -> None:
        if self._told_not_utf8:
            return
        self._told_not_utf8 = True
        from quizapp.tui.terminal import NOT_UTF8

        self.notify(ui(self.lang, *NOT_UTF8), title="UTF-8", severity="warning", timeout=15,
                    markup=False)

    def panic(self, *renderables: Any) -> None:
        self.crashed = True
        super().panic(*renderables)

    def _handle_exception(self, error: Exception) -> None:
        self.crashed = True
        super()._handle_exception(error)

    def on_unmount(self) -> None:
        if self.storage is not None:
            self.storage.close()


def create_app(*, data_dir: str | Path | None = None, bank_dir: str | Path | None = None,
               bank: Any = None, clock: Callable[[], float] = time.time, seed: int | None = None,
               start: Start | None = None) -> QuizApp:
    """The one way to build the app (CLI and tests alike)."""
    return QuizApp(data_dir=data_dir, bank_dir=bank_dir, bank=bank, clock=clock, seed=seed,
                   start=start)


def check_start(start: Start) -> None:
    """Reject impossible CLI options before the terminal switches to the app."""
    if start.difficulty is not None and start.difficulty not in DIFFICULTIES:
        raise InputError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}, got '{start.difficulty}'.")
    if start.minutes is not None and start.minutes < 1:
        raise InputError(f"--minutes must be at least 1, got {start.minutes}.")
    from quizapp.core.exam import check_seed

    check_seed(start.seed)
    if start.mode == "drill" and start.target:  # one sentence here, not a notice over the home screen
        from solvers import UnknownKind

        from quizapp.core.practice import drill_kind

        try:
            drill_kind(start.target)
        except UnknownKind as exc:
            raise InputError(str(exc), hint="Run 'quizapp kinds' to list them.") from None
