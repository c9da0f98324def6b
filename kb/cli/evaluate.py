"""`kb eval`: retrieval (--questions) and level (--scenarios) evaluation (thin CLI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli.output import print_json


def cmd_eval(args: argparse.Namespace) -> int:
    if not args.questions and not args.scenarios and not args.offtopic:
        print("error: give --questions FILE, --offtopic FILE and/or --scenarios FILE", file=sys.stderr)
        return 2
    output: dict = {}
    if args.questions:
        from kb.jsonl import read_jsonl
        from kb.retrieval import get_searcher
        from kb.retrieval.evaluate import evaluate_questions, format_table

        result = evaluate_questions(get_searcher(), read_jsonl(Path(args.questions)))
        output.update(result)
        if not args.json:
            print(format_table(result))
    if args.offtopic:
        from kb.jsonl import read_jsonl
        from kb.retrieval import get_searcher
        from kb.retrieval.evaluate import evaluate_offtopic

        result = evaluate_offtopic(get_searcher(), read_jsonl(Path(args.offtopic)))
        output.update(result)
        if not args.json:
            print(f"{result['flagged']} of {result['offtopic']} off-topic questions flagged as weak matches "
                  f"({result['flagged_share']:.0%})")
    if args.scenarios:
        from kb.levels import evaluate_scenarios, format_evaluation

        result = evaluate_scenarios(Path(args.scenarios))
        output.update(result)
        if not args.json:
            print(format_evaluation(result))
    if args.json:
        print_json(output)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="retrieval (--questions) and level (--scenarios) evaluation")
    p.add_argument("--questions")
    p.add_argument("--scenarios")
    p.add_argument("--offtopic", help="questions the procedures do not answer: how many are flagged weak")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)
