"""Progress: accuracy per chapter and per calculation kind, its recent trend, weakest first.

Accuracy is the mean score (partial credit counts) over all attempts of every mode. "Weakest"
ranks by a smoothed accuracy, ``(sum of scores + 1) / (attempts + 2)`` (Laplace's rule of
succession), so one lucky answer does not rank above twenty good ones and an untried area is not
called weak. The trend is the rolling mean of the last scores (window :data:`TREND_WINDOW`), and
``change`` compares the recent half of the window with the half before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from quizapp.core.storage import Attempt, Storage

if TYPE_CHECKING:
    from datetime import date

TREND_WINDOW = 5  # attempts averaged per point of the trend line
TREND_POINTS = 30  # points of the trend line at most
RECENT = 10  # attempts compared by `change`


@dataclass
class Stat:
    key: str
    label: Any  # .get(lang) -> str, or a str
    attempts: int = 0
    score_sum: float = 0.0
    right: int = 0
    scores: list[float] = field(default_factory=list)  # oldest first
    last_at: float | None = None

    @property
    def accuracy(self) -> float:
        return self.score_sum / self.attempts if self.attempts else 0.0

    @property
    def smoothed(self) -> float:
        return (self.score_sum + 1.0) / (self.attempts + 2.0)

    @property
    def trend(self) -> list[float]:
        return rolling_mean(self.scores, TREND_WINDOW)[-TREND_POINTS:]

    @property
    def change(self) -> float | None:
        """Recent accuracy minus the accuracy just before it (None with too few attempts)."""
        if len(self.scores) < 2 * RECENT:
            half = len(self.scores) // 2
            if half < 3:
                return None
        else:
            half = RECENT
        recent = self.scores[-half:]
        before = self.scores[-2 * half:-half]
        return sum(recent) / len(recent) - sum(before) / len(before)


@dataclass
class Progress:
    total: Stat
    by_chapter: list[Stat]  # weakest first; untried chapters last
    by_kind: list[Stat]  # weakest first
    by_mode: dict[str, Stat]
    by_topic: list[Stat] = field(default_factory=list)  # weakest first

    @property
    def weakest(self) -> list[Stat]:
        return _weakest_first(self.by_chapter + self.by_kind + self.by_topic)[:5]


def rolling_mean(values: list[float], window: int) -> list[float]:
    """Mean of each run of ``window`` consecutive values (fewer at the start)."""
    out, acc = [], 0.0
    for i, v in enumerate(values):
        acc += v
        if i >= window:
            acc -= values[i - window]
        out.append(acc / min(i + 1, window))
    return out


def _add(stat: Stat, a: Attempt) -> None:
    stat.attempts += 1
    stat.score_sum += a.score
    stat.right += int(a.correct)
    stat.scores.append(a.score)
    stat.last_at = a.at


def _weakest_first(stats: Iterable[Stat]) -> list[Stat]:
    tried = sorted((s for s in stats if s.attempts), key=lambda s: (s.smoothed, -s.attempts, s.key))
    return tried


def summarise(attempts: list[Attempt], *, chapters: list[tuple[str, Any]] = (),
              kind_label: Callable[[str], Any] = lambda k: k,
              topic_label: Callable[[str], Any] = lambda t: t) -> Progress:
    """Aggregate attempts (oldest first). ``chapters`` lists (id, label) of every chapter so
    untried ones show up; ``kind_label`` names a calculation kind, ``topic_label`` a topic tag."""
    total = Stat("all", "all")
    by_chapter: dict[str, Stat] = {cid: Stat(cid, label) for cid, label in chapters}
    by_kind: dict[str, Stat] = {}
    by_mode: dict[str, Stat] = {}
    by_topic: dict[str, Stat] = {}
    for a in sorted(attempts, key=lambda a: (a.at, a.id or 0)):
        for t in a.topics:
            if t not in by_topic:
                by_topic[t] = Stat(t, topic_label(t))
            _add(by_topic[t], a)
        _add(total, a)
        _add(by_chapter.setdefault(a.chapter, Stat(a.chapter, a.chapter)), a)
        if a.kind:
            if a.kind not in by_kind:
                by_kind[a.kind] = Stat(a.kind, kind_label(a.kind))
            _add(by_kind[a.kind], a)
        _add(by_mode.setdefault(a.mode, Stat(a.mode, a.mode)), a)
    untried = [s for s in by_chapter.values() if not s.attempts]
    return Progress(total, _weakest_first(by_chapter.values()) + untried,
                    _weakest_first(by_kind.values()), by_mode, _weakest_first(by_topic.values()))


def load_progress(storage: Storage, bank: Any = None) -> Progress:
    """Progress from the database; chapter and kind names from the bank and the engine."""
    chapters = [(c.id, c.title) for c in bank.chapters] if bank is not None else []

    def kind_label(kind_id: str) -> Any:
        try:
            from solvers import get_kind

            return get_kind(kind_id).title
        except KeyError:
            return kind_id

    topic_label = bank.topic_title if bank is not None else (lambda t: t)
    return summarise(storage.attempts(), chapters=chapters, kind_label=kind_label, topic_label=topic_label)


# ----------------------------------------------------------------------------------------------
# The named mistakes a student makes most often ("forgot the +1 in 4 of 9 conv problems")
# ----------------------------------------------------------------------------------------------


@dataclass
class MistakeStat:
    kind: str
    kind_label: Any  # .get(lang) -> str, or a str
    mistake: str  # the mistake's id in its kind's catalogue
    label: Any  # .get(lang) -> str, or the id when the engine no longer knows it
    count: int  # answers of the kind that made this mistake
    attempts: int  # answers of the kind in all


def frequent_mistakes(attempts: list[Attempt], *, limit: int = 5,
                      kind_label: Callable[[str], Any] = lambda k: k,
                      mistake_label: Callable[[str, str], Any] = lambda k, m: m) -> list[MistakeStat]:
    """The named mistakes made most often, with how many answers of their kind made them.

    Ranked by count, then by share of the kind's answers; ``limit`` rows at most."""
    per_kind: dict[str, int] = {}
    counts: dict[tuple[str, str], int] = {}
    for a in attempts:
        if not a.kind:
            continue
        per_kind[a.kind] = per_kind.get(a.kind, 0) + 1
        for m in dict.fromkeys(a.mistakes):  # one answer counts a mistake once
            counts[(a.kind, m)] = counts.get((a.kind, m), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -kv[1] / per_kind[kv[0][0]], kv[0]))
    return [MistakeStat(kind=k, kind_label=kind_label(k), mistake=m, label=mistake_label(k, m),
                        count=n, attempts=per_kind[k]) for (k, m), n in ranked[:limit]]


