"""The plan as the faces show it: today's queue, the forecast, the review load; text and JSON.

``quizapp plan`` and the TUI's Today screen both call :func:`build_report`; the JSON shape of
:func:`report_json` is documented in the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from quizapp.core.plan.catalogue import Catalogue, build_catalogue, seconds_per_type
from quizapp.core.plan.planner import DayPlan, moment, plan_day, review_load
from quizapp.core.plan.readiness import Forecast, Readiness, readiness
from quizapp.core.plan.state import MemoryState

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank
    from quizapp.core.storage import Storage


@dataclass
class PlanReport:
    plan: DayPlan
    readiness: Readiness | None
    load: list[tuple[date, int, int]]
    catalogue: Catalogue
    state: MemoryState


def build_report(storage: "Storage", bank: "Bank", *, today: date, exam: date, minutes: int,
                 now: float | None = None, with_readiness: bool = True,
                 catalogue: Catalogue | None = None) -> PlanReport:
    """Everything the plan says today, from the progress file and the bank."""
    catalogue = catalogue or build_catalogue(bank)
    state = MemoryState(catalogue, storage.memory_cards())
    attempts = storage.attempts()
    seconds = seconds_per_type(attempts)
    start = moment(today)
    spent = sum(a.seconds or 0.0 for a in attempts if a.at >= start and a.exam_id is None)
    now = moment(today, 12) if now is None else now
    plan = plan_day(state, today=today, exam=exam, minutes=minutes, seconds=seconds, now=now,
                    spent_seconds=spent)
    ready = None
    if with_readiness:
        by_type: dict[str, int] = {}
        for a in attempts:
            by_type[a.type] = by_type.get(a.type, 0) + 1
        ready = readiness(state, today=today, exam=exam, minutes=minutes, seconds=seconds,
                          answers_by_type=by_type, now=now, spent_seconds=spent)
    load = review_load(state, today=today, minutes=minutes, seconds=seconds)
    return PlanReport(plan, ready, load, catalogue, state)


# -- JSON -----------------------------------------------------------------------------------------------

def _label(value: Any, lang: str = "en") -> str:
    return value.get(lang) if hasattr(value, "get") else str(value)


def _forecast_json(f: Forecast) -> dict[str, Any]:
    def num(x: float | None) -> float | None:
        return None if x is None else round(x, 1)

    return {"enough": f.enough, "points": f.points, "expected": num(f.expected), "low": num(f.low),
            "high": num(f.high),
            "sections": [{"id": s.id, "title": _label(s.title), "title_zh": _label(s.title, "zh"),
                          "points": s.points, "enough": s.enough, "expected": num(s.expected),
                          "low": num(s.low), "high": num(s.high)} for s in f.sections]}


def report_json(report: PlanReport) -> dict[str, Any]:
    p = report.plan
    out: dict[str, Any] = {
        "today": p.today.isoformat(), "exam_date": p.exam.isoformat(), "days_left": p.days_left,
        "minutes": p.minutes, "spent_minutes": round(p.spent_seconds / 60.0, 1),
        "queue_minutes": round(p.seconds / 60.0, 1),
        "queue": [{"what": e.what, "key": e.key, "question_id": e.question_id, "kind": e.kind,
                   "difficulty": e.difficulty, "blueprint": e.blueprint, "chapter": e.chapter,
                   "type": e.type, "minutes": round(e.seconds / 60.0, 1),
                   "expected_gain": round(e.gain, 2), "reason": e.reason.as_json()}
                  for e in p.entries],
        "backlog": {"reviews": p.backlog, "days": p.backlog_days},
        "reviews_due": [{"date": d.isoformat(), "due": due, "planned": fit}
                        for d, due, fit in report.load],
    }
    r = report.readiness
    if r is not None:
        out["readiness"] = {
            "answers": r.answers, "enough": r.enough,
            "if_plan_kept": _forecast_json(r.if_kept), "if_stop_today": _forecast_json(r.if_stop),
            "chapters": [{"id": c.id, "title": _label(c.title), "recall_today": round(c.today, 3),
                          "recall_exam_if_stop": round(c.exam_if_stop, 3),
                          "recall_exam_if_kept": round(c.exam_if_kept, 3)} for c in r.chapters]}
    return out


# -- text ------------------------------------------------------------------------------------------------

def entry_title(entry, catalogue: Catalogue, bank: "Bank | None", lang: str = "en") -> str:
    """A short name of a queue entry: the question's id and type, the kind, or the mock paper."""
    if entry.blueprint:
        return {"zh": f"模拟卷 {entry.blueprint}", "en": f"mock paper {entry.blueprint}"}.get(
            lang, f"mock paper {entry.blueprint}")
    if entry.kind:
        return f"{entry.kind} ({entry.difficulty})"
    return f"{entry.question_id} ({entry.type.replace('_', ' ')})"


def range_text(low: float | None, high: float | None) -> str:
    return f"{low:.0f}-{high:.0f}" if low is not None and high is not None else ""


def report_text(report: PlanReport, bank: "Bank | None" = None, lang: str = "en") -> str:
    p = report.plan
    lines = [f"Exam {p.exam.isoformat()}: {p.days_left} day(s) left. Today {p.today.isoformat()}: "
             f"{p.minutes} min a day, {p.spent_seconds / 60:.0f} min done, queue "
             f"{p.seconds / 60:.0f} min."]
    if not p.entries:
        lines.append("Nothing left to do today." if p.days_left >= 0 else "The exam date has passed.")
    for n, e in enumerate(p.entries, 1):
        lines.append(f"{n:3}. {entry_title(e, report.catalogue, bank, lang):<42} "
                     f"{e.seconds / 60:4.1f} min  {e.reason.text(lang)}")
    if p.backlog:
        lines.append(f"{p.backlog} more review(s) are due; at this pace they take {p.backlog_days} "
                     "day(s) and are spread over them.")
    r = report.readiness
    if r is not None:
        lines.append("")
        if not r.enough:
            lines.append(f"Readiness: not enough answers yet ({r.answers}; a forecast needs 20).")
        else:
            for name, f in (("if you keep the plan", r.if_kept), ("if you stop today", r.if_stop)):
                lines.append(f"Predicted score {name}: {f.expected:.0f}/{f.points:.0f} "
                             f"(likely {range_text(f.low, f.high)})")
                for s in f.sections:
                    value = (f"{s.expected:.1f}/{s.points:.0f} ({range_text(s.low, s.high)})"
                             if s.enough else "not enough answers yet")
                    lines.append(f"    {_label(s.title, lang if lang != 'both' else 'en')}: {value}")
        lines.append("Recall per chapter (today -> exam day if you stop / keep the plan):")
        for c in r.chapters:
            lines.append(f"    {c.id:<22} {c.today:4.0%} -> {c.exam_if_stop:4.0%} / {c.exam_if_kept:4.0%}")
    return "\n".join(lines)
