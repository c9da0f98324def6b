"""Reading the JSONL files the commands take (questions, scenarios), with errors that name the line."""

from __future__ import annotations

import json
from pathlib import Path

from kb.errors import InputFileError


def read_lines(path: Path) -> list[str]:
    """The file's lines, bytes that are not UTF-8 read as U+FFFD (one bad byte must not stop a
    batch); a missing or unreadable file raises InputFileError naming it."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace").splitlines()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def parse_line(path: Path, n: int, line: str) -> dict:
    """Line n of a JSONL file as an object, or InputFileError naming the file and line."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}:{n}: not JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise InputFileError(f"{path}:{n}: expected a JSON object")
    return row


def read_jsonl(path: Path) -> list[dict]:
    """Every non-blank line as a JSON object; a bad file or line raises InputFileError naming it."""
    rows = []
    for n, line in enumerate(read_lines(path), 1):
        if line.strip():
            rows.append(parse_line(path, n, line))
    return rows
