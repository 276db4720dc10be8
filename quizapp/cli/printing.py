"""`quizapp worksheet` and `quizapp paper`: printable sheets with answer keys (PDF, HTML, Markdown).

Argument parsing only; the work is in :mod:`quizapp.worksheet`. Heavy imports (the engine,
Typst) happen inside the handlers so ``quizapp --help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from quizapp.core.errors import InputError

QUESTION_TYPES = ("single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer",
                  "calculation", "comprehensive")


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="base seed, a whole number >= 0 (default 0); "
                   "the same seed gives the same sheet on any machine")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="both",
                   help="language (default both: Chinese first, English beneath in grey)")
    p.add_argument("--format", choices=("pdf", "html", "md"), default="pdf",
                   help="pdf (typeset with Typst), html (prints from a browser) or md (default pdf)")
    p.add_argument("-o", "--output", metavar="PATH", default=None,
                   help="output file; for a class set without --merge, a directory "
                        "(default: named after the code, in the current directory)")
    p.add_argument("--key", choices=("separate", "appended", "none"), default="separate",
                   help="answer key: a separate <name>-key file (default), pages appended to "
                        "the same file, or none")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--copies", type=int, metavar="N", default=None,
                     help="a class set of N variants, each with its own seed")
    who.add_argument("--roster", metavar="FILE.csv", default=None,
                     help="a class set, one variant per student: a CSV with a header and a "
                          "'name' and/or 'id' column (also 姓名/学号)")
    p.add_argument("--merge", action="store_true",
                   help="class set: one file with a page break between students instead of a "
                        "directory of files")
    p.add_argument("--font-dir", action="append", default=[], metavar="DIR",
                   help="extra directory of fonts for PDFs (repeatable; also QUIZAPP_FONT_DIRS)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser(
        "worksheet", help="print a worksheet of calculation drills and/or bank questions, with a key",
        description="Build a printable worksheet. --kind draws calculation drills from the "
                    "engine; --chapter/--type draw questions from the bank. With both, the "
                    "first half (rounded up) of --count are drills and the rest bank questions. "
                    "Sections follow exam order (choice, true/false, fill-in, short answer, "
                    "calculation, comprehensive).")
    w.add_argument("--kind", action="append", default=[], metavar="KIND",
                   help="a calculation kind from 'quizapp kinds', or 'all' (repeatable)")
    w.add_argument("--chapter", action="append", default=[], metavar="CHAPTER",
                   help="a bank chapter id such as ch1_cnn (repeatable)")
    w.add_argument("--type", action="append", default=[], choices=QUESTION_TYPES, metavar="TYPE",
                   help="a question type: " + ", ".join(QUESTION_TYPES) + " (repeatable)")
    w.add_argument("--count", type=int, default=10, help="number of questions (default 10)")
    w.add_argument("--as-choice", action="store_true",
                   help="ask the calculation drills as single choice; the wrong options are the "
                        "values of the kind's common mistakes")
    w.add_argument("--difficulty", choices=("easy", "medium", "hard"), default=None,
                   help="drills: default medium; bank questions: any unless given")
    w.add_argument("--title", default=None, help="title printed at the top (default 练习卷 Worksheet)")
    _output_options(w)
    w.set_defaults(handler=worksheet)

    p = sub.add_parser(
        "paper", help="print a full mock exam paper from a blueprint, with a key",
        description="Build a mock exam paper from an exam blueprint (question_bank/blueprints): "
                    "cover with duration, points, name and student-id lines and the paper code; "
                    "sections with instructions; space to write.")
    p.add_argument("--blueprint", default="final", help="blueprint id (default final)")
    p.add_argument("--minutes", type=int, default=None,
                   help="duration printed on the cover (default: the blueprint's)")
    _output_options(p)
    p.set_defaults(handler=paper)


def _common(args):
    from quizapp.worksheet.output import Options
    from quizapp.worksheet.render_typst import Fonts

    if args.seed < 0:
        raise InputError(f"--seed must be a whole number >= 0, got {args.seed}.")
    if args.merge and args.copies is None and args.roster is None:
        raise InputError("--merge needs a class set: add --copies N or --roster FILE.csv.")
    for d in args.font_dir:
        if not Path(d).is_dir():
            raise InputError(f"--font-dir {d} is not a directory.",
                             hint="Give a folder that holds .ttf/.otf/.ttc font files.")
    return Options(format=args.format, lang=args.lang, key=args.key, merge=args.merge,
                   fonts=Fonts.from_env(tuple(args.font_dir)))


def _students(args):
    from quizapp.worksheet.classset import copies, read_roster

    if args.roster is not None:
        return read_roster(args.roster)
    if args.copies is not None:
        return copies(args.copies)
    return None


def _report(written, what: str) -> None:
    for path in written.sheets:
        print(f"wrote {path}")
    for path in written.keys:
        print(f"wrote {path} (answer key)")
    if len(written.sheets) > 1:
        print(f"{len(written.sheets)} {what} files")


def _emit(make, args, default_name: str, opts) -> int:
    from quizapp.worksheet.output import build_variants, write_class_set, write_single

    students = _students(args)
    if students is None:
        sheet, key = make(args.seed, None)
        name = f"{default_name}-{sheet.header.code}.{opts.format}"
        out = Path(args.output) if args.output else Path(name)
        if out.is_dir():  # -o DIR: the default name inside it
            out = out / name
        _report(write_single(sheet, key, out, opts), "sheet")
        return 0
    variants = build_variants(make, args.seed, students)
    if args.output:
        out = Path(args.output)
    else:
        base = f"{default_name}-class-seed{args.seed}"
        out = Path(f"{base}.{opts.format}") if opts.merge else Path(base)
    _report(write_class_set(variants, students, out, opts), "student")
    return 0


def worksheet(args) -> int:
    from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets
    from solvers import Text

    opts = _common(args)
    if not args.kind and not args.chapter and not args.type:
        raise InputError("Say what the worksheet should practise: --kind KIND for calculation "
                         "drills and/or --chapter/--type for bank questions.",
                         hint="Run 'quizapp kinds' for the kinds.")
    if args.count < 1 or args.count > 500:
        raise InputError(f"--count must be between 1 and 500, got {args.count}.")
    bank = None
    if args.chapter or args.type:
        from quizapp.core.bank.loader import load_bank

        bank = load_bank(args.bank)
    title = Text(args.title, args.title) if args.title else None

    def make(seed, student):
        spec = WorksheetSpec(kinds=tuple(args.kind), chapters=tuple(args.chapter),
                             types=tuple(args.type), count=args.count,
                             difficulty=args.difficulty, seed=seed, as_choice=args.as_choice)
        return worksheet_sheets(spec, bank, student, title)

    return _emit(make, args, "worksheet", opts)


def paper(args) -> int:
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.paper import build_paper
    from quizapp.worksheet.build import paper_sheets

    opts = _common(args)
    if args.minutes is not None and not 1 <= args.minutes <= 600:
        raise InputError(f"--minutes must be between 1 and 600, got {args.minutes}.")
    bank = load_bank(args.bank)
    bank.blueprint(args.blueprint)  # an unknown id fails before any work

    def make(seed, student):
        return paper_sheets(build_paper(bank, args.blueprint, seed, minutes=args.minutes), student)

    return _emit(make, args, f"paper-{args.blueprint}", opts)
