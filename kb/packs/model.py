"""A session pack and its items, as plain data with a JSON round trip.

Passages are pinned to the content hash they had when added, and keep a snapshot of their
text and citation, so a re-ingest that changes or removes them is noticed and nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kb.errors import KBError

FORMAT_VERSION = 1
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class PackError(KBError):
    """A pack that cannot be found, read or changed; the message names the file or the pack."""


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def pack_name(name: str) -> str:
    """The file-safe name of a pack: 'Forced marriage, session 1' -> 'forced-marriage-session-1'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:80].strip("-")
    if not _NAME.match(slug):
        raise PackError(f"pack name {name!r} has no letters or digits: give a name like 'forced-marriage'")
    return slug


@dataclass(frozen=True)
class PassageItem:
    """A corpus passage, pinned to the content hash (and text) it had when added."""

    passage_id: str
    content_hash: str
    text: str = ""  # verbatim text when pinned: shown if the passage later vanishes
    citation: str = ""  # citation when pinned (kb.citation.cite), same reason
    note: str = ""  # trainer's notes: speaker notes in the slides
    added: str = ""
    kind: str = "passage"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "passage_id": self.passage_id,
            "content_hash": self.content_hash,
            "note": self.note,
            "text": self.text,
            "citation": self.citation,
            "added": self.added,
        }


@dataclass(frozen=True)
class ScenarioItem:
    """A case scenario for discussion, with the level `kb level` suggested and its evidence."""

    text: str
    assessment: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    note: str = ""
    added: str = ""
    kind: str = "scenario"

    @property
    def level(self) -> int | None:
        return self.assessment.get("level")

    @property
    def label(self) -> str:
        return str(self.assessment.get("label", ""))

    @property
    def evidence(self) -> list[dict[str, Any]]:
        return list(self.assessment.get("evidence") or [])

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "level": self.level,
            "label": self.label,
            "assessment": self.assessment,
            "note": self.note,
            "added": self.added,
        }


@dataclass(frozen=True)
class HeadingItem:
    """A free-text section heading: a section title slide, a heading in the handout."""

    text: str
    kind: str = "heading"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


PackItem = PassageItem | ScenarioItem | HeadingItem


@dataclass(frozen=True)
class Pack:
    """A named, ordered list of items; stored as <packs_dir>/<name>.json."""

    name: str
    title: str
    items: tuple[PackItem, ...] = ()
    created: str = ""
    updated: str = ""

    def with_items(self, items: list[PackItem] | tuple[PackItem, ...]) -> Pack:
        return Pack(self.name, self.title, tuple(items), self.created, now())

    @property
    def passage_ids(self) -> list[str]:
        return [i.passage_id for i in self.items if isinstance(i, PassageItem)]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "name": self.name,
            "title": self.title,
            "created": self.created,
            "updated": self.updated,
            "items": [item.to_json() for item in self.items],
        }


def item_from_json(data: Any, where: str) -> PackItem:
    """One item from its JSON form; `where` (e.g. 'item 3') goes into any error."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object, found {type(data).__name__}")
    kind = data.get("kind")
    text = data.get("text", "")
    if not isinstance(text, str):
        raise ValueError(f"{where}: 'text' must be a string")
    note = data.get("note", "") or ""
    if not isinstance(note, str):
        raise ValueError(f"{where}: 'note' must be a string")
    if kind == "passage":
        passage_id, content_hash = data.get("passage_id"), data.get("content_hash", "")
        if not isinstance(passage_id, str) or not passage_id:
            raise ValueError(f"{where}: passage item needs a 'passage_id' string")
        return PassageItem(
            passage_id=passage_id,
            content_hash=str(content_hash or ""),
            text=text,
            citation=str(data.get("citation", "") or ""),
            note=note,
            added=str(data.get("added", "") or ""),
        )
    if kind == "scenario":
        if not text.strip():
            raise ValueError(f"{where}: scenario item needs its 'text'")
        assessment = data.get("assessment") or {}
        if not isinstance(assessment, dict):
            raise ValueError(f"{where}: 'assessment' must be an object")
        return ScenarioItem(text=text, assessment=assessment, note=note, added=str(data.get("added", "")))
    if kind == "heading":
        if not text.strip():
            raise ValueError(f"{where}: heading item needs its 'text'")
        return HeadingItem(text=text)
    raise ValueError(f"{where}: unknown kind {kind!r} (expected passage, scenario or heading)")


def pack_from_json(data: Any) -> Pack:
    """A Pack from its JSON form; raises ValueError naming the bad field or item."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object at the top, found {type(data).__name__}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("missing 'name'")
    items = data.get("items", [])
    if not isinstance(items, list):
        raise ValueError("'items' must be a list")
    return Pack(
        name=name,
        title=str(data.get("title") or name),
        items=tuple(item_from_json(item, f"item {n}") for n, item in enumerate(items, start=1)),
        created=str(data.get("created", "") or ""),
        updated=str(data.get("updated", "") or ""),
    )
