"""The home screen: the flows, numbered; what is waiting (an exam to resume, mistakes to redo).

Keys stay put: resuming an exam (R) and Today (T) have letters of their own, so the numbers of the
other flows never change whether or not an exam is waiting.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.content import Content
from textual.widgets.option_list import Option

from quizapp.tui.lang import ui


LETTERED = {"resume": "r", "mark": "m", "today": "t"}  # flow id -> its own key (not numbered)


class HomeScreen(Screen):
    BINDINGS = [
        *[Binding(str(i), f"choose({i})", show=False) for i in range(1, 10)],
        *[Binding(key, f"letter('{key}')", show=False) for key in LETTERED.values()],
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="?")
        yield Static(id="status", markup=False)
        yield OptionList(id="menu")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()
        self.query_one("#menu", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def refresh_menu(self) -> None:
        if not self.is_mounted:
            return
        app = self.app
        lang = app.lang
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        flows = app.flows()
        self._lettered = {LETTERED[f[0]]: f for f in flows if f[0] in LETTERED}
        self._flows = [f for f in flows if f[0] not in LETTERED]
        menu.clear_options()
        ordered = sorted(self._lettered.items(), key=lambda kv: list(LETTERED.values()).index(kv[0]))
        options = [Option(Content(f"{key}  {title}  ·  {help_text}"), id=fid)
                   for key, (fid, title, help_text, _cb) in ordered]
        options += [Option(Content(f"{i + 1}  {title}  ·  {help_text}"), id=fid)
                    for i, (fid, title, help_text, _cb) in enumerate(self._flows)]
        options.append(Option(f"q  {ui(lang, '退出', 'Quit')}", id="quit"))
        menu.add_options(options)
        if highlighted is not None and highlighted < len(options):
            menu.highlighted = highlighted
        else:
            menu.highlighted = 0
        self.query_one("#status", Static).update(self._status())

    def _status(self) -> str:
        app = self.app
        lang = app.lang
        parts = []
        if app.bank is not None:
            parts.append(ui(lang, f"题库 {len(app.bank.questions)} 题 · {len(app.bank.chapters)} 章",
                            f"Bank: {len(app.bank.questions)} questions, {len(app.bank.chapters)} chapters"))
        elif app.bank_error is not None:
            parts.append(ui(lang, "题库有错误（按 Enter 查看）", "The bank has errors"))
        else:
            parts.append(ui(lang, "题库加载中……", "Loading the question bank..."))
        if app.storage is not None:
            n = len(app.storage.open_mistakes())
            if n:
                parts.append(ui(lang, f"错题本 {n} 题待重做", f"{n} mistakes to redo"))
            from quizapp.core.plan.goal import load_goal
            from quizapp.core.plan.goal import today_from_clock

            exam, today = load_goal(app.storage).exam, today_from_clock(app.clock())
            if exam is not None and exam >= today:
                days = (exam - today).days
                parts.append(ui(lang, f"距考试 {days} 天", f"exam in {days} days"))
            row = app.storage.open_exam()
            if row is not None:
                from quizapp.core.exam import time_left

                left = int(time_left(row, app.clock()))
                parts.append(ui(lang, f"考试 {row.code} 进行中，剩余 {left // 60} 分钟",
                                f"exam {row.code} in progress, {left // 60} min left"))
        return "  ·  ".join(parts)

    @on(OptionList.OptionSelected, "#menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._run(event.option.id)

    def action_choose(self, number: int) -> None:
        if 1 <= number <= len(self._flows):
            self._run(self._flows[number - 1][0])

    def action_letter(self, key: str) -> None:
        if key in self._lettered:
            self._run(self._lettered[key][0])

    def _run(self, flow_id: str | None) -> None:
        if flow_id == "quit":
            self.app.exit(0)
            return
        for fid, _title, _help, callback in [*self._lettered.values(), *self._flows]:
            if fid == flow_id:
                callback()
                return
