"""What every export format shares: the options, the item's place (chapter, kind), its name, and
the notices about what a format cannot carry (one per format and item type or kind)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizapp.core.items import Item
from quizapp.export.html import Style
from solvers import Text


@dataclass
class Context:
    """Options of one export run, and what it has to tell the user afterwards."""

    style: Style
    chapters: dict[str, Text]  # chapter id -> title
    notices: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def cannot(self, what: str, reason: str) -> None:
        """Record that an item of ``what`` (a type or kind) loses or changes something in this
        format; the CLI prints one warning per reason, naming each type or kind it touched."""
        key = (what, reason)
        self.notices[key] = reason
        self.counts[key] = self.counts.get(key, 0) + 1

    def warnings(self, fmt_name: str) -> list[str]:
        by_reason: dict[str, list[str]] = {}
        for what, reason in sorted(self.notices):
            by_reason.setdefault(reason, []).append(f"{what} ({self.counts[(what, reason)]})")
        return [f"{fmt_name}: {reason}: {', '.join(whats)}" for reason, whats in by_reason.items()]


def item_name(item: Item) -> str:
    """A short, stable, human name: the bank id or kind, and which variant (its seed)."""
    base = item.id if item.question is not None else (item.kind or item.uid)
    return f"{base} #{item.seed}" if item.seed is not None and "@" in item.uid else base


def item_key(item: Item) -> str:
    """The item's uid made safe for identifiers (letters, digits, - _ .)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", item.uid)


def where(item: Item) -> tuple[str, ...]:
    """The item's place in a tree of categories/decks: its chapter, then its kind for a
    calculation (numbers or its choice version), or its type otherwise."""
    if item.kind:
        return (item.chapter, item.kind)
    return (item.chapter, item.type)


def unique_answers(values) -> list[str]:
    """Accepted answers without repeats that differ only in case (LMS matching ignores case)."""
    seen, out = set(), []
    for v in values:
        if v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def shown_answer(accept: list[str], lang: str) -> str:
    """The accepted form to show as "the" answer of a blank: the first one, or in English the
    first without Chinese characters (a blank's forms mix languages)."""
    if lang == "en":
        for a in accept:
            if not any("\u4e00" <= ch <= "\u9fff" for ch in a):
                return a
    return accept[0]
