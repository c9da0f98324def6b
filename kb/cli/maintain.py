"""`kb import | changes | check | rollback`: keeping the procedures current (thin CLI)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from kb.cli.output import print_json
from kb.config import Settings
from kb.errors import KBError


def cmd_import(args: argparse.Namespace) -> int:
    from ingest.importer import ImportOptions, import_paths
    from kb.checks import is_date

    if args.published and not is_date(args.published):
        print(f"error: --published {args.published!r} is not a date (YYYY[-MM[-DD]])", file=sys.stderr)
        return 2
    options = ImportOptions(
        area=args.area or "",
        title=args.title or "",
        type=args.type or "",
        published=args.published or "",
        supersedes=args.supersedes or "",
        doc_id=args.id or "",
        new_area=args.new_area,
        follow_symlinks=args.follow_symlinks,
    )
    corpus_dir = Settings.from_env().corpus_dir
    report = import_paths([Path(p) for p in args.paths], options, corpus_dir)
    if args.note and report.written and not report.errors:
        _record_note(Settings.from_env(), report.written, args.note)
    if args.json:
        print_json(report.to_json())
    else:
        for path in report.written:
            print(f"wrote {path}")
        for path in report.unchanged:
            print(f"unchanged {path}")
        for path in report.history:
            print(f"kept old text in {path}")
        for doc_id in report.superseded:
            print(f"marked {doc_id} superseded")
        for note in report.notes:
            print(f"check: {note}")
        if report.written or report.superseded:
            print("run `kb ingest` to rebuild the index, then `kb changes` to review what changed")
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if report.errors else 0


def _record_note(settings: Settings, written: list[str], note: str) -> None:
    """The maintainer's one-line summary, shown on the Amendments page with the next build."""
    from kb.amendments import record_note
    from kb.corpus import load_document
    from kb.retrieval import read_pointer

    corpus_dir = settings.corpus_dir
    serving = read_pointer(settings.index_dir)
    ids = []
    for name in written:
        path = Path(name) if Path(name).is_file() else corpus_dir / name
        try:
            ids.append(load_document(path).id)
        except (KBError, OSError):
            continue
    record_note(corpus_dir, ids, note, serving.name if serving is not None else "")


def _print_entry(entry: dict) -> None:
    head = f"{entry.get('at', '')}  {entry.get('event', '')} {entry.get('build_id', '')}"
    print(f"{head}: {entry.get('summary', '')}")
    if entry.get("event") != "build":
        return
    docs, sections = entry["documents"], entry["sections"]
    for kind in ("added", "removed", "changed"):
        for doc in docs[kind]:
            print(f"  document {kind}: {doc['doc_id']} ({doc['title']})")
            for field, values in doc.get("fields", {}).items():
                print(f"    {field}: {values['old']!r} -> {values['new']!r}")
    for kind in ("added", "removed"):
        for section in sections[kind]:
            print(f"  section {kind}: {' > '.join(section['heading_path'])}")
    for section in sections["changed"]:
        print(f"  section changed: {' > '.join(section['heading_path'])}")
        for op in section["diff"]:
            old = f"-[{op['old']}]" if op["old"] else ""
            new = f"+[{op['new']}]" if op["new"] else ""
            print(f"    {op['op']}: {old} {new}".rstrip())
    for error in entry.get("errors", []):
        print(f"  error: {error}")


def cmd_changes(args: argparse.Namespace) -> int:
    from ingest.changes import changes_since

    if args.since:
        try:
            dt.datetime.fromisoformat(args.since)
        except ValueError:
            print(f"error: --since {args.since!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
    entries = changes_since(Settings.from_env().index_dir, args.since)
    if args.json:
        print_json({"since": args.since, "entries": entries})
        return 0
    if not entries:
        print("no changes recorded" + (f" since {args.since}" if args.since else ""))
    for entry in entries:
        _print_entry(entry)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from kb.checks import run_checks, serving_build

    settings = Settings.from_env()
    findings = run_checks(settings.corpus_dir, seeds_dir=settings.seeds_dir) + serving_build(
        settings.index_dir
    )
    if args.json:
        print_json({"findings": [f.to_json() for f in findings], "count": len(findings)})
    else:
        for finding in findings:
            print(f"{finding.kind}: {finding.path}: {finding.message}")
        print(f"{len(findings)} finding(s)")
    return 1 if findings else 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from ingest.rollback import rollback

    result = rollback(Settings.from_env().index_dir)
    if args.json:
        print_json(result.to_json())
    else:
        print(f"now serving {result.to_build} (was {result.from_build}); `kb rollback` again undoes this")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="source files (.md .txt .docx .pdf .html .pptx) -> corpus/")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--area", help="cambridgeshire-peterborough | bromley | a new area slug")
    p.add_argument("--title", help="document title (a manual's name when it splits into chapters)")
    p.add_argument("--type", help="procedure | thresholds | training (default procedure)")
    p.add_argument("--published", help="publication date, YYYY[-MM[-DD]]")
    p.add_argument("--supersedes", metavar="DOC_ID", help="mark this document superseded by the import")
    p.add_argument("--id", help="document id (single-document imports; default from area and title)")
    p.add_argument("--new-area", action="store_true", help="create the --area if it has no folder yet")
    p.add_argument("--follow-symlinks", action="store_true", help="import a symbolic link's target")
    p.add_argument("--note", help="one-line summary of what changed, shown on the site's Amendments page")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("changes", help="what each build changed (the changelog)")
    p.add_argument("--since", metavar="DATE", help="only builds on or after this date (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_changes)

    p = subparsers.add_parser("check", help="review dates, superseded links, duplicate ids, phone numbers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser("rollback", help="serve the previous build again")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rollback)
