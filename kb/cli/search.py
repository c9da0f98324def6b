"""`kb search | show`: cited passages for a question, and a passage in its section (thin CLI)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kb.cli.output import print_json
from kb.errors import InputFileError, UnknownAreaError
from kb.jsonl import parse_line, read_lines
from kb.text import clean_query, terminal_safe


def _say(text: str = "") -> None:
    """Print corpus text with any control characters escaped (an ESC in a document must not
    clear the practitioner's screen or retitle the window)."""
    print(terminal_safe(text))


def _filters(args: argparse.Namespace):
    from kb.retrieval import Filters

    status = "current" if getattr(args, "current_only", False) else None
    return Filters(area=args.area, type=args.type, status=status)


def _questions_from(path: Path) -> list[tuple[int, str | None, str]]:
    """(line number, question, error) for each non-blank line: plain text, or JSONL with a
    'question' string. A bad line is an error in its place; the other lines are still asked."""
    questions: list[tuple[int, str | None, str]] = []
    for n, line in enumerate(read_lines(path), 1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith("{"):
            questions.append((n, clean_query(line), ""))
            continue
        try:
            question = parse_line(path, n, line).get("question")
        except InputFileError as exc:
            questions.append((n, None, str(exc)))
            continue
        if not isinstance(question, str) or not clean_query(question):
            questions.append((n, None, f"{path}:{n}: 'question' must be a non-empty string"))
        else:
            questions.append((n, clean_query(question), ""))
    return questions


def _check_area(area: str | None, searcher) -> None:
    """An --area the index does not hold is a typo: say which areas there are."""
    known = sorted({doc.area for doc in searcher.index.documents.values()})
    if area and area not in known:
        raise UnknownAreaError(f"unknown --area {area!r}; areas in the index: {', '.join(known)}")


def _readable(index):
    """Framework citations ('<title>, 004_….txt line 4260') named as the passage that holds them."""
    from kb.citation import seed_source

    titles = {d.id: d.title for d in index.documents.values()}

    def name(citation: str) -> str:
        match = re.match(r"^(?:(.*), )?([\w.-]+\.txt) lines? (\d+)", citation or "")
        if not match:
            return citation
        found = seed_source(match[2], int(match[3]), index.passages, index.documents, titles)
        return found or match[1] or citation

    return name


def _print_answer_text(data: dict, name=lambda citation: citation) -> None:
    from kb.levels import borrowed_note
    from kb.model import AREA_NAMES

    threshold = data.get("threshold") or {}
    if data.get("other_area"):
        other = data["other_area"]
        _say(
            f"Note: the question is about {AREA_NAMES.get(other, other)}; this answer is for "
            f"{AREA_NAMES.get(data.get('area') or '', data.get('area'))}. Ask again with --area {other}."
        )
    if threshold.get("immediate_danger"):
        _say("IMMEDIATE DANGER: if a child is in immediate danger call 999 now.")
        for contact in threshold.get("contacts", []):
            source = f"  [{name(contact['citation'])}]" if contact.get("citation") else ""
            _say(f"  {contact['service']}: {contact['detail']}{source}")
    if threshold.get("level"):
        flag = " [SUPERSEDED framework]" if threshold.get("superseded") else ""
        _say(
            f"Suggested level: {threshold['level']} ({threshold.get('label', '')}) "
            f"[{threshold.get('framework', '')}]{flag}"
        )
        for why in threshold.get("why", [])[:2]:
            note = borrowed_note(why)
            _say(f'  "{why["text"]}"  [{name(why["citation"])}]' + (f"  [{note}]" if note else ""))
    if threshold.get("caveat") and (threshold.get("level") or threshold.get("immediate_danger")):
        _say(threshold["caveat"])
    if not data["results"]:
        _say("No matching passages.")
    elif data.get("weak_match"):
        _say("Weak match: the procedures may not cover this; the closest passages follow.")
    for result in data["results"]:
        flag = "  [SUPERSEDED]" if result["status"] == "superseded" else ""
        _say(f"\n{result['rank']}. {result.get('source_line') or result['citation']}{flag}")
        _say(
            f"   (for maintainers: {result['source']}:{result['line_start']}-{result['line_end']}"
            f"  id {result['passage_id']})"
        )
        for line in result["text"].splitlines():
            _say(f"   {line}")


def cmd_search(args: argparse.Namespace) -> int:
    from kb.answer import answer
    from kb.retrieval import get_searcher

    searcher = get_searcher()
    filters = _filters(args)
    _check_area(args.area, searcher)
    if args.batch:
        status = 0
        for n, question, error in _questions_from(Path(args.batch)):
            if question is None:
                status = 1
                print_json({"line": n, "error": error})
                print(f"error: {error}", file=sys.stderr)
                continue
            print_json(answer(searcher, question, k=args.k, filters=filters).to_json())
        return status
    question = clean_query(" ".join(args.question))
    if not question:
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    data = answer(searcher, question, k=args.k, filters=filters).to_json()
    if args.json:
        print_json(data)
    else:
        _print_answer_text(data, _readable(searcher.index))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kb.context import passage_context
    from kb.retrieval import get_searcher

    context = passage_context(get_searcher(with_encoder=False).index, args.passage_id)
    if args.json:
        print_json(context.to_json())
        return 0
    _say(context.citation)
    _say(
        f"{context.source}:{context.section_start}-{context.section_end}  (passage lines "
        f"{context.line_start}-{context.line_end} marked with >)"
    )
    for number, line in context.numbered_lines():
        marker = ">" if context.line_start <= number <= context.line_end else " "
        _say(f"{marker} {line}")
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
