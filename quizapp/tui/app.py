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
from typing import Any, Callable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from quizapp.core.errors import BankError, InputError, QuizappError, StorageError
from quizapp.tui.lang import LANGS, ui

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


class QuizApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "quizapp"
    SUB_TITLE = "深度学习与计算机视觉 · Deep learning & CV"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

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
            self.push_screen(StorageProblemScreen(exc), self._storage_choice)
            return
        self.lang = self.storage.get_setting("lang", "zh") or "zh"
        if self.lang not in LANGS:
            self.lang = "zh"
        self.difficulty = self.storage.get_setting("difficulty", "medium") or "medium"
        self.theme = THEMES.get(self.storage.get_setting("theme", "dark") or "dark", "textual-dark")
        self.refresh_home()
        self._maybe_start()

    def _storage_choice(self, choice: str | None) -> None:
        from quizapp.core.paths import database_path
        from quizapp.core.storage import backup_and_reset

        if choice == "reset":
            try:
                backup = backup_and_reset(database_path(self.data_dir), clock=self.clock)
            except StorageError as exc:
                self.exit(return_code=2, message=f"quizapp: {exc}")
                return
            self.notify(ui(self.lang, f"旧文件已备份为 {backup.name}，已重新开始。",
                           f"The old file was kept as {backup.name}; starting fresh."), timeout=8)
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
        from solvers import all_kinds

        all_kinds()  # import every kind now, not on the first drill
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
            self.notify(exc.message + (f" {exc.hint}" if exc.hint else ""),
                        title=exc.title, severity="error", timeout=8)
            return None

    # -- flows -----------------------------------------------------------------------------------

    def _need_storage(self) -> bool:
        if self.storage is None:
            self.notify(ui(self.lang, "进度文件不可用。", "The progress file is not available."),
                        severity="error")
            return False
        return True

    def open_practice(self, mode: str, target: str, difficulty: str | None = None) -> None:
        def go() -> None:
            from quizapp.core.practice import PracticeSession
            from quizapp.tui.screens.practice import PracticeScreen

            if not self._need_storage():
                return
            diff = difficulty if mode != "drill" else (difficulty or self.difficulty)
            session = self.guard(PracticeSession, self.bank, self.storage, mode=mode, target=target,
                                 difficulty=diff, seed=self.seed, clock=self.clock)
            if session is not None:
                self.push_screen(PracticeScreen(session))
        self.with_bank(go)

    def open_review(self) -> None:
        def go() -> None:
            from quizapp.core.review import ReviewSession
            from quizapp.tui.screens.practice import PracticeScreen

            if not self._need_storage():
                return
            session = ReviewSession(self.bank, self.storage, seed=self.seed, clock=self.clock)
            if session.remaining == 0:
                self.notify(ui(self.lang, "错题本是空的，继续保持！", "Your mistake book is empty. Well done!"))
                return
            self.push_screen(PracticeScreen(session))
        self.with_bank(go)

    def pick(self, kind: str) -> None:
        """Choose a chapter / topic / drill kind / blueprint, then open the flow."""
        def go() -> None:
            from quizapp.tui.dialogs.picker import PickerScreen, picker_options

            title, options = picker_options(self, kind)

            def chosen(value: str | None) -> None:
                if value is None:
                    return
                if kind == "exam":
                    self.confirm_new_exam(value)
                else:
                    self.open_practice(kind, value)
            self.push_screen(PickerScreen(title, options), chosen)
        self.with_bank(go)

    def confirm_new_exam(self, blueprint: str, minutes: int | None = None, seed: int | None = None) -> None:
        from quizapp.tui.dialogs.confirm import ConfirmDialog

        bp = self.bank.blueprint(blueprint)
        mins = minutes or bp.duration_minutes
        text = ui(self.lang,
                  f"开始「{bp.title.zh}」？限时 {mins} 分钟。关闭程序后计时继续，如同真实考试；考试中不给反馈。",
                  f"Start '{bp.title.en}'? {mins} minutes. The clock keeps running if you close "
                  "the app, as in a real exam; no feedback until the end.")
        if self.storage is not None and self.storage.open_exam() is not None:
            text += "\n" + ui(self.lang, "进行中的考试将被交卷。", "The exam in progress will be submitted first.")

        def answer(ok: bool | None) -> None:
            if ok:
                self.start_exam(blueprint, minutes, seed)
        self.push_screen(ConfirmDialog(text, yes=ui(self.lang, "开始", "Start"),
                                       no=ui(self.lang, "取消", "Cancel")), answer)

    def start_exam(self, blueprint: str = "final", minutes: int | None = None,
                   seed: int | None = None) -> None:
        def go() -> None:
            from quizapp.core.exam import ExamSession
            from quizapp.tui.screens.exam import ExamScreen

            if not self._need_storage():
                return
            row = self.storage.open_exam()
            if row is not None:  # one exam at a time: grade the old one with what it has
                old = self.guard(ExamSession.resume, self.bank, self.storage, row.id, clock=self.clock)
                if old is not None:
                    old.submit(reason="replaced")
                else:
                    ExamSession.abandon(self.storage, row.id, clock=self.clock)
            exam = self.guard(ExamSession.start, self.bank, self.storage, blueprint, seed=seed,
                              minutes=minutes, clock=self.clock)
            if exam is not None:
                self.push_screen(ExamScreen(exam))
        self.with_bank(go)

    def resume_exam(self) -> None:
        def go() -> None:
            from quizapp.core.exam import ExamSession
            from quizapp.tui.screens.exam import ExamScreen
            from quizapp.tui.screens.result import ResultScreen

            if not self._need_storage():
                return
            row = self.storage.open_exam()
            if row is None:
                self.notify(ui(self.lang, "没有进行中的考试。", "There is no exam in progress."))
                return
            try:
                exam = ExamSession.resume(self.bank, self.storage, row.id, clock=self.clock)
            except BankError as exc:
                self._offer_abandon(row.id, exc)
                return
            if exam.expired():
                result = exam.submit(reason="time")
                self.push_screen(ResultScreen(exam, result, notice=ui(
                    self.lang, "程序关闭期间考试时间已到，已按你留下的答案交卷。",
                    "Time ran out while the app was closed; the exam was submitted with your answers.")))
            else:
                self.push_screen(ExamScreen(exam))
        self.with_bank(go)

    def _offer_abandon(self, exam_id: int, exc: QuizappError) -> None:
        from quizapp.core.exam import ExamSession
        from quizapp.tui.dialogs.confirm import ConfirmDialog

        def answer(ok: bool | None) -> None:
            if ok:
                ExamSession.abandon(self.storage, exam_id, clock=self.clock)
                self.refresh_home()
        self.push_screen(ConfirmDialog(f"{exc.message} {exc.hint or ''}\n" + ui(
            self.lang, "放弃这场考试？", "Abandon this exam?"), yes=ui(self.lang, "放弃", "Abandon"),
            no=ui(self.lang, "保留", "Keep")), answer)

    def open_progress(self) -> None:
        from quizapp.tui.screens.progress import ProgressScreen

        if self._need_storage():
            self.push_screen(ProgressScreen())

    def open_settings(self) -> None:
        from quizapp.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_help(self) -> None:
        from quizapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def go_home(self) -> None:
        from quizapp.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        self.refresh_home()

    # -- command palette -------------------------------------------------------------------------

    def flows(self) -> list[tuple[str, str, str, Callable[[], None]]]:
        """(id, title, help, callback) of every flow: the home menu and the palette list these."""
        lang = self.lang
        items = []
        if self.storage is not None and self.storage.open_exam() is not None:
            items.append(("resume", ui(lang, "继续考试", "Resume exam"),
                          ui(lang, "回到进行中的模拟考试", "Back to the mock exam in progress"), self.resume_exam))
        items += [
            ("chapter", ui(lang, "按章节练习", "Practice by chapter"),
             ui(lang, "一次一题，即时反馈", "One question at a time, instant feedback"), lambda: self.pick("chapter")),
            ("topic", ui(lang, "按主题练习", "Practice by topic"),
             ui(lang, "按知识点练习", "Questions on one topic"), lambda: self.pick("topic")),
            ("drill", ui(lang, "计算题训练", "Calculation drill"),
             ui(lang, "每题都是新数字，永不重复", "Fresh numbers every time"), lambda: self.pick("drill")),
            ("exam", ui(lang, "模拟考试", "Mock exam"),
             ui(lang, "限时，按蓝图组卷", "Timed paper from a blueprint"), lambda: self.pick("exam")),
            ("review", ui(lang, "错题本", "Mistake review"),
             ui(lang, "重做做错的题，直到做对", "Redo what you got wrong until it is right"), self.open_review),
            ("progress", ui(lang, "学习进度", "Progress"),
             ui(lang, "各章正确率与趋势", "Accuracy and trend per chapter"), self.open_progress),
            ("settings", ui(lang, "设置", "Settings"),
             ui(lang, "语言、默认难度、主题", "Language, default difficulty, theme"), self.open_settings),
            ("help", ui(lang, "帮助", "Help"), ui(lang, "所有按键", "Every key"), self.action_help),
        ]
        return items

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for _id, title, help_text, callback in self.flows():
            yield SystemCommand(title, help_text, callback)
        yield SystemCommand(ui(self.lang, "主页", "Home"), ui(self.lang, "回到主菜单", "Back to the menu"),
                            self.go_home)
        yield from super().get_system_commands(screen)

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
