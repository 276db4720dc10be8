"""`quizapp plan`: today's queue and the exam forecast, from the same core as the Today screen."""

from __future__ import annotations

import argparse
import json


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="what to do today for the exam date, and how ready you are")
    p.add_argument("--exam-date", metavar="D", help="the exam date, YYYY-MM-DD (saved for next time)")
    p.add_argument("--minutes", metavar="N", help="minutes a day for study (saved; default 40)")
    p.add_argument("--today", metavar="D", help="plan as if today were D (YYYY-MM-DD)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_plan)


def run_plan(args: argparse.Namespace) -> int:
    from datetime import date

    from quizapp.core.bank.loader import load_bank
    from quizapp.core.paths import database_path, ensure_data_dir
    from quizapp.core.plan.goal import parse_date, resolve_goal
    from quizapp.core.plan.report import build_report, report_json, report_text
    from quizapp.core.storage import Storage

    today = parse_date(args.today, "--today") if args.today else date.today()
    ensure_data_dir(args.data_dir)
    storage = Storage.open(database_path(args.data_dir))
    try:
        goal = resolve_goal(storage, today, exam=args.exam_date, minutes=args.minutes)
        bank = load_bank(args.bank)
        report = build_report(storage, bank, today=today, exam=goal.exam, minutes=goal.minutes)
    finally:
        storage.close()
    if args.format == "json":
        print(json.dumps(report_json(report), ensure_ascii=False, indent=1))
    else:
        print(report_text(report, bank))
    return 0
