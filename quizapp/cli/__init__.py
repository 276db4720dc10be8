"""Command line: argument parsing only. Each subcommand lives in a small module of this package
that adds its parser (``add_parsers``) and calls the core; heavy imports happen inside handlers,
so ``quizapp --help`` pays for neither SymPy nor Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from quizapp import __version__
from quizapp.core.errors import QuizappError

# Modules of this package that add subcommands, in --help order.
COMMAND_MODULES = ("app", "calc", "bank", "check", "printing", "export", "plan")


class Parser(argparse.ArgumentParser):
    """argparse, with its error messages bounded: ``--count 99...9`` (5,000 digits) used to be
    repeated whole in 'invalid int value'."""

    def error(self, message: str):  # type: ignore[override]
        from quizapp.core.summary import bounded

        super().error(bounded(message))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="quizapp",
        description="Exam prep for deep learning and computer vision: practice, calculation "
                    "drills, timed mock exams and printable papers. Run with no command to open "
                    "the app.",
    )
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", default=os.environ.get("QUIZAPP_DATA_DIR"),
                        help="where progress is stored (default: the platform's user data "
                             "directory; also QUIZAPP_DATA_DIR)")
    parser.add_argument("--bank", metavar="DIR", default=os.environ.get("QUIZAPP_BANK"),
                        help="question bank directory (default: the bundled bank; also QUIZAPP_BANK)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"quizapp.cli.{name}")
        except ModuleNotFoundError as exc:  # a face not built yet
            if exc.name != f"quizapp.cli.{name}":
                raise
            continue
        module.add_parsers(sub)
    _accept_global_options_after_commands(parser)
    return parser


GLOBAL_OPTIONS = ("--data-dir", "--bank")


def _accept_global_options_after_commands(parser: argparse.ArgumentParser) -> None:
    """``quizapp bank validate --bank DIR`` means what ``quizapp --bank DIR bank validate`` does:
    every subcommand also accepts the global options (given there, they win; absent, the global
    value stands, hence SUPPRESS as the default)."""
    globals_ = [a for a in parser._actions if any(o in GLOBAL_OPTIONS for o in a.option_strings)]
    todo = [parser]
    while todo:
        for action in todo.pop()._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            for child in set(action.choices.values()):
                known = {o for a in child._actions for o in a.option_strings}
                for g in globals_:
                    if not known.intersection(g.option_strings):
                        child.add_argument(*g.option_strings, dest=g.dest, metavar=g.metavar,
                                           default=argparse.SUPPRESS, help=argparse.SUPPRESS)
                todo.append(child)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        # No command: open the app's home screen.
        try:
            from quizapp.cli.app import run_home
        except ModuleNotFoundError:
            parser.print_help()
            return 0
        handler = run_home
    try:
        return int(handler(args) or 0)
    except QuizappError as exc:
        from quizapp.core.summary import bounded

        print(f"quizapp: {bounded(exc.message)}", file=sys.stderr)
        for problem in getattr(exc, "problems", [])[:200]:
            print(f"  {bounded(problem)}", file=sys.stderr)
        if exc.hint:
            print(bounded(exc.hint), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `quizapp generate ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
