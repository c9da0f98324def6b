"""`kb ingest`: (re)build index/ from corpus/ (incremental, validated, switched atomically)."""

from __future__ import annotations

import argparse
import sys

from kb.cli.output import print_json
from kb.config import Settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.build import build_index

    report = build_index(Settings.from_env())
    if args.json:
        print_json(report.to_json())
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


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help="build index/ from corpus/ (incremental, atomic)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)
