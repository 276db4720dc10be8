"""`quizapp export FORMAT`: the bank and the calculation kinds for Moodle, Anki and other LMSs.

Argument parsing only; which items go in is :mod:`quizapp.core.export_set`, the files are written
by :mod:`quizapp.export`.
"""

from __future__ import annotations

import argparse
import sys

from quizapp.core.errors import InputError

def add_parsers(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser(
        "export",
        help="export questions for Moodle (XML or GIFT), Anki (.apkg) or QTI 2.1 (Canvas, ...)",
        description="Export bank questions and calculation variants. FORMAT is moodle (Moodle XML), "
                    "gift (Moodle GIFT text), anki (an Anki package) or qti (a QTI 2.1 zip). "
                    "Lists take several values or commas: --chapters ch1_cnn ch8_detection.")
    e.add_argument("format", metavar="FORMAT", help="moodle, gift, anki or qti")
    e.add_argument("--chapters", nargs="+", default=[], metavar="CHAPTER",
                   help="chapter ids such as ch1_cnn (default: all)")
    e.add_argument("--types", nargs="+", default=[], metavar="TYPE",
                   help="question types such as single_choice calculation (default: all; "
                        "with --kinds: calculation)")
    e.add_argument("--kinds", nargs="+", default=[], metavar="KIND",
                   help="calculation kinds from 'quizapp kinds' (default: all)")
    e.add_argument("--variants", type=int, default=5,
                   help="numbers drawn per calculation question or kind (default 5)")
    e.add_argument("--seed", type=int, default=0, help="base seed, a whole number >= 0 (default 0); "
                   "the same seed gives the same variants, so a new export updates an old one")
    e.add_argument("--as-choice", action="store_true",
                   help="ask each calculation as a single-choice question whose wrong options are "
                        "the values of its common mistakes")
    e.add_argument("--lang", choices=("zh", "en", "both"), default="both",
                   help="language (default both; Moodle shows the reader's with its multilang filter)")
    e.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="output file (default quizapp-FORMAT with the format's extension)")
    e.set_defaults(handler=export)


def _list(values: list[str]) -> tuple[str, ...]:
    return tuple(v for value in values for v in value.split(",") if v)


def export(args) -> int:
    from quizapp.export import FORMATS, check_writable, export as write_export

    if args.format not in FORMATS:
        raise InputError(f"Unknown export format {args.format[:40]!r}; valid formats are: "
                         f"{', '.join(FORMATS)}.")
    out = args.output or f"quizapp-{args.format}{FORMATS[args.format][1]}"
    check_writable(out)
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.export_set import ExportSpec, export_items

    bank = load_bank(args.bank)
    spec = ExportSpec(chapters=_list(args.chapters), types=_list(args.types), kinds=_list(args.kinds),
                      variants=args.variants, seed=args.seed, as_choice=args.as_choice)
    items = export_items(spec, bank)
    if not items:
        raise InputError("No questions match the chosen chapters, types and kinds.")
    done = write_export(args.format, items, bank, out, args.lang)
    for warning in done.warnings:
        print(f"quizapp: warning: {warning}", file=sys.stderr)
    print(f"wrote {done.path} ({done.questions} questions)")
    return 0
