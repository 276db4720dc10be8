"""The flows a student can open (home menu, command palette and CLI share this list), as a
mixin of :class:`quizapp.tui.app.QuizApp`: each builds a session from the core and pushes its
screen. Screen modules are imported inside the methods so the first screen stays fast.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from textual.app import SystemCommand
from textual.screen import Screen

from quizapp.core.errors import BankError, QuizappError
from quizapp.tui.lang import ui


class FlowsMixin:
    """Needs the app's ``bank``, ``storage``, ``clock``, ``seed``, ``lang``, ``difficulty``,
    ``with_bank``, ``guard`` and ``refresh_home``."""

    bank: Any
    storage: Any
    clock: Callable[[], float]
    seed: int | None
    lang: str
    difficulty: str

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

    def confirm_new_exam(self, blueprint: str) -> None:
        """The rules, then an optional seed and time limit, then the exam."""
        from quizapp.tui.dialogs.exam_start import ExamStartDialog

        bp = self.guard(self.bank.blueprint, blueprint)
        if bp is None:
            return
        open_exam = self.storage is not None and self.storage.open_exam() is not None

        def answer(choice: dict | None) -> None:
            if choice is not None:
                self.start_exam(blueprint, choice["minutes"], choice["seed"])
        self.push_screen(ExamStartDialog(bp, self.lang, replaces_open_exam=open_exam), answer)

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

    def pending_marking(self):
        """The last exam with written answers to mark (cached until its marks change)."""
        from quizapp.core.exam_marking import pending_marking

        if self.storage is None or self.bank is None:
            return None
        rows = self.storage.exams()
        key = (rows[-1].id, rows[-1].submitted_at, rows[-1].score) if rows else None
        cache = getattr(self, "_pending_marking", None)
        if cache is None or cache[0] != key:
            self._pending_marking = cache = (key, pending_marking(self.bank, self.storage) if rows else None)
        return cache[1]

    def mark_exam(self) -> None:
        """Back to marking the last exam: its result, with the marking screen over it."""
        from quizapp.tui.screens.marking import MarkingScreen
        from quizapp.tui.screens.result import ResultScreen

        exam = self.pending_marking()
        if exam is None:
            return
        exam.clock = self.clock
        self.push_screen(ResultScreen(exam, exam.result()))
        self.push_screen(MarkingScreen(exam))

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

    def open_settings(self, focus: str | None = None) -> None:
        from quizapp.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(focus=focus))

    def open_today_screen(self) -> None:
        def go() -> None:
            from quizapp.tui.screens.today import TodayScreen

            if self._need_storage():
                self.push_screen(TodayScreen())
        self.with_bank(go)

    def open_today(self, entries: list) -> None:
        """Answer today's queue (from a given entry on) on the practice screen."""
        from quizapp.core.plan.today import TodaySession
        from quizapp.tui.screens.practice import PracticeScreen

        session = self.guard(TodaySession, self.bank, self.storage, entries, seed=self.seed,
                             clock=self.clock)
        if session is not None:
            self.push_screen(PracticeScreen(session))

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
        if self.pending_marking() is not None:
            items.append(("mark", ui(lang, "批改书面作答", "Mark written answers"),
                          ui(lang, "上次考试的简答题还没有批改", "Your last exam's written answers await marking"),
                          self.mark_exam))
        if self.storage is not None and self.storage.open_exam() is not None:
            items.append(("resume", ui(lang, "继续考试", "Resume exam"),
                          ui(lang, "回到进行中的模拟考试", "Back to the mock exam in progress"), self.resume_exam))
        items += [
            ("today", ui(lang, "今日计划", "Today"),
             ui(lang, "为考试日期安排的今日任务与预测", "What to do today for the exam date, and the forecast"),
             self.open_today_screen),
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
             ui(lang, "考试日期、每日时间、语言、难度、主题", "Exam date, minutes a day, language, difficulty, theme"), self.open_settings),
            ("help", ui(lang, "帮助", "Help"), ui(lang, "所有按键", "Every key"), self.action_help),
        ]
        return items

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for _id, title, help_text, callback in self.flows():
            yield SystemCommand(title, help_text, callback)
        yield SystemCommand(ui(self.lang, "主页", "Home"), ui(self.lang, "回到主菜单", "Back to the menu"),
                            self.go_home)
        yield from super().get_system_commands(screen)
