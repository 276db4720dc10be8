"""`quizapp bank validate|stats|schema`: the bank as a teacher maintains it."""

from __future__ import annotations

import argparse
import json
import sys


def add_parsers(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help="validate the question bank, show its statistics or schema")
    bsub = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True)
    v = bsub.add_parser("validate", help="check every bank file and report every problem")
    v.add_argument("dir", nargs="?", help="bank directory (default: --bank or the bundled bank)")
    v.set_defaults(handler=validate)
    s = bsub.add_parser("stats", help="counts per chapter, type, difficulty and language")
    s.add_argument("dir", nargs="?")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(handler=stats)
    j = bsub.add_parser("schema", help="print the JSON Schema of a bank file (for editors)")
    j.add_argument("--what", choices=("file", "blueprint", "chapters"), default="file")
    j.set_defaults(handler=schema)


def _dir(args) -> str | None:
    return getattr(args, "dir", None) or args.bank


def validate(args) -> int:
    from quizapp.core.bank.loader import check_bank

    bank, problems = check_bank(_dir(args))
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", file=sys.stderr)
        return 1
    assert bank is not None
    print(f"OK: {len(bank.questions)} questions, {len(bank.blueprints)} blueprints in {bank.directory}")
    return 0


def stats(args) -> int:
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.bank.stats import bank_stats, format_stats

    bank = load_bank(_dir(args))
    st = bank_stats(bank)
    if args.format == "json":
        print(json.dumps({
            "total": st.total,
            "by_chapter": {k: dict(v) for k, v in st.by_chapter.items()},
            "by_type": dict(st.by_type), "by_difficulty": dict(st.by_difficulty),
            "languages": {"zh": st.total, "en": st.bilingual},
            "memorise_covered": st.memorise_covered, "kinds_used": dict(st.kinds_used),
            "blueprints": sorted(bank.blueprints),
        }, ensure_ascii=False, indent=2))
    else:
        print(format_stats(bank, st))
    return 0


def schema(args) -> int:
    from quizapp.core.bank.models import Blueprint, Chapters, File

    model = {"file": File, "blueprint": Blueprint, "chapters": Chapters}[args.what]
    out = model.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = f"quizapp question bank: {args.what}"
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
