"""Counts of the bank by chapter, type, difficulty and language, for `quizapp bank stats`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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


@dataclass
class CueStats:
    """Figures a test-wise student could exploit (``quizapp bank stats``; targets in the README).

    ``longest[lang]`` counts single-choice items whose correct option is strictly the longest by
    display width; ``longest_or_tied`` also counts ties for the longest."""

    single_choice: int
    longest: dict[str, int]
    longest_or_tied: dict[str, int]
    true_false: int
    true_count: int
    positions: dict[str, Counter]  # question type -> Counter of correct option letters
    multiple_choice: int = 0
    # multiple-choice items whose keys are on average longer than their distractors
    multi_keys_longer: dict[str, int] = field(default_factory=dict)

    def share(self, n: int, of: int) -> float:
        return n / of if of else 0.0

    @property
    def longest_share(self) -> dict[str, float]:
        return {lang: self.share(n, self.single_choice) for lang, n in self.longest.items()}

    @property
    def true_share(self) -> float:
        return self.share(self.true_count, self.true_false)


LONGEST_LIMIT = 0.35  # correct option strictly the longest, per language, at most this share
TRUE_RANGE = (0.40, 0.60)  # share of true/false items that are true


def cue_stats(bank: Bank) -> CueStats:
    from quizapp.core.bank.lint import display_width

    singles = bank.by_type("single_choice")
    longest = {"zh": 0, "en": 0}
    tied = {"zh": 0, "en": 0}
    for q in singles:
        for lang in longest:
            widths = [(display_width(getattr(c, lang)), c.correct) for c in q.choices or []]
            key = max((w for w, ok in widths if ok), default=0)
            others = max((w for w, ok in widths if not ok), default=0)
            longest[lang] += key > others
            tied[lang] += key >= others
    multis = bank.by_type("multiple_choice")
    keys_longer = {"zh": 0, "en": 0}
    for q in multis:
        for lang in keys_longer:
            keys = [display_width(getattr(c, lang)) for c in q.choices or [] if c.correct]
            wrong = [display_width(getattr(c, lang)) for c in q.choices or [] if not c.correct]
            if keys and wrong:
                keys_longer[lang] += sum(keys) / len(keys) > sum(wrong) / len(wrong)
    tf = bank.by_type("true_false")
    positions = {t: Counter(chr(65 + i) for q in bank.by_type(t)
                            for i, c in enumerate(q.choices or []) if c.correct)
                 for t in ("single_choice", "multiple_choice")}
    return CueStats(len(singles), longest, tied, len(tf), sum(bool(q.answer) for q in tf),
                    positions, len(multis), keys_longer)


def format_cues(cues: CueStats) -> list[str]:
    def pct(x: float) -> str:
        return f"{100 * x:.0f}%"

    lines = ["", "cues (a test-wise student's shortcuts):"]
    for lang, name in (("zh", "Chinese"), ("en", "English")):
        share = cues.longest_share[lang]
        lines.append(f"  correct option the longest, {name}: {cues.longest[lang]}/{cues.single_choice}"
                     f" single-choice items = {pct(share)} (with ties "
                     f"{pct(cues.share(cues.longest_or_tied[lang], cues.single_choice))}; "
                     f"target <= {pct(LONGEST_LIMIT)}){'' if share <= LONGEST_LIMIT else '  OVER'}")
    if cues.multiple_choice:
        lines.append("  multiple-choice keys longer on average than the distractors: " + ", ".join(
            f"{name} {cues.multi_keys_longer[lang]}/{cues.multiple_choice} = "
            f"{pct(cues.share(cues.multi_keys_longer[lang], cues.multiple_choice))}"
            for lang, name in (("zh", "Chinese"), ("en", "English"))) + " (no cue near 50%)")
    lo, hi = TRUE_RANGE
    ok = lo <= cues.true_share <= hi
    lines.append(f"  true/false items that are true: {cues.true_count}/{cues.true_false} = "
                 f"{pct(cues.true_share)} (target {pct(lo)}-{pct(hi)}){'' if ok else '  OUT OF RANGE'}")
    for qtype, counter in cues.positions.items():
        total = sum(counter.values())
        spread = ", ".join(f"{k} {counter[k]} ({pct(cues.share(counter[k], total))})"
                           for k in sorted(counter))
        lines.append(f"  correct positions, {qtype.replace('_', '-')}: {spread}")
    return lines


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
    lines += format_cues(cue_stats(bank))
    return "\n".join(lines)
