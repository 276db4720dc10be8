"""The memory model: one FSRS card per bank item and per calculation skill, kept in the progress file.

The scheduler is the maintained FSRS library (``fsrs``: :class:`fsrs.Scheduler`,
:class:`fsrs.Card`, :class:`fsrs.Rating`, ``review_card``); nothing here schedules by hand.

Cards (keys of the ``memory_cards`` table):

* ``q:<question id>`` for every bank item answered (any mode: practice, review, exam);
* ``skill:<kind>:<difficulty>`` for every calculation answered, drill or bank item: a generated
  problem has fresh numbers each time, so what is remembered is the method of its kind.

Ratings (:func:`rating_for`): a wrong answer (score 0) is Again, a right one Good, partial credit
Hard; an answer given with hints counts one step lower. The score is read as stored, whatever
marked it (automatic, keyword ticks or the student's own marking).

Every attempt reviews its cards inside the transaction that records it (:func:`review_attempt`,
called by :mod:`quizapp.core.storage`). Attempts recorded before the memory existed (a progress
file from an earlier quizapp) are replayed in order the first time they are needed
(:func:`replay`); ``memory_replay.through`` says how far the cards are up to date, so replaying
is done once and never twice. When a stored score changes later (the student marks a written
answer after the exam), the cards it reviews are rebuilt from their history (:func:`rebuild`).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:  # fsrs is imported when the first card is reviewed, not with storage
    from fsrs import Card, Rating, Scheduler

# Fuzzing randomises intervals; without it a replay gives exactly the cards live reviews gave.
SCHEDULER_OPTIONS = {"enable_fuzzing": False}


@lru_cache(maxsize=8)
def scheduler(parameters: tuple[float, ...] | None = None) -> "Scheduler":
    """The FSRS scheduler (default parameters unless given)."""
    from fsrs import Scheduler

    if parameters is None:
        return Scheduler(**SCHEDULER_OPTIONS)
    return Scheduler(parameters=parameters, **SCHEDULER_OPTIONS)


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(float(ts), timezone.utc)


def question_key(question_id: str) -> str:
    return f"q:{question_id}"


def skill_key(kind: str, difficulty: str | None) -> str:
    return f"skill:{kind}:{difficulty or 'medium'}"


def card_keys(record: Mapping[str, Any]) -> list[str]:
    """The cards an attempt reviews (``record`` is an attempt row or ``Attempt`` as a mapping)."""
    keys = []
    if record.get("question_id"):
        keys.append(question_key(record["question_id"]))
    if record.get("kind"):
        keys.append(skill_key(record["kind"], record.get("difficulty")))
    return keys


def hints_used(record: Mapping[str, Any]) -> int:
    """How many hints the answer used, 0 when the attempt does not say: a ``hints`` field, or
    the ``{"hints": {"shown": k, "of": n}}`` practice writes into the response."""
    value = record.get("hints")
    if value is None:
        response = record.get("response")
        if isinstance(response, str):  # a row read straight from the table
            try:
                response = json.loads(response)
            except ValueError:
                response = None
        value = response.get("hints") if isinstance(response, dict) else None
    if isinstance(value, dict):
        value = value.get("shown")
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def rating_for(score: float, correct: bool, hints: int = 0) -> "Rating":
    """Wrong (score 0) is Again, right is Good, partial credit is Hard; hints cost one step."""
    from fsrs import Rating

    if correct or score >= 1.0:
        rating = Rating.Good
    elif score > 0.0:
        rating = Rating.Hard
    else:
        rating = Rating.Again
    if hints > 0 and rating > Rating.Again:
        rating = Rating(rating - 1)
    return rating


def new_card(key: str) -> "Card":
    from fsrs import Card

    # A stable id (not the creation time the library defaults to) keeps replays identical.
    return Card(card_id=zlib.crc32(key.encode("utf-8")) or 1, due=utc(0))


@dataclass
class MemoryCard:
    key: str
    card: "Card"
    reviews: int = 0
    last_rating: int | None = None


# -- the tables -------------------------------------------------------------------------------------

def read_cards(conn: sqlite3.Connection, keys: Iterable[str] | None = None) -> dict[str, MemoryCard]:
    from fsrs import Card

    if keys is None:
        rows = conn.execute("SELECT key, card, reviews, last_rating FROM memory_cards").fetchall()
    else:
        keys = list(keys)
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        rows = conn.execute(f"SELECT key, card, reviews, last_rating FROM memory_cards "
                            f"WHERE key IN ({marks})", keys).fetchall()
    return {r[0]: MemoryCard(r[0], Card.from_json(r[1]), int(r[2]), r[3]) for r in rows}


def _write_cards(conn: sqlite3.Connection, cards: Iterable[MemoryCard], at: float) -> None:
    conn.executemany(
        "INSERT INTO memory_cards(key, card, reviews, last_rating, updated_at) VALUES (?,?,?,?,?) "
        "ON CONFLICT(key) DO UPDATE SET card = excluded.card, reviews = excluded.reviews, "
        "last_rating = excluded.last_rating, updated_at = excluded.updated_at",
        [(m.key, m.card.to_json(), m.reviews, m.last_rating, at) for m in cards])


def replayed_through(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT through FROM memory_replay WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def _set_through(conn: sqlite3.Connection, attempt_id: int) -> None:
    conn.execute("INSERT INTO memory_replay(id, through) VALUES (1, ?) "
                 "ON CONFLICT(id) DO UPDATE SET through = excluded.through", (int(attempt_id),))


# -- reviewing ----------------------------------------------------------------------------------------

def review(cards: dict[str, MemoryCard], record: Mapping[str, Any],
           sched: "Scheduler | None" = None) -> None:
    """Apply one attempt to ``cards`` (in memory; new cards are created as needed)."""
    sched = sched or scheduler()
    rating = rating_for(float(record["score"]), bool(record["correct"]), hints_used(record))
    when = utc(record["at"])
    for key in card_keys(record):
        m = cards.get(key) or MemoryCard(key, new_card(key))
        # An attempt stamped before the card's last review (a clock set back) is taken as
        # happening at that review: FSRS needs time to move forward.
        at = max(when, m.card.last_review) if m.card.last_review else when
        m.card, _log = sched.review_card(m.card, rating, at)
        m.reviews += 1
        m.last_rating = int(rating)
        cards[key] = m


def _attempt_rows(conn: sqlite3.Connection, after: int, before: int | None) -> list[dict[str, Any]]:
    # SELECT * so an optional column added later (e.g. hints) reaches hints_used() untouched.
    sql = "SELECT * FROM attempts WHERE id > ?" + (" AND id < ?" if before is not None else "")
    cur = conn.execute(sql + " ORDER BY id", (after,) if before is None else (after, before))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def replay(conn: sqlite3.Connection, before: int | None = None) -> int:
    """Review every attempt not yet in the cards (ids below ``before`` if given), oldest first.
    Call inside a transaction. Returns how many attempts were replayed."""
    through = replayed_through(conn)
    rows = _attempt_rows(conn, through, before)
    if not rows:
        return 0
    keys = {k for r in rows for k in card_keys(r)}
    cards = read_cards(conn, keys)
    sched = scheduler()
    for r in rows:
        review(cards, r, sched)
    _write_cards(conn, cards.values(), at=float(rows[-1]["at"]))
    _set_through(conn, int(rows[-1]["id"]))
    return len(rows)


def rebuild(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Recompute the cards ``keys`` from every replayed attempt that reviews them, oldest first.

    For a score that changed after it was reviewed: a written answer marked by the student after
    the exam (it counted 0 at submit). FSRS reviews are sequential, so the card is rebuilt from
    its whole history rather than reviewed twice. Call inside a transaction."""
    keys = set(keys)
    if not keys:
        return
    rows = [r for r in _attempt_rows(conn, 0, replayed_through(conn) + 1)
            if keys.intersection(card_keys(r))]
    cards: dict[str, MemoryCard] = {}
    sched = scheduler()
    for r in rows:
        review(cards, r, sched)
    rebuilt = [m for k, m in cards.items() if k in keys]
    if rebuilt:
        _write_cards(conn, rebuilt, at=float(rows[-1]["at"]))


def review_attempt(conn: sqlite3.Connection, attempt: Any) -> None:
    """Review the cards of a just-inserted attempt, in its transaction (after any replay due)."""
    if replayed_through(conn) < attempt.id - 1:
        replay(conn, before=attempt.id)
    record = dict(vars(attempt))
    cards = read_cards(conn, card_keys(record))
    review(cards, record)
    _write_cards(conn, cards.values(), at=float(attempt.at))
    _set_through(conn, attempt.id)
