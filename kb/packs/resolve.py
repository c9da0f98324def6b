"""A pack read against the current index: each pinned passage is current, changed or gone.

Exports and the app work from a ResolvedPack, so they all show the same text, citations,
sources and warnings. A changed passage shows its new text (the source's own words today);
a vanished one keeps the text as pinned, clearly marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.citation import cite, document_label
from kb.errors import KBError
from kb.model import AREA_NAMES, Document, Passage
from kb.packs.model import HeadingItem, Pack, PassageItem, ScenarioItem

CURRENT, CHANGED, MISSING = "current", "changed", "missing"


@dataclass(frozen=True)
class ResolvedPassage:
    """A pinned passage as it stands in the serving index."""

    item: PassageItem
    position: int  # 1-based place in the pack
    status: str  # current | changed | missing
    text: str  # current verbatim text; the pinned text when the passage is missing
    citation: str  # kb.citation.cite of the current passage; the pinned citation when missing
    passage: Passage | None
    document: Document | None
    kind: str = "passage"
    source_line: str = ""  # readable_source(): what slides and handouts show; the citation when missing

    @property
    def note(self) -> str:
        return self.item.note

    @property
    def warning(self) -> str:
        pid = self.item.passage_id
        if self.status == CHANGED:
            return (
                f"item {self.position}: passage {pid} changed since it was pinned "
                f"(content hash {self.item.content_hash[:12]} -> {self.passage.content_hash[:12]}); "
                "the export shows the current text"
            )
        if self.status == MISSING:
            return (
                f"item {self.position}: passage {pid} is no longer in the index (re-ingested or "
                "removed); the export shows the text as pinned"
                + (f" on {self.item.added[:10]}" if self.item.added else "")
            )
        return ""

    @property
    def source_ref(self) -> str:
        """'corpus/…/cp-gangs.md:12-15', for speaker notes and the Markdown export."""
        if self.passage is None or self.document is None:
            return ""
        return f"{self.document.source}:{self.passage.line_start}-{self.passage.line_end}"

    def to_json(self) -> dict[str, Any]:
        doc = self.document
        return {
            **self.item.to_json(),
            "position": self.position,
            "status": self.status,
            "changed": self.status == CHANGED,
            "missing": self.status == MISSING,
            "pinned_text": self.item.text,
            "text": self.text,
            "citation": self.citation,
            "current_content_hash": self.passage.content_hash if self.passage else None,
            "doc_id": doc.id if doc else None,
            "document_status": doc.status if doc else None,
            "date": doc.date if doc else None,
            "source": self.source_ref,
            "source_line": self.source_line or self.citation,
            "warning": self.warning,
        }


Entry = ResolvedPassage | ScenarioItem | HeadingItem


@dataclass(frozen=True)
class Source:
    """A line of the sources slide / list: a corpus document or a levels framework."""

    label: str
    date: str
    status: str
    detail: str = ""  # file path, or what superseded it

    path: str = ""  # corpus file, for maintainers (JSON and the Markdown export only)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "date": self.date,
            "status": self.status,
            "detail": self.detail,
            "path": self.path,
        }

    def line(self) -> str:
        """Title, date and status, e.g. 'The Child's Journey in Bromley [Bromley] - 2011-07 -
        SUPERSEDED (superseded by Understanding Safeguarding ...)': no paths, no ids."""
        status = self.status.upper() if self.status == "superseded" else self.status
        parts = [self.label, self.date or "undated", status]
        return " - ".join(parts) + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class ResolvedPack:
    pack: Pack
    entries: tuple[Entry, ...]
    sources: tuple[Source, ...]
    build_id: str

    @property
    def passages(self) -> list[ResolvedPassage]:
        return [e for e in self.entries if isinstance(e, ResolvedPassage)]

    @property
    def warnings(self) -> list[str]:
        return [p.warning for p in self.passages if p.warning]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.pack.to_json(),
            "build_id": self.build_id,
            "items": [
                e.to_json() | ({"position": n} if not isinstance(e, ResolvedPassage) else {})
                for n, e in enumerate(self.entries, start=1)
            ],
            "sources": [s.to_json() for s in self.sources],
            "warnings": self.warnings,
        }


