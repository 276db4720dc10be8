"""`quizapp check ITEM --answer TEXT`: grade one answer to any bank item as the app does, and say
why for every key point, blank, option or answer field."""

from __future__ import annotations

import argparse
import json


def add_parsers(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "check", help="grade one answer to a bank item and show why each point is earned or not",
        description="Grade ANSWER to bank item ITEM exactly as the app does. Answers: choice "
                    "letters (B, AC), T or F, fill-ins as blanks separated by '|', calculations "
                    "as name=value pairs, written answers as text (their ticks are the machine's "
                    "suggestions). Comprehensive items need --part.")
    c.add_argument("item", metavar="ITEM", help="a question id from the bank, e.g. seg-spp-002")
    c.add_argument("--answer", required=True, metavar="TEXT")
    c.add_argument("--part", type=int, default=None, metavar="N",
                   help="part number (from 1) of a comprehensive item")
    c.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="language of the key points shown (default: zh for an answer written in "
                        "Chinese, else en)")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--seed", type=int, default=0,
                   help="seed of a calculation's numbers (default 0; shown in the text output)")
    c.set_defaults(handler=check)


def answer_language(text: str) -> str:
    """zh when the answer has Chinese characters in it, else en."""
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"


def check(args) -> int:
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.check import check_answer, format_report

    lang = args.lang or answer_language(args.answer)
    report = check_answer(load_bank(args.bank), args.item, args.answer, part=args.part,
                          lang=lang, seed=args.seed)
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report, lang))
    return 0
