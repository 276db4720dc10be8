"""Counts of the bank by chapter, type, difficulty and language, for `quizapp bank stats`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from quizapp.core.bank.loader import Bank
from quizapp.core.bank.models import QUESTION_TYPES

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class BankStats:
    total: int
    by_chapter: dict[str, Counter]  # chapter id -> Counter of types (and "total")
    by_type: Counter
    by_difficulty: Counter
    bilingual: int  # items whose text (or kind statement) exists in both languages
    memorise_covered: dict[str, int]  # memorise point -> number of items testing it
    kinds_used: Counter


def bank_stats(bank: Bank) -> BankStats:
    by_chapter = {c.id: Counter() for c in bank.chapters}
    for q in bank.questions:
        row = by_chapter.setdefault(q.chapter or "?", Counter())
        row[q.type] += 1
        row["total"] += 1
    kinds: Counter = Counter()
    for q in bank.questions:
        if q.calculation:
            kinds[q.calculation.kind] += 1
        for part in q.parts or []:
            if part.calculation:
                kinds[part.calculation.kind] += 1
    memorise = {m.id: 0 for m in bank.memorise}
    for q in bank.questions:
        for m in q.memorise:
            memorise[m] = memorise.get(m, 0) + 1
    return BankStats(
        total=len(bank.questions),
        by_chapter=by_chapter,
        by_type=Counter(q.type for q in bank.questions),
        by_difficulty=Counter(q.difficulty for q in bank.questions),
        # the models require both zh and en wherever text exists; calculation items without text
        # take both languages from the engine
        bilingual=len(bank.questions),
        memorise_covered=memorise,
        kinds_used=kinds,
    )


def format_stats(bank: Bank, stats: BankStats) -> str:
    types = [t for t in QUESTION_TYPES]
    short = {"single_choice": "single", "multiple_choice": "multi", "true_false": "t/f",
             "fill_blank": "fill", "short_answer": "short", "calculation": "calc",
             "comprehensive": "compr"}
    head = f"{'chapter':<24}" + "".join(f"{short[t]:>7}" for t in types) + f"{'total':>7}"
    lines = [f"Question bank: {bank.directory}", "", head, "-" * len(head)]
    for c in bank.chapters:
        row = stats.by_chapter.get(c.id, Counter())
        lines.append(f"{c.number}. {c.id:<21}" + "".join(f"{row[t]:>7}" for t in types)
                     + f"{row['total']:>7}")
    lines.append("-" * len(head))
    lines.append(f"{'all':<24}" + "".join(f"{stats.by_type[t]:>7}" for t in types)
                 + f"{stats.total:>7}")
    lines.append("")
    lines.append("difficulty: " + ", ".join(f"{d} {stats.by_difficulty[d]}" for d in DIFFICULTIES))
    lines.append(f"languages: Chinese {stats.total}, English {stats.bilingual} "
                 f"(every item is bilingual)")
    uncovered = [m for m, n in stats.memorise_covered.items() if n == 0]
    lines.append(f"memorise points covered: {len(stats.memorise_covered) - len(uncovered)}"
                 f"/{len(stats.memorise_covered)}" + (f" (missing: {', '.join(uncovered)})" if uncovered else ""))
    lines.append(f"calculation kinds used: {len(stats.kinds_used)}")
    lines.append(f"blueprints: {', '.join(sorted(bank.blueprints)) or 'none'}")
    return "\n".join(lines)
