"""List key points whose accepted phrasings include a bare term: a phrasing with no `..` or `&`,
i.e. a term that earns the tick without anything said about it (issue #9: wrong answers using the
right words tick on such phrasings).

Run: .venv/bin/python scripts/bare_phrasings.py [--count]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def is_bare(phrasing: str) -> bool:
    return ".." not in phrasing and "&" not in phrasing


def bare_key_points(bank):
    for q in bank.questions:
        groups = [(None, q.key_points or [])]
        groups += [(i, p.key_points or []) for i, p in enumerate(q.parts or [], 1)]
        for part, kps in groups:
            for n, kp in enumerate(kps, 1):
                bare = {lang: [p for p in getattr(kp.accept, lang) if is_bare(p)] for lang in ("zh", "en")}
                if bare["zh"] or bare["en"]:
                    yield q.id, part, n, kp, bare


def main() -> None:
    from quizapp.core.bank.loader import load_bank

    rows = list(bare_key_points(load_bank()))
    if "--count" not in sys.argv:
        for qid, part, n, kp, bare in rows:
            where = f"{qid}" + (f"/{part}" if part else "") + f" #{n}"
            print(f"{where:28} {kp.en[:50]:50}  zh={bare['zh']} en={bare['en']}")
    print(f"{len(rows)} key points with bare phrasings")


if __name__ == "__main__":
    main()
