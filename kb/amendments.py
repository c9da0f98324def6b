"""Amendments per document, as a procedures website shows them: dated entries listing the
sections added, changed (with the word diff) or removed, and the maintainer's one-line summary.

The sections come from the build changelog (index/changelog.jsonl, ingest.changes); the
summaries from `kb import --note`, kept beside the corpus in corpus/amendment-notes.jsonl so they
are reviewed and versioned with the text they describe. The changelog entries are passed in:
this module reads no index itself.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

NOTES_FILE = "amendment-notes.jsonl"


@dataclass(frozen=True)
class SectionChange:
    heading: str  # the section's heading path below the chapter title, e.g. "5. Indicators"
    diff: tuple[dict, ...] = ()  # word edits (changed sections only): {op, old, new}


@dataclass(frozen=True)
class Amendment:
    """One dated change to one document."""

    date: str  # YYYY-MM-DD
    doc_id: str
    title: str
    event: str  # "first published" | "amended" | "withdrawn" | "noted"
    note: str = ""
    added: tuple[SectionChange, ...] = ()
    changed: tuple[SectionChange, ...] = ()
    removed: tuple[SectionChange, ...] = ()
    details: tuple[str, ...] = field(default=())  # front-matter changes, e.g. "status: current -> superseded"

    @property
    def summary(self) -> str:
        """'2 sections added, 1 changed' (the event alone when no section moved)."""
        counts = [
            (len(g), k)
            for g, k in ((self.added, "added"), (self.changed, "changed"), (self.removed, "removed"))
            if g
        ]
        if not counts:
            return self.event
        (n, kind), rest = counts[0], counts[1:]
        first = f"{n} section{'s' if n != 1 else ''} {kind}"
        return ", ".join([first] + [f"{m} {k}" for m, k in rest])


def record_note(corpus_dir: Path, doc_ids: list[str], note: str, after_build: str = "") -> None:
    """Append the maintainer's one-line summary for each imported document. `after_build` is
    the build serving when the note was written: the note belongs to the next build that
    touches the document (timestamps alone cannot order an import and a build in one second)."""
    line = " ".join(note.split())
    if not line or not doc_ids:
        return
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(corpus_dir / NOTES_FILE, "a", encoding="utf-8") as handle:
        for doc_id in doc_ids:
            item = {"doc_id": doc_id, "at": at, "after_build": after_build, "note": line}
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")


def read_notes(corpus_dir: Path) -> list[dict]:
    """Every recorded note, oldest first (unreadable lines skipped)."""
    path = corpus_dir / NOTES_FILE
    if not path.is_file():
        return []
    notes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict) and item.get("doc_id") and item.get("note"):
            notes.append(item)
    return notes


def _heading(section: dict) -> str:
    path = list(section.get("heading_path") or [])
    return " > ".join(path[1:] or path)


def _from_build(entry: dict, titles: dict[str, str]) -> dict[str, Amendment]:
    """The build entry's changes, one Amendment per document it touched."""
    docs, sections = entry.get("documents", {}), entry.get("sections", {})
    date = str(entry.get("at", ""))[:10]
    events: dict[str, str] = {}
    for kind, event in (("added", "first published"), ("removed", "withdrawn"), ("changed", "amended")):
        for d in docs.get(kind, []):
            events[d["doc_id"]] = event
            titles.setdefault(d["doc_id"], d.get("title", d["doc_id"]))
    grouped: dict[str, dict[str, list[SectionChange]]] = {}
    for kind in ("added", "changed", "removed"):
        for s in sections.get(kind, []):
            change = SectionChange(_heading(s), tuple(s.get("diff") or ()))
            grouped.setdefault(s["doc_id"], {"added": [], "changed": [], "removed": []})[kind].append(change)
    out = {}
    for doc_id in set(events) | set(grouped):
        fields = next((d.get("fields", {}) for d in docs.get("changed", []) if d["doc_id"] == doc_id), {})
        g = grouped.get(doc_id, {"added": [], "changed": [], "removed": []})
        out[doc_id] = Amendment(
            date=date,
            doc_id=doc_id,
            title=titles.get(doc_id, doc_id),
            event=events.get(doc_id, "amended"),
            added=tuple(g["added"]),
            changed=tuple(g["changed"]),
            removed=tuple(g["removed"]),
            details=tuple(f"{k}: {v.get('old') or '-'} -> {v.get('new') or '-'}" for k, v in fields.items()),
        )
    return out


def document_amendments(
    changelog: list[dict], notes: list[dict], titles: dict[str, str] | None = None
) -> dict[str, list[Amendment]]:
    """{doc_id: its amendments, newest first}. A note joins the first build after the one serving
    when it was written that touched its document; a note no such build followed stands alone."""
    titles = dict(titles or {})
    builds = [e for e in changelog if e.get("event") == "build"]
    order = {str(e.get("build_id")): n for n, e in enumerate(builds)}
    by_doc: dict[str, list[tuple[str, Amendment, int]]] = {}
    for n, entry in enumerate(builds):
        for doc_id, amendment in _from_build(entry, titles).items():
            by_doc.setdefault(doc_id, []).append((str(entry.get("at", "")), amendment, n))
    for note in notes:
        doc_id, at = note["doc_id"], str(note.get("at", ""))
        entries = by_doc.setdefault(doc_id, [])
        after = order.get(str(note.get("after_build") or ""), -1)
        if note.get("after_build") and after < 0:
            after = len(builds)  # the build it followed is no longer in the changelog
        target = next((i for i, (_, a, n) in enumerate(entries) if n > after and not a.note), None)
        if target is None:
            title = titles.get(doc_id, doc_id)
            entries.append((at, Amendment(at[:10], doc_id, title, "noted", note=note["note"]), len(builds)))
        else:
            built, amendment, n = entries[target]
            entries[target] = (built, replace(amendment, note=note["note"]), n)
    return {
        doc_id: [a for _, a, _ in sorted(items, key=lambda x: (x[2], x[0]), reverse=True)]
        for doc_id, items in by_doc.items()
    }


def to_json(amendments: dict[str, list[Amendment]]) -> dict[str, Any]:
    return {
        doc_id: [
            {
                "date": a.date,
                "event": a.event,
                "title": a.title,
                "note": a.note,
                "summary": a.summary,
                "sections_added": [s.heading for s in a.added],
                "sections_changed": [{"heading": s.heading, "diff": list(s.diff)} for s in a.changed],
                "sections_removed": [s.heading for s in a.removed],
                "details": list(a.details),
            }
            for a in items
        ]
        for doc_id, items in amendments.items()
    }
