"""A passage in its section's context, with its neighbours: for `kb show` and "open in context"."""

from __future__ import annotations

from dataclasses import dataclass

from kb.citation import cite
from kb.errors import UnknownPassageError
from kb.model import Document, Passage
from kb.retrieval import LoadedIndex


@dataclass(frozen=True)
class PassageContext:
    passage: Passage
    document: Document
    citation: str
    section_passages: tuple[Passage, ...]
    previous_id: str | None
    next_id: str | None

    @property
    def source(self) -> str:
        return self.document.source

    @property
    def line_start(self) -> int:
        return self.passage.line_start

    @property
    def line_end(self) -> int:
        return self.passage.line_end

    @property
    def section_start(self) -> int:
        return self.section_passages[0].line_start

    @property
    def section_end(self) -> int:
        return self.section_passages[-1].line_end

    def numbered_lines(self) -> list[tuple[int, str]]:
        lines = self.document.lines
        return [(n, lines[n - 1].rstrip()) for n in range(self.section_start, self.section_end + 1)]

    def section_text(self) -> str:
        return self.document.lines_between(self.section_start, self.section_end)

    def to_json(self) -> dict:
        return {
            "passage_id": self.passage.id,
            "citation": self.citation,
            "document": self.document.title,
            "doc_id": self.document.id,
            "status": self.document.status,
            "source": self.source,
            "heading_path": list(self.passage.heading_path),
            "line_start": self.line_start,
            "line_end": self.line_end,
            "section_start": self.section_start,
            "section_end": self.section_end,
            "section_text": self.section_text(),
            "text": self.passage.text,
            "previous_id": self.previous_id,
            "next_id": self.next_id,
        }


def passage_context(index: LoadedIndex, passage_id: str) -> PassageContext:
    position = index.position.get(passage_id)
    if position is None:
        raise UnknownPassageError(f"no passage with id {passage_id!r} in the index")
    passage = index.passages[position]
    document = index.documents[passage.doc_id]
    same_doc = [p for p in index.passages if p.doc_id == passage.doc_id]
    section = tuple(p for p in same_doc if p.section_slug == passage.section_slug)
    where = same_doc.index(passage)
    previous_id = same_doc[where - 1].id if where > 0 else None
    next_id = same_doc[where + 1].id if where + 1 < len(same_doc) else None
    return PassageContext(passage, document, cite(document, passage), section, previous_id, next_id)
