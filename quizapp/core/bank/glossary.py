"""The bank's glossary: one Chinese term per English course term (``question_bank/glossary.yaml``).

A teacher lists the preferred Chinese term, the variants the bank must not use for it, and the
English term that identifies the meaning::

    terms:
      - en: stride            # a word or phrase; matched as whole words, any case
        zh: 步幅               # the term the bank uses
        reject: [步长]          # variants flagged by `quizapp bank lint`

A rejected variant is only flagged where the English side of the same text says the English
term: 步长 is right for an optimiser's step size, wrong for a convolution's stride.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from quizapp.core.bank.models import Strict

GLOSSARY_FILE = "glossary.yaml"


class Term(Strict):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    reject: list[str] = Field(min_length=1)


class Glossary(Strict):
    terms: list[Term] = Field(default_factory=list)


@dataclass(frozen=True)
class TermMatcher:
    term: Term
    en_pattern: re.Pattern

    @classmethod
    def of(cls, term: Term) -> "TermMatcher":
        words = r"\s+".join(re.escape(w) for w in term.en.split())
        return cls(term, re.compile(rf"\b{words}", re.IGNORECASE))

    def misuse(self, zh: str, en: str) -> str | None:
        """The rejected variant ``zh`` uses where ``en`` says this term, or None."""
        if not self.en_pattern.search(en):
            return None
        for variant in self.term.reject:
            # a variant inside the preferred term (rare) is not a misuse
            if variant in zh.replace(self.term.zh, ""):
                return variant
        return None


def load_glossary(directory: Path, problems: list[str]) -> Glossary:
    """The glossary of a bank directory (empty when the file is absent); problems are recorded."""
    from quizapp.core.bank.loader import parse_yaml, validate_model

    path = directory / GLOSSARY_FILE
    if not path.exists():
        return Glossary()
    parsed = parse_yaml(path, problems)
    model = validate_model(parsed, Glossary, problems) if parsed else None
    return model if isinstance(model, Glossary) else Glossary()
