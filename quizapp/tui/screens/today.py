"""Today: the plan's queue (each item with why it is there) and the exam forecast.

The report comes from :func:`quizapp.core.plan.report.build_report`, the same core as
``quizapp plan``, computed in a thread (the forecast plays the plan forward to the exam day) and
again whenever the screen comes back, so an answer moves the forecast at once.
Keys: Enter starts the queue at the highlighted item (a mock paper opens as an exam), S starts at
the top, G sets the exam date and minutes, Esc goes home.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.tui.lang import difficulty_name, localise_keys, say, ui

_CATALOGUES: dict[int, Any] = {}  # bank id -> plan catalogue (building it reads every kind)


def catalogue_for(bank: Any) -> Any:
    from quizapp.core.plan.catalogue import build_catalogue

    key = id(bank)
    if key not in _CATALOGUES:
        _CATALOGUES.clear()
        _CATALOGUES[key] = build_catalogue(bank)
    return _CATALOGUES[key]


def today_of(app: Any):
    from quizapp.core.plan.goal import today_from_clock

    return today_from_clock(app.clock())


def entry_name(entry: Any, bank: Any, lang: str, width: int = 44) -> str:
    """What the entry asks, in a few words: a mock paper, a drill kind, or the question's text."""
    from rich.cells import cell_len, set_cell_size

    if entry.blueprint:
        name = ui(lang, f"模拟卷 {entry.blueprint}", f"Mock paper {entry.blueprint}")
    elif entry.kind:
        from quizapp.core.practice import drill_kind

        try:
            title = say(drill_kind(entry.kind).title, lang).split("\n")[0]
        except KeyError:
            title = entry.kind
        name = f"{title} · {difficulty_name(entry.difficulty, lang)}"
    else:
        try:
            q = bank.get(entry.question_id)
            name = say(q.text, lang).split("\n")[0] if q.text else entry.question_id
        except Exception:  # a question gone from the bank since: its id will do
            name = entry.question_id or entry.key
    if cell_len(name) > width:
        name = set_cell_size(name, width - 1) + "…"
    return name


def minutes_text(seconds: float) -> str:
    """``0.5′`` under ten minutes (a 30-second item must not read as 0), else ``12′``."""
    minutes = seconds / 60.0
    return f"{minutes:.1f}′" if minutes < 10 else f"{minutes:.0f}′"


def forecast_lines(report: Any, lang: str) -> list[str]:
    r = report.readiness
    if r is None:
        return []
    if not r.enough:
        return [ui(lang, f"考试预测：作答还不够（已答 {r.answers} 题，至少需要 20 题）。",
                   f"Exam forecast: not enough answers yet ({r.answers}; it needs 20).")]

    def total(f: Any) -> str:
        return f"{f.expected:.0f}/{f.points:.0f} ({f.low:.0f}–{f.high:.0f})"

    lines = [ui(lang, f"考试预测：坚持计划 {total(r.if_kept)} · 今天停下 {total(r.if_stop)}",
                f"Exam forecast: keep the plan {total(r.if_kept)} · stop today {total(r.if_stop)}")]
    parts = []
    for s in r.if_kept.sections:
        name = say(s.title, lang).split("\n")[0]
        name = name.split("、", 1)[-1].split("(")[0].split("（")[0].split(". ", 1)[-1].strip()
        value = f"{s.expected:.0f}/{s.points:.0f}" if s.enough else ui(lang, "答得太少", "too few")
        parts.append(f"{name} {value}")
    lines.append("  " + " · ".join(parts))
    return lines