def superseding_title(doc: Document, documents: dict[str, Document]) -> str:
    """The title of the document that replaced `doc` ('' when that one is not indexed: an id
    would mean nothing to a trainer; JSON and the Markdown export keep it)."""
    newer = documents.get(doc.superseded_by) if doc.superseded_by else None
    return document_label(newer) if newer else ""


def readable_source(doc: Document, passage: Passage | None, documents: dict[str, Document]) -> str:
    """'Testshire SCP procedures, Forced marriage, 1. Definition (2020-02-01, current)': the
    document and section as people name them, its date and status; no file, line or id."""
    parts = [document_label(doc)]
    if passage is not None and len(passage.heading_path) > 1:
        parts.append(passage.heading_path[-1])
    status = "current" if not doc.superseded else "SUPERSEDED"
    if doc.superseded and (newer := superseding_title(doc, documents)):
        status += f" by {newer}"
    return f"{', '.join(parts)} ({doc.date or 'undated'}, {status})"


def _document_source(doc: Document, documents: dict[str, Document]) -> Source:
    newer = superseding_title(doc, documents) if doc.superseded else ""
    detail = f"superseded by {newer}" if newer else ""
    area = AREA_NAMES.get(doc.area, doc.area)
    return Source(f"{document_label(doc)} [{area}]", doc.date, doc.status, detail, doc.source)


def _framework_title(framework_id: str) -> str:
    from kb.levels import load_frameworks

    try:
        return load_frameworks()[framework_id].title
    except (KBError, KeyError):
        return "a newer framework"


def _framework_source(assessment: dict[str, Any]) -> Source | None:
    title = assessment.get("framework_title") or assessment.get("framework")
    if not title:
        return None
    status = str(assessment.get("framework_status") or ("superseded" if assessment.get("superseded") else ""))
    detail = (
        f"superseded by {_framework_title(assessment['superseded_by'])}"
        if assessment.get("superseded_by")
        else ""
    )
    return Source(f"{title} (levels of need framework)", "", status or "current", detail)


def resolve_pack(pack: Pack, index) -> ResolvedPack:
    """Look every pinned passage up by id in `index` (a kb.retrieval.index.LoadedIndex)."""
    entries: list[Entry] = []
    sources: dict[str, Source] = {}
    for n, item in enumerate(pack.items, start=1):
        if not isinstance(item, PassageItem):
            entries.append(item)
            if isinstance(item, ScenarioItem) and (fw := _framework_source(item.assessment)):
                sources.setdefault(f"framework:{fw.label}", fw)
            continue
        position = index.position.get(item.passage_id)
        if position is None:
            entries.append(ResolvedPassage(item, n, MISSING, item.text, item.citation, None, None))
            label = item.citation or item.passage_id.split("/")[0]
            sources.setdefault(f"missing:{label}", Source(label, "", "no longer in the index"))
            continue
        passage = index.passages[position]
        document = index.documents[passage.doc_id]
        status = CURRENT if passage.content_hash == item.content_hash else CHANGED
        line = readable_source(document, passage, index.documents)
        entries.append(
            ResolvedPassage(
                item, n, status, passage.text, cite(document, passage), passage, document, source_line=line
            )
        )
        sources.setdefault(f"doc:{document.id}", _document_source(document, index.documents))
    build_id = getattr(index, "build_id", "")
    return ResolvedPack(pack, tuple(entries), tuple(sources.values()), build_id)


def repin(pack: Pack, index) -> tuple[Pack, int]:
    """Accept the current text of changed passages (new hash, text, citation); returns (pack, how many).

    Vanished passages are left as they are: the pinned text is all that is left of them."""
    items, count = [], 0
    for item in pack.items:
        if isinstance(item, PassageItem) and (position := index.position.get(item.passage_id)) is not None:
            passage = index.passages[position]
            if passage.content_hash != item.content_hash:
                document = index.documents[passage.doc_id]
                item = PassageItem(
                    item.passage_id,
                    passage.content_hash,
                    passage.text,
                    cite(document, passage),
                    item.note,
                    item.added,
                )
                count += 1
        items.append(item)
    return (pack.with_items(items) if count else pack), count
