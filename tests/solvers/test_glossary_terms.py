"""The engine's Chinese uses the bank's glossary terms (question_bank/glossary.yaml): a generated
problem said 步长 for stride in 32 places while the bank and its lint say 步幅."""

from __future__ import annotations

from pathlib import Path

from quizapp.core.bank.glossary import TermMatcher, load_glossary
from solvers import DIFFICULTIES, all_kinds, make_problem

BANK = Path(__file__).parents[2] / "question_bank"


def test_generated_text_uses_the_glossary_terms():
    problems: list[str] = []
    matchers = [TermMatcher.of(t) for t in load_glossary(BANK, problems).terms]
    assert matchers and not problems
    found = []
    for kind in all_kinds():
        for difficulty in DIFFICULTIES:
            for seed in range(3):
                p = make_problem(kind.id, seed, difficulty)
                texts = [p.question] + list(p.steps) + [m.label for m in p.mistakes]
                texts += [f.label for f in p.fields]
                for t in texts:
                    for m in matchers:
                        bad = m.misuse(t.zh, t.en)
                        if bad:
                            found.append(f"{kind.id}: {bad} in {t.zh[:40]!r}")
    assert not found, found[:10]