def mistake_label(kind_id: str, mistake_id: str) -> Any:
    """A mistake's name, found by generating problems of its kind (ids are stable, labels may
    carry the numbers of one problem, so the first one found is used); the id if none is."""
    return _mistake_labels(kind_id).get(mistake_id, mistake_id)


_LABELS: dict[str, dict[str, Any]] = {}


def _mistake_labels(kind_id: str) -> dict[str, Any]:
    if kind_id not in _LABELS:
        labels: dict[str, Any] = {}
        try:
            from solvers import DIFFICULTIES, make_problem

            for seed in range(12):
                for difficulty in DIFFICULTIES:
                    for m in make_problem(kind_id, seed, difficulty).mistakes:
                        labels.setdefault(m.id, m.label)
        except KeyError:  # the kind is gone from the engine
            pass
        _LABELS[kind_id] = labels
    return _LABELS[kind_id]


def load_frequent_mistakes(storage: Storage, limit: int = 5) -> list[MistakeStat]:
    def kind_label(kind_id: str) -> Any:
        try:
            from solvers import get_kind

            return get_kind(kind_id).title
        except KeyError:
            return kind_id

    return frequent_mistakes(storage.attempts(), limit=limit, kind_label=kind_label,
                             mistake_label=mistake_label)


def daily_answers(attempts: Iterable[Attempt], today: "date", days: int = 14
                  ) -> list[tuple["date", int, float | None]]:
    """(day, answers, mean score or None) for each of the ``days`` days up to ``today``, by the
    local date of each answer."""
    from datetime import datetime, timedelta

    first = today - timedelta(days=days - 1)
    counts = {first + timedelta(days=d): [0, 0.0] for d in range(days)}
    for a in attempts:
        day = datetime.fromtimestamp(a.at).date()
        if day in counts:
            counts[day][0] += 1
            counts[day][1] += a.score
    return [(d, n, (s / n if n else None)) for d, (n, s) in counts.items()]
