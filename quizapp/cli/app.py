"""`quizapp` (no command), `quizapp practice ...`, `quizapp exam ...`: open the Textual app.

Textual is imported only inside the handlers, so other commands never pay for it.
"""

from __future__ import annotations

import argparse

DIFFICULTIES = ("easy", "medium", "hard")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("practice", help="practise one question at a time with instant feedback")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--chapter", metavar="C", help="a chapter id, e.g. ch1_cnn")
    target.add_argument("--topic", metavar="T", help="a topic tag, e.g. iou")
    target.add_argument("--kind", metavar="K", help="a calculation kind to drill, e.g. conv_output")
    p.add_argument("--difficulty", choices=DIFFICULTIES,
                   help="drills: the numbers' difficulty; chapters/topics: only these questions")
    p.set_defaults(handler=run_practice)

    e = sub.add_parser("exam", help="sit a timed mock exam (resumes one in progress)")
    e.add_argument("--paper", default="final", metavar="BLUEPRINT",
                   help="exam blueprint id (default: final)")
    e.add_argument("--minutes", type=int, metavar="M", help="time limit instead of the blueprint's")
    e.add_argument("--seed", type=int, metavar="S",
                   help="paper seed: the same seed gives everyone the same paper")
    e.set_defaults(handler=run_exam)


def _run(args: argparse.Namespace, start=None) -> int:
    from quizapp.tui.app import check_start, create_app

    bank = None
    if start is not None:
        check_start(start)
        bank = _checked_bank(args, start)
    app = create_app(data_dir=args.data_dir, bank_dir=args.bank, bank=bank, start=start)
    app.run()
    if app.crashed and not app.return_code:
        return 1  # Textual printed the traceback; a crash is never a success
    return int(app.return_code or 0)


def _checked_bank(args: argparse.Namespace, start):
    """The bank, loaded here when the command names a chapter, a topic or a paper, so that a wrong
    name is one sentence and exit 2 before the terminal switches to the app (not a notice over the
    home screen). The app then uses this bank instead of loading it again. A bank that does not
    load is left to the app, whose screen explains it."""
    named = (start.flow == "practice" and start.mode in ("chapter", "topic") and start.target) \
        or start.flow == "exam"
    if not named:
        return None
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.errors import BankError, InputError

    try:
        bank = load_bank(args.bank)
    except BankError:
        return None
    if start.flow == "exam":
        try:
            bank.blueprint(start.blueprint)
        except BankError as exc:
            raise InputError(exc.message, hint=exc.hint) from None
    else:
        from quizapp.core.practice import check_target

        check_target(bank, start.mode, start.target, start.difficulty)
    return bank


def run_home(args: argparse.Namespace) -> int:
    return _run(args)


def run_practice(args: argparse.Namespace) -> int:
    from quizapp.tui.app import Start

    if args.kind:
        start = Start("practice", mode="drill", target=args.kind, difficulty=args.difficulty)
    elif args.topic:
        start = Start("practice", mode="topic", target=args.topic, difficulty=args.difficulty)
    else:  # a chapter, or the chapter picker
        start = Start("practice", mode="chapter", target=args.chapter, difficulty=args.difficulty)
    return _run(args, start)


def run_exam(args: argparse.Namespace) -> int:
    from quizapp.tui.app import Start

    return _run(args, Start("exam", blueprint=args.paper, minutes=args.minutes, seed=args.seed))