class TodayScreen(Screen):
    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("g", "goal", "Exam date"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    KEY_LABELS = {"start": ("开始", "Start"), "goal": ("考试日期", "Exam date"),
                  "app.pop_screen": ("返回", "Back")}

    def __init__(self) -> None:
        super().__init__()
        self.report: Any = None

    def compose(self) -> ComposeResult:
        yield Static(id="today-head", markup=False)
        yield OptionList(id="queue")
        yield Static(id="forecast", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        self.refresh_plan()

    def on_screen_resume(self) -> None:
        self.refresh_plan()

    # -- the report ------------------------------------------------------------------------------

    def refresh_plan(self) -> None:
        from quizapp.core.plan.goal import load_goal

        app, lang = self.app, self.app.lang
        head = self.query_one("#today-head", Static)
        goal = load_goal(app.storage)
        today = today_of(app)
        if goal.exam is None or goal.exam < today:
            self.report = None
            head.update(ui(lang, "还没有设置考试日期。按 G 填写考试日期和每天的学习分钟数。",
                           "No exam date yet. Press G to set the exam date and your minutes a day.")
                        if goal.exam is None else
                        ui(lang, f"考试日期 {goal.exam} 已过。按 G 填写下一次考试的日期。",
                           f"The exam date {goal.exam} has passed. Press G to set the next one."))
            self.query_one("#queue", OptionList).clear_options()
            self.query_one("#forecast", Static).update("")
            return
        head.update(ui(lang, "正在安排今天的计划……", "Planning today..."))
        self._compute(today, goal.exam, goal.minutes)

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def _compute(self, today: Any, exam: Any, minutes: int) -> Any:
        from quizapp.core.plan.report import build_report

        app = self.app
        return build_report(app.storage, app.bank, today=today, exam=exam, minutes=minutes,
                            now=app.clock(), catalogue=catalogue_for(app.bank))

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        if event.worker.group != "today":
            return
        if event.state == WorkerState.SUCCESS:
            self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#today-head", Static).update(
                ui(self.app.lang, "计划出错：", "The plan failed: ") + str(event.worker.error)[:200])

    def show(self, report: Any) -> None:
        self.report = report
        app, lang = self.app, self.app.lang
        p = report.plan
        head = ui(lang, f"考试 {p.exam} · 还有 {p.days_left} 天 · 每天 {p.minutes} 分钟 · 今天已学 "
                        f"{p.spent_seconds / 60:.0f} 分钟 · 队列 {p.seconds / 60:.0f} 分钟",
                  f"Exam {p.exam} · {p.days_left} days left · {p.minutes} min a day · "
                  f"{p.spent_seconds / 60:.0f} min done today · queue {p.seconds / 60:.0f} min")
        if p.backlog:
            head += "\n" + ui(lang, f"另有 {p.backlog} 道到期复习放不下，按这个节奏分摊到 {p.backlog_days} 天。",
                              f"{p.backlog} more due reviews do not fit; at this pace they spread "
                              f"over {p.backlog_days} days.")
        self.query_one("#today-head", Static).update(head)
        queue = self.query_one("#queue", OptionList)
        highlighted = queue.highlighted
        queue.clear_options()
        if not p.entries:
            queue.add_option(Option(ui(lang, "今天的计划已完成。", "Today's plan is done."),
                                    id="done", disabled=True))
        for n, e in enumerate(p.entries):
            line = f"{n + 1:2}. {entry_name(e, app.bank, lang)}  {minutes_text(e.seconds)}"
            why = "    " + e.reason.text(lang)
            queue.add_option(Option(Content(f"{line}\n{why}"), id=str(n)))
        if p.entries:
            queue.highlighted = min(highlighted or 0, len(p.entries) - 1)
        self.query_one("#forecast", Static).update("\n".join(forecast_lines(report, lang)))
        queue.focus()

    # -- actions -----------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#queue")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.isdigit():
            self.start_at(int(event.option.id))

    def action_start(self) -> None:
        self.start_at(0)

    def start_at(self, n: int) -> None:
        if self.report is None or not self.report.plan.entries:
            return
        entries = self.report.plan.entries[n:]
        if entries[0].blueprint:
            self.app.confirm_new_exam(entries[0].blueprint)
            return
        self.app.open_today(entries)

    def action_goal(self) -> None:
        self.app.open_settings(focus="exam_date")
