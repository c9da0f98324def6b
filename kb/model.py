"""The data model: documents, sections, passages, citations and search hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

AREAS = ("cambridgeshire-peterborough", "bromley")
DOC_TYPES = ("procedure", "thresholds", "training")
STATUSES = ("current", "superseded")

AREA_NAMES = {
    "cambridgeshire-peterborough": "Cambridgeshire & Peterborough",
    "bromley": "Bromley",
}


@dataclass(frozen=True)
class Origin:
    """Where text came from in the original source file (1-based, inclusive)."""

    file: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Document:
    """One corpus file: front matter plus its Markdown body, as read from disk."""

    id: str
    title: str
    area: str
    type: str
    status: str
    path: Path
    source: str  # path relative to the project root, as shown in citations
    origin: Origin
    body_start: int  # 1-based line number of the first body line in the file
    lines: tuple[str, ...]  # every line of the file, without newlines
    collection: str = ""  # e.g. "Cambridgeshire & Peterborough SCP procedures"
    published: str = ""
    updated: str = ""
    review_by: str = ""
    superseded_by: str = ""
    date_note: str = ""  # e.g. "undated chapter; manual pages updated 2018–2020"
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def superseded(self) -> bool:
        return self.status == "superseded"

    @property
    def date(self) -> str:
        """The most specific date the source gives, or the note saying why there is none."""
        return self.updated or self.published or self.date_note

    def lines_between(self, start: int, end: int) -> str:
        """Exactly the file's lines start..end (1-based, inclusive), trailing whitespace removed."""
        return "\n".join(line.rstrip() for line in self.lines[start - 1 : end]).strip("\n")


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it up to the next heading of any level."""

    doc_id: str
    heading_path: tuple[str, ...]  # chapter title first, then each heading level down
    slug: str
    line_start: int  # heading line (or first body line for text before any heading)
    line_end: int
    level: int  # 1 for the chapter heading, 2 for ##, ...


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: 60-250 words of one section, verbatim, with its spans."""

    id: str
    doc_id: str
    heading_path: tuple[str, ...]
    section_slug: str
    ordinal: int
    text: str
    line_start: int
    line_end: int
    origin: Origin
    content_hash: str
    levels: tuple[int, ...] = ()

    @property
    def section(self) -> str:
        return self.heading_path[-1] if self.heading_path else ""


@dataclass(frozen=True)
class Hit:
    """A passage returned for a query, with its rank and fused score."""

    rank: int
    score: float
    passage: Passage
    document: Document
    citation: str
    levels: tuple[int, ...] = ()
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    matched_question: str = ""  # the written question (corpus questions file) that matched best

    def to_json(self) -> dict[str, Any]:
        """The `kb search --json` result shape (a contract: keep the keys)."""
        p, d = self.passage, self.document
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "passage_id": p.id,
            "doc_id": d.id,
            "document": d.title,
            "area": d.area,
            "type": d.type,
            "status": d.status,
            "superseded": d.superseded,
            "superseded_by": d.superseded_by,
            "date": d.date,
            "heading_path": list(p.heading_path),
            "section": p.section,
            "citation": self.citation,
            "source": d.source,
            "line_start": p.line_start,
            "line_end": p.line_end,
            "origin": asdict(p.origin),
            "content_hash": p.content_hash,
            "levels": list(self.levels),
            "text": p.text,
            "scores": {name: round(float(value), 4) for name, value in self.scores.items()},
            "matched_question": self.matched_question,
        }
