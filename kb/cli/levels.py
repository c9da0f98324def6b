"""`kb level`: a case description -> level of need with the framework's own indicators (thin CLI).

The reasoning lives in kb.levels; this module parses arguments and prints
the issue's JSON shape (`--json`) or a readable answer. `--batch FILE` reads JSONL lines
{"scenario", "area"} or {"scenario", "framework"} and prints one JSON object a line; the
model is loaded once for the whole batch (the encoder is cached in the library).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kb.cli.output import print_json
from kb.jsonl import read_lines
from kb.text import clean_query, terminal_safe


def format_level_text(data: dict[str, Any]) -> str:
    """The answer as a practitioner reads it: danger first, level, evidence, response, contacts."""
    from kb.levels import borrowed_note

    lines: list[str] = []
    if data.get("immediate_danger"):
        lines.append("IMMEDIATE DANGER: call 999 now, then the area's emergency route below.")
    framework = data.get("framework_title") or data.get("framework", "")
    if data.get("superseded"):
        framework += f"  [SUPERSEDED by {data.get('superseded_by') or 'a later framework'}]"
    if data.get("level") is None:
        lines.append(f"Level: none - {data.get('label', '')} (confidence {data.get('confidence', '')})")
    else:
        lines.append(
            f"Level {data['level']}: {data.get('label', '')} (confidence {data.get('confidence', '')})"
        )
    lines.append(f"Framework: {framework} (area {data.get('area', '')})")
    if data.get("evidence"):
        lines.append("Evidence (the framework's own words):")
        for e in data["evidence"]:
            lines.append(f'  - "{e["text"]}"')
            borrowed = borrowed_note(e)
            lines.append(f"    {e['citation']}" + (f"  [{borrowed}]" if borrowed else ""))
    for reason in data.get("reasons") or []:
        lines.append(f"  why: {reason}")
    if data.get("response"):
        lines.append("Response:")
        for r in data["response"]:
            lines.append(f'  - "{r["text"]}"  ({r["citation"]})')
    if data.get("contacts"):
        lines.append("Contacts:")
        for c in data["contacts"]:
            cited = f"  ({c['citation']})" if c.get("citation") else ""
            note = f"  [{c['note']}]" if c.get("note") else ""
            lines.append(f"  - {c['service']}: {c['detail']}{cited}{note}")
    lines.append(data.get("caveat", ""))
    return "\n".join(lines)


def _assess(scenario: str, area: str | None, framework: str | None) -> dict[str, Any]:
    from kb.levels import assess_scenario

    return assess_scenario(scenario, area=area, framework_id=framework).to_json()


def _batch(path: Path, area: str | None, framework: str | None) -> int:
    """One JSON object a line; a bad line prints {"error"} and the batch carries on (exit 1)."""
    status = 0
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            scenario = row.get("scenario")
            if not isinstance(scenario, str):
                raise ValueError("'scenario' must be a string")
            out = _assess(
                clean_query(scenario),
                row.get("area") or area,
                row.get("framework") or framework,
            )
            if "id" in row:
                out = {"id": row["id"], **out}
        except (json.JSONDecodeError, ValueError, AttributeError) as exc:
            status = 1
            out = {"line": n, "error": str(exc)}
        print_json(out)
    return status


def cmd_level(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(Path(args.batch), args.area, args.framework)
    scenario = clean_query(" ".join(args.scenario))
    try:
        data = _assess(scenario, args.area, args.framework)
    except ValueError as exc:
        if args.json:
            print_json({"error": str(exc)})
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print_json(data)
    else:
        print(terminal_safe(format_level_text(data)))
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("level", help="case description -> level of need, with cited evidence")
    p.add_argument("scenario", nargs="*", help="the case description (quote it)")
    p.add_argument("--area", help="cambridgeshire-peterborough | bromley (default: C&P)")
    p.add_argument("--framework", help="a framework id, e.g. bromley-2011")
    p.add_argument("--batch", help='JSONL file: {"scenario", "area"} or {"scenario", "framework"}')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_level)
