"""Question ids are stable: an id once shipped always names the same question.

Progress (attempts, the mistake book) is stored by id, so reusing an id for a different question
would silently attach a student's history to the wrong question. tests/core/data/shipped_ids.tsv
lists every shipped id with its type and chapter; new questions add lines, nothing is rewritten.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.core.bank.loader import load_bank

LOCK = Path(__file__).parent / "data" / "shipped_ids.tsv"


def read_lock() -> dict[str, tuple[str, str, bool]]:
    out = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, qtype, chapter, *rest = line.split("\t")
        out[qid] = (qtype, chapter, "retired" in rest)
    return out


def test_shipped_ids_still_name_the_same_question():
    bank = load_bank()
    current = {q.id: q for q in bank.questions}
    changed, missing = [], []
    for qid, (qtype, chapter, retired) in read_lock().items():
        if retired:
            assert qid not in current, f"'{qid}' is retired and must not come back"
            continue
        q = current.get(qid)
        if q is None:
            missing.append(qid)
        elif (q.type, q.chapter) != (qtype, chapter):
            changed.append(f"{qid}: was {qtype} in {chapter}, now {q.type} in {q.chapter}")
    assert not missing, f"shipped ids removed (mark them 'retired' in {LOCK.name} instead): {missing}"
    assert not changed, "ids reused for a different question:\n" + "\n".join(changed)


def test_the_lock_file_has_no_duplicates():
    ids = [line.split("\t")[0] for line in LOCK.read_text(encoding="utf-8").splitlines()
           if line.strip() and not line.startswith("#")]
    assert len(ids) == len(set(ids)) >= 400
