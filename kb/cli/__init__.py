"""`kb …`: a thin shell over the library. Parse arguments, call kb/ or ingest/, print text or JSON."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kb.cli import bench, evaluate, ingest, levels, maintain, packs, questions, search
from kb.errors import KBError, os_error_reason

# One module per command group, each with register(subparsers) -> None; `kb --help` lists the
# commands in this order.
COMMAND_GROUPS = (ingest, search, evaluate, levels, maintain, questions, packs, bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
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
    except OSError as exc:  # a write path no command caught: still a sentence, not a traceback
        print(f"error: {os_error_reason(exc)}", file=sys.stderr)
        return 1
