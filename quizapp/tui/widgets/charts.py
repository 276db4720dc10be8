"""Charts for the progress screen, drawn by plotext (textual-plotext's PlotextPlot widget).

Answers and accuracy per day over the last two weeks, reviews falling due over the next two weeks
(from the memory model) and each chapter's recall today and on the exam day. Bars and lines keep
their shapes without colour, so the charts read the same with NO_COLOR. The numbers come from the
core (:func:`quizapp.core.progress.daily_answers`, :mod:`quizapp.core.plan`); this module only
draws them.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Horizontal
from textual_plotext import PlotextPlot

from quizapp.tui.lang import ui

DAYS = 14


def _plot(title: str, chart_id: str, height: int) -> PlotextPlot:
    plot = PlotextPlot(id=chart_id, classes="chart")
    plot.styles.height = height
    plot.plt.title(title)
    return plot


def _day_ticks(plt: Any, days: list[Any]) -> None:
    """Day-of-month labels, every other day so they do not collide at 40 columns."""
    xs = list(range(len(days)))
    plt.xticks(xs[::2], [f"{d.day}" for d in days][::2])


def _count_ticks(plt: Any, counts: list[int]) -> None:
    """Whole-number ticks on the count axis (plotext would label 0.83, 1.67, ...)."""
    top = max(counts, default=0)
    step = max(1, -(-top // 4))
    plt.yticks(list(range(0, top + step, step)))
    plt.ylim(0, max(1, top))


def activity_charts(attempts: list[Any], today: Any, lang: str) -> Horizontal:
    from quizapp.core.progress import daily_answers

    rows = daily_answers(attempts, today, DAYS)
    days = [d for d, _n, _acc in rows]
    answers = _plot(ui(lang, "每天作答数", "Answers per day"), "chart-answers", 11)
    counts = [n for _d, n, _a in rows]
    answers.plt.bar(list(range(DAYS)), counts, marker="█", width=0.6)
    _count_ticks(answers.plt, counts)
    _day_ticks(answers.plt, days)
    accuracy = _plot(ui(lang, "每天正确率 %", "Accuracy per day, %"), "chart-accuracy", 11)
    points = [(i, 100 * acc) for i, (_d, _n, acc) in enumerate(rows) if acc is not None]
    if points:
        accuracy.plt.scatter([x for x, _ in points], [y for _, y in points], marker="●")
    accuracy.plt.ylim(0, 100)
    accuracy.plt.yticks([0, 25, 50, 75, 100])
    accuracy.plt.xlim(-0.5, DAYS - 0.5)
    _day_ticks(accuracy.plt, days)
    return Horizontal(answers, accuracy, classes="chart-row")


def reviews_chart(load: list[tuple[Any, int, int]], lang: str) -> PlotextPlot:
    chart = _plot(ui(lang, "未来 14 天到期的复习", "Reviews due, next 14 days"), "chart-reviews", 10)
    due = [d for _day, d, _fit in load]
    chart.plt.bar(list(range(len(load))), due, marker="█", width=0.6)
    _count_ticks(chart.plt, due)
    _day_ticks(chart.plt, [d for d, _due, _fit in load])
    return chart


def readiness_chart(chapters: list[Any], has_exam: bool, lang: str) -> PlotextPlot:
    """One bar per chapter: recall on the exam day (today's recall in the label)."""
    title = ui(lang, "各章准备度：考试当天的记忆 %（标签：今天）",
               "Readiness per chapter: recall on exam day, % (label: today)") if has_exam else \
        ui(lang, "各章准备度：今天的记忆 %", "Readiness per chapter: recall today, %")
    chart = _plot(title, "chart-readiness", len(chapters) + 5)
    # Chapter ids without their number prefix ("ch1_cnn" -> "cnn"): short, and plotext measures
    # ASCII labels right.
    names = [c.id.split("_", 1)[-1][:12] for c in chapters]
    labels = [f"{n} {100 * c.today:3.0f}%" if has_exam else n for n, c in zip(names, chapters)]
    values = [100 * (c.exam_if_stop if has_exam else c.today) for c in chapters]
    chart.plt.bar(labels, values, orientation="horizontal", width=0.6, marker="█")
    chart.plt.xlim(0, 100)
    return chart


def progress_charts(app: Any) -> list[Any]:
    """Every chart of the progress screen (the memory charts only with a bank to plan over)."""
    from quizapp.core.plan.catalogue import seconds_per_type
    from quizapp.core.plan.goal import load_goal
    from quizapp.core.plan.planner import EXAM_HOUR, moment, review_load
    from quizapp.core.plan.readiness import chapter_readiness
    from quizapp.core.plan.state import MemoryState
    from quizapp.tui.screens.today import catalogue_for, today_of

    lang = app.lang
    attempts = app.storage.attempts()
    today = today_of(app)
    widgets: list[Any] = [activity_charts(attempts, today, lang)]
    if app.bank is None:
        return widgets
    state = MemoryState(catalogue_for(app.bank), app.storage.memory_cards())
    goal = load_goal(app.storage)
    widgets.append(reviews_chart(review_load(state, today=today, minutes=goal.minutes,
                                             seconds=seconds_per_type(attempts)), lang))
    has_exam = goal.exam is not None and goal.exam >= today
    exam_at = moment(goal.exam, EXAM_HOUR) if has_exam else app.clock()
    chapters = chapter_readiness(state, state, app.clock(), exam_at)
    widgets.append(readiness_chart(chapters, has_exam, lang))
    return widgets
