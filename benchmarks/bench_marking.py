"""How good are the machine's suggested ticks? Measured on the labelled answers in
tests/core/data/labelled_answers.yaml (a careful teacher's tick for every key point).

Reports, for the dev split (seen while writing the phrasings) and the held-out split (written
after them and never used to change one), separately:

* tick precision and recall against the teacher's ticks;
* the share of the item's points the suggestions give to correct answers and to wrong answers
  that use the right words (targets: correct >= 70 %, wrong <= 25 %).

Run: .venv/bin/python benchmarks/bench_marking.py [--list] (``--list`` prints every disagreement).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "core" / "data" / "labelled_answers.yaml"
sys.path.insert(0, str(ROOT))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    correct_shares: list[float] = field(default_factory=list)
    wrong_shares: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @staticmethod
    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    @property
    def correct_share(self) -> float:
        return self.mean(self.correct_shares)

    @property
    def wrong_share(self) -> float:
        return self.mean(self.wrong_shares)


def load_rows(path: Path = DATA) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]


def score(rows: list[dict], bank=None) -> dict[str, Tally]:
    """Suggested ticks against the teacher's, per split ('dev', 'heldout')."""
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.items import realise, stem_of
    from quizapp.core.marking import suggest_all

    bank = bank or load_bank()
    out: dict[str, Tally] = {}
    for row in rows:
        item = realise(bank.get(row["item"]), 0)
        if row.get("part"):
            part = item.parts[row["part"] - 1]
            key_points, stem = part.key_points, stem_of(item, part)
        else:
            key_points, stem = item.question.key_points, stem_of(item)
        teacher = [bool(t) for t in row["ticks"]]
        if len(teacher) != len(key_points):
            raise ValueError(f"{row['item']}: {len(teacher)} ticks for {len(key_points)} key points")
        machine = suggest_all(key_points, row["answer"], stem)
        t = out.setdefault(row["split"], Tally())
        for kp, want, got in zip(key_points, teacher, machine):
            t.tp += want and got.earned
            t.fp += (not want) and got.earned
            t.fn += want and not got.earned
            t.tn += (not want) and not got.earned
            if want != got.earned:
                where = row["item"] + (f"/{row['part']}" if row.get("part") else "")
                t.misses.append(f"{where} [{row['kind']}] {'missed' if want else 'wrongly ticked'}: "
                                f"{kp.en[:60]} -- {got.why[:70]}")
        total = sum(k.points for k in key_points)
        share = sum(k.points for k, s in zip(key_points, machine) if s.earned) / total
        (t.correct_shares if row["kind"].startswith("correct") else t.wrong_shares).append(share)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    rows = load_rows()
    for split, t in sorted(score(rows).items()):
        n = sum(1 for r in rows if r["split"] == split)
        print(f"{split:8} {n:3} answers  tick precision {t.precision:.2f}  recall {t.recall:.2f}  "
              f"correct answers get {100 * t.correct_share:.0f}% of the points "
              f"({len(t.correct_shares)})  wrong answers {100 * t.wrong_share:.0f}% "
              f"({len(t.wrong_shares)})")
        if args.list:
            for m in t.misses:
                print("   ", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
