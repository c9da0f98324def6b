"""Packs as plain JSON files in Settings.packs_dir (KB_PACKS_DIR), written atomically.

Every change is load -> change -> atomic write, so the CLI and the app can both edit a pack and
a crash never leaves half a file. A file that does not parse (say, edited by hand) is never
overwritten: every operation on it stops with an error naming the file, line and reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.errors import UnknownPassageError, os_error_reason
from kb.packs.model import (
    HeadingItem,
    Pack,
    PackError,
    PackItem,
    PassageItem,
    ScenarioItem,
    now,
    pack_from_json,
    pack_name,
)

SUFFIX = ".json"


@dataclass(frozen=True)
class PackSummary:
    """One line of `kb pack list`; `error` is set for a file that does not parse."""

    name: str
    title: str
    path: Path
    passages: int = 0
    scenarios: int = 0
    headings: int = 0
    updated: str = ""
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "path": str(self.path),
            "passages": self.passages,
            "scenarios": self.scenarios,
            "headings": self.headings,
            "updated": self.updated,
            "error": self.error,
        }


class PackStore:
    """The packs folder. Methods take a pack's name (any text; its file name is the slug)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PackStore:
        return cls((settings or Settings.from_env()).packs_dir)

    def path_for(self, name: str) -> Path:
        return self.directory / f"{pack_name(name)}{SUFFIX}"

    def exists(self, name: str) -> bool:
        return self.path_for(name).is_file()

    def load(self, name: str) -> Pack:
        path = self.path_for(name)
        if not path.is_file():
            known = ", ".join(self.names()) or "none yet"
            raise PackError(
                f"no pack named {name!r} at {path} (packs: {known}); create it with `kb pack new`"
            )
        return read_pack(path)

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob(f"*{SUFFIX}") if not p.name.startswith("."))

    def summaries(self) -> list[PackSummary]:
        """Every pack file, including ones that do not parse (listed with their error, not hidden)."""
        out = []
        for name in self.names():
            path = self.directory / f"{name}{SUFFIX}"
            try:
                pack = read_pack(path)
            except PackError as exc:
                out.append(PackSummary(name, name, path, error=str(exc)))
                continue
            kinds = [item.kind for item in pack.items]
            out.append(
                PackSummary(
                    pack.name,
                    pack.title,
                    path,
                    kinds.count("passage"),
                    kinds.count("scenario"),
                    kinds.count("heading"),
                    pack.updated,
                )
            )
        return out

    def create(self, name: str, title: str = "") -> Pack:
        path = self.path_for(name)
        if path.exists():
            raise PackError(f"pack {pack_name(name)!r} already exists at {path}")
        stamp = now()
        pack = Pack(pack_name(name), title.strip() or name.strip(), (), stamp, stamp)
        self.save(pack)
        return pack

    def save(self, pack: Pack) -> Path:
        path = self.path_for(pack.name)
        try:
            write_atomic(path, json.dumps(pack.to_json(), ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:  # disk full, read-only or not ours: say so, never a traceback
            raise PackError(f"{path}: cannot save the pack: {os_error_reason(exc)}") from exc
        return path

    def delete(self, name: str) -> None:
        path = self.path_for(name)
        if not path.is_file():
            raise PackError(f"no pack named {name!r} at {path}")
        path.unlink()

    def update(self, name: str, change) -> Pack:
        """Load, apply `change(list_of_items) -> list_of_items`, save; returns the saved pack."""
        pack = self.load(name)
        items = change(list(pack.items))
        updated = pack.with_items(items)
        self.save(updated)
        return updated

    # ---- item operations (positions are 1-based, as shown by `kb pack show`)

    def add_items(self, name: str, items: Iterable[PackItem]) -> Pack:
        new = list(items)
        return self.update(name, lambda current: current + new)

    def add_heading(self, name: str, text: str) -> Pack:
        if not text.strip():
            raise PackError("a heading needs some text")
        return self.add_items(name, [HeadingItem(text.strip())])

    def remove(self, name: str, position: int) -> Pack:
        def change(items: list[PackItem]) -> list[PackItem]:
            _check_position(items, position, name)
            return items[: position - 1] + items[position:]

        return self.update(name, change)

    def move(self, name: str, position: int, to: int) -> Pack:
        def change(items: list[PackItem]) -> list[PackItem]:
            _check_position(items, position, name)
            _check_position(items, to, name)
            item = items.pop(position - 1)
            items.insert(to - 1, item)
            return items

        return self.update(name, change)

    def set_note(self, name: str, position: int, note: str) -> Pack:
        def change(items: list[PackItem]) -> list[PackItem]:
            _check_position(items, position, name)
            item = items[position - 1]
            if isinstance(item, HeadingItem):
                raise PackError(f"item {position} of {name!r} is a heading: headings have no notes")
            items[position - 1] = replace(item, note=note.strip())
            return items

        return self.update(name, change)


def _check_position(items: list[PackItem], position: int, name: str) -> None:
    if not 1 <= position <= len(items):
        raise PackError(f"pack {name!r} has {len(items)} items: no item {position}")


def read_pack(path: Path) -> Pack:
    """Parse one pack file; errors name the file, and the line and column for JSON syntax."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise PackError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PackError(
            f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); "
            "fix the file by hand (it has not been changed)"
        ) from exc
    try:
        return pack_from_json(data)
    except ValueError as exc:
        raise PackError(f"{path}: {exc}; fix the file by hand (it has not been changed)") from exc


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, fsync, rename over: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- adding things that need the index or the levels framework


def passage_items(index, passage_ids: Iterable[str], note: str = "") -> list[PassageItem]:
    """Pinned items for passage ids; all or nothing: one unknown id raises before any is added."""
    from kb.citation import cite

    items, unknown = [], []
    for passage_id in passage_ids:
        position = index.position.get(passage_id)
        if position is None:
            unknown.append(passage_id)
            continue
        passage = index.passages[position]
        document = index.documents[passage.doc_id]
        items.append(
            PassageItem(
                passage_id=passage.id,
                content_hash=passage.content_hash,
                text=passage.text,
                citation=cite(document, passage),
                note=note.strip(),
                added=now(),
            )
        )
    if unknown:
        raise UnknownPassageError(
            f"no passage with id {', '.join(repr(u) for u in unknown)} in the index "
            "(ids are shown by `kb search`); nothing was added"
        )
    return items


def scenario_item(text: str, area: str | None = None, note: str = "", **kwargs: Any) -> ScenarioItem:
    """A scenario with the level `kb level` suggests; if the assessment fails, the text is kept
    and the reason recorded, so a trainer's scenario is never lost."""
    if not text or not text.strip():
        raise PackError("a scenario needs its text: describe the child's situation")
    try:
        from kb.levels import assess_scenario

        assessment = assess_scenario(text, area=area, **kwargs).to_json()
    except Exception as exc:  # noqa: BLE001 - keep the scenario whatever the assessor does
        assessment = {"level": None, "label": "not assessed", "error": f"{type(exc).__name__}: {exc}"}
    return ScenarioItem(text=text.strip(), assessment=assessment, note=note.strip(), added=now())


def add_passage(
    pack_name_: str, passage_id: str, note: str = "", settings: Settings | None = None, index=None
) -> Pack:
    """The hook for the app's "Add to pack" button: pin one passage, creating the pack if needed.

    `index` is the app's loaded index (searcher.index); without it the process-wide searcher's."""
    settings = settings or Settings.from_env()
    store = PackStore.from_settings(settings)
    if index is None:
        from kb.retrieval import get_searcher

        index = get_searcher(settings).index
    items = passage_items(index, [passage_id], note)
    if not store.exists(pack_name_):
        store.create(pack_name_)
    return store.add_items(pack_name_, items)
