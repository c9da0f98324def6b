"""`kb questions`: which passages have no written questions, or questions written for older text."""

from __future__ import annotations

import argparse

from kb.cli.output import print_json
from kb.config import Settings


def cmd_questions(args: argparse.Namespace) -> int:
    from kb.retrieval.questions import question_rows

    rows = question_rows(Settings.from_env().corpus_dir)
    wanted = {state for state, on in (("missing", args.missing), ("stale", args.stale)) if on}
    if wanted:
        rows = [r for r in rows if r.state in wanted]
    if args.json:
        print_json({"passages": [r.to_json() for r in rows], "count": len(rows)})
        return 0
    for row in rows:
        heading = " > ".join(row.heading_path)
        print(f"{row.state:<8} {row.passage_id}  ({heading}; {len(row.questions)} questions)")
    print(f"{len(rows)} passage(s)" + (f" {' or '.join(sorted(wanted))}" if wanted else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "questions", help="passages without written questions (--missing) or with stale ones (--stale)"
    )
    p.add_argument("--missing", action="store_true", help="passages with no questions entry")
    p.add_argument("--stale", action="store_true", help="questions written for an older passage text")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_questions)
