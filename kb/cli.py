"""`kb …`: a thin shell over the library. Parse arguments, call kb/ or ingest/, print text or JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from kb.config import Settings
from kb.errors import KBError, UnknownAreaError
from kb.jsonl import parse_line, read_lines

# Modules that add their own sub-commands: each has register(subparsers) -> None.
EXTENSIONS = ("kb.cli_levels", "kb.cli_maintain", "kb.cli_packs", "kb.cli_bench")


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _filters(args: argparse.Namespace):
    from kb.retrieval import Filters

    status = "current" if getattr(args, "current_only", False) else None
    return Filters(area=args.area, type=args.type, status=status)


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.build import build_index

    report = build_index(Settings.from_env())
    if args.json:
        _print_json(report.to_json())
    else:
        print(
            f"built {report.build_id}: {report.documents} documents, {report.passages} passages "
            f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f} s"
        )
        for doc_id in report.carried_over:
            print(f"kept previous version of {doc_id} (its file failed to load)")
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if report.errors else 0


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
            _print_json(answer(searcher, question, k=args.k, filters=filters).to_json())
        return 0
    if not args.question:
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    data = answer(searcher, " ".join(args.question), k=args.k, filters=filters).to_json()
    if args.json:
        _print_json(data)
    else:
        _print_answer_text(data)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kb.context import passage_context
    from kb.retrieval import get_searcher

    context = passage_context(get_searcher(with_encoder=False).index, args.passage_id)
    if args.json:
        _print_json(context.to_json())
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


def cmd_eval(args: argparse.Namespace) -> int:
    if not args.questions and not args.scenarios:
        print("error: give --questions FILE and/or --scenarios FILE", file=sys.stderr)
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
    if args.scenarios:
        from kb.levels import evaluate_scenarios, format_evaluation

        result = evaluate_scenarios(Path(args.scenarios))
        output.update(result)
        if not args.json:
            print(format_evaluation(result))
    if args.json:
        _print_json(output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build index/ from corpus/ (incremental, atomic)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="cited passages for a question")
    p.add_argument("question", nargs="*")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--area", help="cambridgeshire-peterborough | bromley")
    p.add_argument("--type", help="procedure | thresholds | training")
    p.add_argument("--current-only", action="store_true", help="hide superseded documents")
    p.add_argument("--batch", help="file: one question a line (text or JSONL with 'question')")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="a passage in its section's context")
    p.add_argument("passage_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("eval", help="retrieval (--questions) and level (--scenarios) evaluation")
    p.add_argument("--questions")
    p.add_argument("--scenarios")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None, handler: Callable | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
