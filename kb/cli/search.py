"""`kb search | show`: cited passages for a question, and a passage in its section (thin CLI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli.output import print_json
from kb.errors import UnknownAreaError
from kb.jsonl import parse_line, read_lines


def _filters(args: argparse.Namespace):
    from kb.retrieval import Filters

    status = "current" if getattr(args, "current_only", False) else None
    return Filters(area=args.area, type=args.type, status=status)


def _questions_from(path: Path) -> list[str]:
    """One question a line: plain text, or JSONL with a 'question' key. Errors name file and line."""
    questions = []
    for n, line in enumerate(read_lines(path), 1):
        line = line.strip()
        if line.startswith("{"):
            questions.append(str(parse_line(path, n, line).get("question", "")))
        elif line:
            questions.append(line)
    return questions


def _check_area(area: str | None, searcher) -> None:
    """An --area the index does not hold is a typo: say which areas there are."""
    known = sorted({doc.area for doc in searcher.index.documents.values()})
    if area and area not in known:
        raise UnknownAreaError(f"unknown --area {area!r}; areas in the index: {', '.join(known)}")


def _print_answer_text(data: dict) -> None:
    from kb.levels import borrowed_note

    threshold = data.get("threshold") or {}
    if threshold.get("immediate_danger"):
        print("IMMEDIATE DANGER: if a child is in immediate danger call 999 now.")
        for contact in threshold.get("contacts", []):
            print(f"  {contact['service']}: {contact['detail']}  [{contact.get('citation', '')}]")
    if threshold.get("level"):
        flag = " [SUPERSEDED framework]" if threshold.get("superseded") else ""
        print(
            f"Suggested level: {threshold['level']} ({threshold.get('label', '')}) "
            f"[{threshold.get('framework', '')}]{flag}"
        )
        for why in threshold.get("why", [])[:2]:
            note = borrowed_note(why)
            print(f'  "{why["text"]}"  [{why["citation"]}]' + (f"  [{note}]" if note else ""))
    if threshold.get("caveat") and (threshold.get("level") or threshold.get("immediate_danger")):
        print(threshold["caveat"])
    if not data["results"]:
        print("No matching passages.")
    elif data.get("weak_match"):
        print("Weak match: the procedures may not cover this; the closest passages follow.")
    for result in data["results"]:
        flag = "  [SUPERSEDED]" if result["status"] == "superseded" else ""
        print(f"\n{result['rank']}. {result['citation']}{flag}")
        print(f"   {result['source']}:{result['line_start']}-{result['line_end']}  id {result['passage_id']}")
        for line in result["text"].splitlines():
            print(f"   {line}")


def cmd_search(args: argparse.Namespace) -> int:
    from kb.answer import answer
    from kb.retrieval import get_searcher

    searcher = get_searcher()
    filters = _filters(args)
    _check_area(args.area, searcher)
    if args.batch:
        for question in _questions_from(Path(args.batch)):
            print_json(answer(searcher, question, k=args.k, filters=filters).to_json())
        return 0
    if not args.question:
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    data = answer(searcher, " ".join(args.question), k=args.k, filters=filters).to_json()
    if args.json:
        print_json(data)
    else:
        _print_answer_text(data)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kb.context import passage_context
    from kb.retrieval import get_searcher

    context = passage_context(get_searcher(with_encoder=False).index, args.passage_id)
    if args.json:
        print_json(context.to_json())
        return 0
    print(context.citation)
    print(
        f"{context.source}:{context.section_start}-{context.section_end}  (passage lines "
        f"{context.line_start}-{context.line_end} marked with >)"
    )
    for number, line in context.numbered_lines():
        marker = ">" if context.line_start <= number <= context.line_end else " "
        print(f"{marker} {line}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("search", help="cited passages for a question")
    p.add_argument("question", nargs="*")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--area", help="cambridgeshire-peterborough | bromley")
    p.add_argument("--type", help="procedure | thresholds | training")
    p.add_argument("--current-only", action="store_true", help="hide superseded documents")
    p.add_argument("--batch", help="file: one question a line (text or JSONL with 'question')")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser("show", help="a passage in its section's context")
    p.add_argument("passage_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
