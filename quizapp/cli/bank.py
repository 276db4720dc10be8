"""`quizapp bank validate|lint|stats|schema`: the bank as a teacher maintains it."""

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
    lint = bsub.add_parser("lint", help="report item-writing flaws (cues, unmarked negatives, "
                           "terms against the glossary)")
    lint.add_argument("dir", nargs="?", help="bank directory (default: --bank or the bundled bank)")
    lint.set_defaults(handler=lint_bank)
    s = bsub.add_parser("stats", help="counts per chapter, type, difficulty and language, and the "
                        "cue figures")
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

    from quizapp.core.summary import bounded

    bank, problems = check_bank(_dir(args), progress=_progress() if sys.stderr.isatty() else None)
    for problem in problems:
        print(bounded(problem))
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", file=sys.stderr)
        return 1
    assert bank is not None
    print(f"OK: {len(bank.questions)} questions, {len(bank.blueprints)} blueprints in {bank.directory}")
    return 0


def _progress():
    """A line on the terminal (stderr) saying which file is being checked, for big banks."""
    import time

    shown = [0.0]

    def show(done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if now - shown[0] >= 0.25 or done + 1 == total:
            sys.stderr.write(f"\rchecking {done + 1}/{total}: {name[:40]:<40}")
            if done + 1 == total:
                sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
            shown[0] = now
    return show


def lint_bank(args) -> int:
    from quizapp.core.bank.lint import lint_bank as lint

    problems, findings = lint(_dir(args))
    for line in problems or findings:
        print(line)
    if problems:
        print(f"\nThe bank does not validate ({len(problems)} problem"
              f"{'s' if len(problems) != 1 else ''}); fix those before linting.", file=sys.stderr)
        return 1
    if findings:
        print(f"\n{len(findings)} item-writing flaw{'s' if len(findings) != 1 else ''} found.",
              file=sys.stderr)
        return 1
    print("OK: no item-writing flaws found.")
    return 0


def stats(args) -> int:
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.bank.stats import bank_stats, cue_stats, format_stats

    bank = load_bank(_dir(args))
    st = bank_stats(bank)
    cues = cue_stats(bank)
    if args.format == "json":
        print(json.dumps({
            "total": st.total,
            "by_chapter": {k: dict(v) for k, v in st.by_chapter.items()},
            "by_type": dict(st.by_type), "by_difficulty": dict(st.by_difficulty),
            "languages": {"zh": st.total, "en": st.bilingual},
            "memorise_covered": st.memorise_covered, "kinds_used": dict(st.kinds_used),
            "blueprints": sorted(bank.blueprints),
            "cues": {
                "single_choice": cues.single_choice,
                "correct_longest": cues.longest, "correct_longest_share": cues.longest_share,
                "multiple_choice": cues.multiple_choice,
                "multiple_choice_keys_longer": cues.multi_keys_longer,
                "true_false": cues.true_false, "true": cues.true_count,
                "true_share": cues.true_share,
                "correct_positions": {t: dict(sorted(c.items())) for t, c in cues.positions.items()},
            },
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
