"""What a build changed: documents and sections added, removed and changed, with word diffs.

Each build stores its report as builds/<id>/changes.json (inside the immutable build) and, once
it serves, appends it to index/changelog.jsonl. The changelog lives in index/, not corpus/,
because it records *builds* (what practitioners were served, and when): a test or a scratch
index builds the same corpus many times and must not write into corpus/, which holds only
reviewed source text. Git history covers the corpus side; corpus/history/ keeps replaced text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

CHANGELOG = "changelog.jsonl"
CHANGES_FILE = "changes.json"
MAX_DIFF_OPS = 40
MAX_DIFF_WORDS = 60


def _sections(records: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """{(doc id, section slug): {heading_path, text}} with the section's passages joined."""
    sections: dict[tuple[str, str], dict] = {}
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records:
        key = (record["doc_id"], record["section_slug"])
        sections.setdefault(key, {"heading_path": list(record["heading_path"])})
        texts[key].append(record["text"])
    for key, parts in texts.items():
        sections[key]["text"] = "\n".join(parts)
    return sections


def _clip(words: list[str]) -> str:
    text = " ".join(words[:MAX_DIFF_WORDS])
    return text + (" …" if len(words) > MAX_DIFF_WORDS else "")


def word_diff(old: str, new: str) -> list[dict]:
    """Word-level edits old -> new: [{op: replace|delete|insert, old, new}], long runs clipped."""
    a, b = old.split(), new.split()
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            ops.append({"op": tag, "old": _clip(a[i1:i2]), "new": _clip(b[j1:j2])})
    if len(ops) > MAX_DIFF_OPS:
        ops = ops[:MAX_DIFF_OPS] + [{"op": "more", "old": "", "new": f"{len(ops) - MAX_DIFF_OPS} more edits"}]
    return ops


_DOC_FIELDS = ("title", "status", "superseded_by", "published", "updated", "review_by", "area", "type")


def change_report(
    old_docs: Iterable[dict],
    old_records: Iterable[dict],
    new_docs: Iterable[dict],
    new_records: Iterable[dict],
) -> dict:
    """The changes between two builds' documents.json and passages.jsonl contents."""
    old_d = {d["id"]: d for d in old_docs}
    new_d = {d["id"]: d for d in new_docs}
    old_s, new_s = _sections(old_records), _sections(new_records)
    changed_docs = []
    for doc_id in sorted(old_d.keys() & new_d.keys()):
        fields = {
            f: {"old": old_d[doc_id].get(f, ""), "new": new_d[doc_id].get(f, "")}
            for f in _DOC_FIELDS
            if old_d[doc_id].get(f, "") != new_d[doc_id].get(f, "")
        }
        text_changed = any(
            old_s.get(k, {}).get("text") != new_s.get(k, {}).get("text")
            for k in old_s.keys() | new_s.keys()
            if k[0] == doc_id
        )
        if fields or text_changed:
            changed_docs.append({"doc_id": doc_id, "title": new_d[doc_id]["title"], "fields": fields})

    def section_entry(key: tuple[str, str], source: dict) -> dict:
        return {"doc_id": key[0], "section": key[1], "heading_path": source[key]["heading_path"]}

    changed_sections = [
        {**section_entry(k, new_s), "diff": word_diff(old_s[k]["text"], new_s[k]["text"])}
        for k in sorted(old_s.keys() & new_s.keys())
        if old_s[k]["text"] != new_s[k]["text"]
    ]
    return {
        "documents": {
            "added": [{"doc_id": i, "title": new_d[i]["title"]} for i in sorted(new_d.keys() - old_d.keys())],
            "removed": [
                {"doc_id": i, "title": old_d[i]["title"]} for i in sorted(old_d.keys() - new_d.keys())
            ],
            "changed": changed_docs,
        },
        "sections": {
            "added": [section_entry(k, new_s) for k in sorted(new_s.keys() - old_s.keys())],
            "removed": [section_entry(k, old_s) for k in sorted(old_s.keys() - new_s.keys())],
            "changed": changed_sections,
        },
    }


def summary(report: dict) -> str:
    """e.g. '1 document added, 0 removed, 2 changed; 5 sections added, 1 removed, 3 changed'."""
    d, s = report["documents"], report["sections"]
    return (
        f"{len(d['added'])} documents added, {len(d['removed'])} removed, {len(d['changed'])} changed; "
        f"{len(s['added'])} sections added, {len(s['removed'])} removed, {len(s['changed'])} changed"
    )


def is_empty(report: dict) -> bool:
    return not any(report[group][kind] for group in ("documents", "sections") for kind in report[group])


# -- the changelog -----------------------------------------------------------------------


def read_changelog(index_dir: Path) -> list[dict]:
    """Every entry, oldest first; a torn last line (a crash mid-append) is skipped."""
    path = index_dir / CHANGELOG
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def append_entry(index_dir: Path, entry: dict) -> None:
    """Append one JSON line and fsync; the file is only ever appended to."""
    path = index_dir / CHANGELOG
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        if handle.tell() and not path.read_bytes().endswith(b"\n"):
            handle.write("\n")  # a torn line from a killed append stays on its own line
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def record_build(index_dir: Path, build_dir: Path) -> bool:
    """Append the build's changes.json to the changelog unless already there (a build killed
    after its switch gets recorded by the next one). True when an entry was appended."""
    changes = build_dir / CHANGES_FILE
    if not changes.is_file():
        return False
    if any(
        e.get("build_id") == build_dir.name and e.get("event") == "build" for e in read_changelog(index_dir)
    ):
        return False
    append_entry(index_dir, json.loads(changes.read_text(encoding="utf-8")))
    return True


def build_entry(build_id: str, previous: str | None, report: dict, errors: list[str]) -> dict:
    return {
        "event": "build",
        "build_id": build_id,
        "previous_build": previous,
        "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": summary(report),
        "errors": list(errors),
        **report,
    }


def changes_since(index_dir: Path, since: str | None = None) -> list[dict]:
    """Changelog entries at or after `since` (an ISO date or date-time), oldest first."""
    entries = read_changelog(index_dir)
    if not since:
        return entries
    return [e for e in entries if str(e.get("at", "")) >= since]


def write_build_changes(
    build_dir: Path, previous: Path | None, documents: list[dict], records: list[dict], errors: list[str]
) -> dict:
    """Compare a new build's contents with the serving build and save builds/<id>/changes.json.
    (Called by ingest.build before validation; the build id is the final, non-.partial name.)"""
    old_docs: list[dict] = []
    old_records: list[dict] = []
    if previous is not None:
        try:
            old_docs = json.loads((previous / "documents.json").read_text(encoding="utf-8"))
            with open(previous / "passages.jsonl", encoding="utf-8") as handle:
                old_records = [json.loads(line) for line in handle if line.strip()]
        except (OSError, ValueError):
            old_docs, old_records = [], []
    build_id = build_dir.name.removesuffix(".partial")
    entry = build_entry(build_id, previous.name if previous else None,
                        change_report(old_docs, old_records, documents, records), errors)  # fmt: skip
    (build_dir / CHANGES_FILE).write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    return entry
