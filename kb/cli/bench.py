"""`kb bench`: the thin command over kb.bench."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kb.bench import DEFAULT_OUT, DEFAULT_QUESTIONS, format_table, read_questions, run_bench, write_results
from kb.config import Settings


def cmd_bench(args: argparse.Namespace) -> int:
    results = run_bench(
        Settings.from_env(),
        read_questions(Path(args.questions)),
        rounds=args.rounds,
        cold_runs=args.cold_runs,
    )
    table = write_results(results, Path(args.out))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(format_table(results))
        print(f"\nwritten to {args.out} and {table}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="measure cold start, query latency, ingest, memory and index size on the corpus"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="results JSON (the table goes next to it as .md)")
    p.add_argument(
        "--questions", default=str(DEFAULT_QUESTIONS), help="JSONL with 'question', or plain lines"
    )
    p.add_argument("--rounds", type=int, default=3, help="passes over the questions for warm latency")
    p.add_argument("--cold-runs", type=int, default=3, help="new processes timed for cold start")
    p.set_defaults(func=cmd_bench)
