"""`kb rollback`: serve the previous build again, switched atomically, and say so in the changelog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingest.changes import append_entry
from kb.errors import KBError, os_error_reason
from kb.retrieval.index import PREVIOUS_POINTER, read_pointer, write_pointer


class RollbackError(KBError):
    """There is no previous build to return to; nothing was changed."""


@dataclass(frozen=True)
class Rollback:
    from_build: str
    to_build: str

    def to_json(self) -> dict:
        return {"event": "rollback", "from_build": self.from_build, "to_build": self.to_build}


def rollback(index_dir: Path) -> Rollback:
    """previous -> current (one atomic rename), and current becomes previous, so a second
    rollback undoes the first. The builds themselves are never modified."""
    current = read_pointer(index_dir)
    previous = read_pointer(index_dir, PREVIOUS_POINTER)
    if previous is None:
        raise RollbackError(f"{index_dir}: no previous build to roll back to")
    if current is not None and current.name == previous.name:
        raise RollbackError(f"{index_dir}: the previous build {previous.name} is already serving")
    try:
        write_pointer(index_dir, previous)
        if current is not None:
            write_pointer(index_dir, current, PREVIOUS_POINTER)
    except OSError as exc:
        raise RollbackError(f"{index_dir}: cannot switch builds: {os_error_reason(exc)}") from exc
    result = Rollback(current.name if current else "", previous.name)
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    summary = f"rolled back from {result.from_build} to {result.to_build}"
    append_entry(index_dir, {**result.to_json(), "build_id": previous.name, "at": at, "summary": summary})
    return result
