"""Progress: accuracy per chapter and per calculation kind, weakest first, with trend lines."""

from __future__ import annotations

import time
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.tui.lang import localise_keys, say, ui

BAR_WIDTH = 10
NAME_WIDTH = 24  # at 80 columns
WIDE_NAME_WIDTH = 40  # from WIDE_SCREEN columns: English chapter names are long
WIDE_SCREEN = 110
ROW_TAIL = 28  # bar, percentage, count and arrow after the name


def name_width(screen_width: int) -> int:
    return WIDE_NAME_WIDTH if screen_width >= WIDE_SCREEN else NAME_WIDTH


def min_trend() -> int:
    """Answers before a trend line is drawn: two windows of the core's rolling mean; fewer
    would draw the noise of the first few answers."""
    from quizapp.core.progress import TREND_WINDOW

    return 2 * TREND_WINDOW


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar of eighth-blocks, e.g. ``█████▌    `` for 0.55."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width)


def spark(values: list[float], width: int) -> str:
    """A sparkline anchored at 0% (▁) and 100% (█), one cell per point (averaged down to
    ``width`` points), so a flat 50% looks flat, not like noise as a min-max scale would."""
    if not values:
        return ""
    if len(values) > width:  # average consecutive runs into `width` buckets
        edges = [round(i * len(values) / width) for i in range(width + 1)]
        values = [sum(values[a:b]) / (b - a) for a, b in zip(edges, edges[1:])]
    levels = "▁▂▃▄▅▆▇█"
    return "".join(levels[round(max(0.0, min(1.0, v)) * (len(levels) - 1))] for v in values)


def _fit(text: str, width: int) -> str:
    """Cut to ``width`` terminal cells (CJK characters take two)."""
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(text, width) if cell_len(text) != width else text


def row_text(stat: Any, lang: str, width: int = NAME_WIDTH) -> str:
    name = _fit(say(stat.label, lang).split("\n")[0], width)
    if not stat.attempts:
        return f"{name} {' ' * BAR_WIDTH} {ui(lang, '未练习', 'not tried')}"
    change = stat.change
    arrow = "" if change is None else (f" ↑{100 * change:+.0f}" if change > 0.05 else
                                        f" ↓{100 * change:+.0f}" if change < -0.05 else " →")
    return f"{name} {bar(stat.accuracy)} {100 * stat.accuracy:3.0f}% n={stat.attempts}{arrow}"


def mistake_line(stat: Any, lang: str) -> str:
    """'forgot the +1 in 4 of 9 conv output problems' for one row of frequent_mistakes."""
    kind = say(stat.kind_label, lang)
    label = say(stat.label, lang)
    return ui(lang, f"• {kind}：{stat.attempts} 题中有 {stat.count} 题 {label}",
              f"• {label} in {stat.count} of {stat.attempts} {kind} problems")


def mistake_rows(app: Any, lang: str) -> list[Any]:
    from quizapp.core.progress import load_frequent_mistakes

    stats = app.guard(load_frequent_mistakes, app.storage) or []
    if not stats:
        return []
    return [Static(ui(lang, "最常犯的错误", "Your most frequent mistakes"), classes="heading",
                   markup=False),
            *[Static(mistake_line(s, lang), classes="mistake-row", markup=False) for s in stats]]


class ProgressScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    KEY_LABELS = {"app.pop_screen": ("返回", "Back")}

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="progress-body")
        yield Footer()

    def on_mount(self) -> None:
        from quizapp.core.progress import load_progress

        app = self.app
        lang = app.lang
        names = name_width(app.size.width)
        localise_keys(self, self.KEY_LABELS, lang)
        progress = app.guard(load_progress, app.storage, app.bank)
        body = self.query_one("#progress-body")
        if progress is None:
            return
        total = progress.total
        widgets: list[Any] = []
        if not total.attempts:
            widgets.append(Static(ui(lang, "还没有作答记录。先去练习几题吧！",
                                     "No answers yet. Practise a few questions first!"), classes="heading"))
        else:
            widgets.append(Static(ui(lang, f"总计 {total.attempts} 题，正确率 {100 * total.accuracy:.0f}%",
                                     f"{total.attempts} answers, {100 * total.accuracy:.0f}% right overall"),
                                  classes="heading", markup=False))
            from quizapp.tui.widgets.charts import progress_charts

            widgets += app.guard(progress_charts, app) or []
            if total.attempts >= min_trend():
                widgets.append(Static(spark(total.trend, 60), id="trend-total", markup=False))
            else:
                more = min_trend() - total.attempts
                widgets.append(Static(ui(lang, f"再答 {more} 题后显示趋势线。",
                                         f"Trend lines appear after {more} more answers."),
                                      id="trend-total", classes="hint", markup=False))
        for title, stats in ((ui(lang, "按章节（最弱在前）", "By chapter (weakest first)"), progress.by_chapter),
                             (ui(lang, "按计算题类型（最弱在前）", "By calculation kind (weakest first)"), progress.by_kind),
                             (ui(lang, "按主题（最弱的 10 个）", "By topic (the 10 weakest)"), progress.by_topic[:10])):
            if not stats:
                continue
            widgets.append(Static(title, classes="heading", markup=False))
            for stat in stats:
                text = Static(row_text(stat, lang, names), classes="stat-text", markup=False)
                text.styles.width = names + ROW_TAIL
                children: list[Any] = [text]
                if stat.attempts >= min_trend():
                    children.append(Static(spark(stat.trend, 24), classes="stat-trend", markup=False))
                widgets.append(Horizontal(*children, classes="stat-row"))
        widgets += mistake_rows(app, lang)
        exams = [e for e in app.storage.exams() if e.submitted_at is not None and e.total]
        if exams:
            widgets.append(Static(ui(lang, "模拟考试记录（最近 5 次）", "Mock exams (last 5)"),
                                  classes="heading", markup=False))
            for e in exams[-5:]:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.submitted_at))
                pct = 100 * (e.score or 0) / e.total
                widgets.append(Static(f"{e.code:<12} {bar(pct / 100)} {pct:3.0f}%  "
                                      f"{e.score:g}/{e.total:g}  {when}", markup=False))
        body.mount_all(widgets)
