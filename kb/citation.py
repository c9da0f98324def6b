"""The one place a passage's citation is written; CLI, app and exports all call it."""

from __future__ import annotations

from kb.model import AREA_NAMES, Document, Passage


def document_label(doc: Document) -> str:
    """How a person names the document: the manual and chapter, or the title and date."""
    if doc.collection:
        return f"{doc.collection}, {doc.title}"
    date = doc.published or doc.updated
    return f"{doc.title} ({AREA_NAMES.get(doc.area, doc.area)}, {date})" if date else doc.title


def cite(doc: Document, passage: Passage | None = None) -> str:
    """e.g. 'Cambridgeshire & Peterborough SCP procedures, Forced marriage, 4. Legal Position'.

    A superseded document says so in its citation, so a quote never hides it."""
    parts = [document_label(doc)]
    if passage is not None and len(passage.heading_path) > 1:
        parts.append(passage.heading_path[-1])
    citation = ", ".join(parts)
    if doc.superseded:
        replaced = f" by {doc.superseded_by}" if doc.superseded_by else ""
        citation += f" [SUPERSEDED{replaced}]"
    return citation
