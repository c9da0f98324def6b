"""The seed manifest (ingest/data/seed_manifest.yaml) as typed specs, one per output document."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MANIFEST_PATH = Path(__file__).resolve().parent / "data" / "seed_manifest.yaml"


@dataclass(frozen=True)
class Overrides:
    """Hand decisions where the shape rules cannot decide; all values are 1-based seed lines."""

    headings: frozenset[int] = frozenset()
    not_headings: frozenset[int] = frozenset()
    forced_levels: tuple[tuple[int, int], ...] = ()  # (line, exact level): a heading at that level
    images: frozenset[int] = frozenset()
    plain_text: tuple[tuple[int, int], ...] = ()

    @property
    def heading_levels(self) -> dict[int, int]:
        return dict(self.forced_levels)

    def is_plain_text(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.plain_text)


@dataclass(frozen=True)
class DocSpec:
    """One corpus file to write: its front matter and which seed lines it is made of."""

    seed: str
    id: str
    title: str
    area: str
    collection: str
    type: str
    status: str
    format: str  # plain | deck
    title_line: int | None = None  # seed line rendered as the `#` title; None: title is synthesised
    line_start: int = 1
    line_end: int | None = None  # None: to the end of the seed
    slide_titles: str = ""  # markdown | uppercase | after_gap (decks only)
    published: str = ""
    updated: str = ""
    superseded_by: str = ""
    date_note: str = ""  # when the source dates the whole manual but not the chapter
    overrides: Overrides = field(default_factory=Overrides)


def load_specs(path: Path = MANIFEST_PATH) -> list[DocSpec]:
    """Every document the seeds turn into, stand-alone documents first, then manual chapters."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = [_doc_spec(entry) for entry in data.get("documents", [])]
    for manual in data.get("manuals", []):
        specs.extend(_chapter_specs(manual))
    return specs


def _overrides(entry: dict[str, Any]) -> Overrides:
    return Overrides(
        headings=frozenset(entry.get("headings", [])),
        not_headings=frozenset(entry.get("not_headings", [])),
        forced_levels=tuple(sorted((int(n), int(lv)) for n, lv in entry.get("heading_levels", {}).items())),
        images=frozenset(entry.get("images", [])),
        plain_text=tuple((int(a), int(b)) for a, b in entry.get("plain_text", [])),
    )


def _doc_spec(entry: dict[str, Any]) -> DocSpec:
    return DocSpec(
        seed=entry["seed"],
        id=entry["id"],
        title=entry["title"],
        area=entry["area"],
        collection=entry.get("collection", ""),
        type=entry["type"],
        status=entry.get("status", "current"),
        format=entry["format"],
        title_line=entry.get("title_line"),
        slide_titles=entry.get("slide_titles", ""),
        published=str(entry.get("published", "")),
        updated=str(entry.get("updated", "")),
        superseded_by=entry.get("superseded_by", ""),
        overrides=_overrides(entry),
    )


def _chapter_specs(manual: dict[str, Any]) -> list[DocSpec]:
    """A chapter runs from its title line to the line before the next chapter's title."""
    chapters = manual["chapters"]
    specs = []
    for index, chapter in enumerate(chapters):
        next_start = chapters[index + 1]["line"] if index + 1 < len(chapters) else None
        specs.append(
            DocSpec(
                seed=manual["seed"],
                id=chapter["id"],
                title=chapter["title"],
                area=manual["area"],
                collection=manual["collection"],
                type=chapter.get("type", manual["type"]),
                status=chapter.get("status", manual["status"]),
                format="plain",
                title_line=chapter["line"],
                line_start=chapter["line"],
                line_end=next_start - 1 if next_start else None,
                published=str(chapter.get("published", "")),
                updated=str(chapter.get("updated", "")),
                date_note="" if chapter.get("updated") else manual.get("date_note", ""),
                overrides=_overrides(chapter),
            )
        )
    return specs
