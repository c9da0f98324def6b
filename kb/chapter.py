"""A chapter as one clean page: its date, review date and status, the verbatim text as HTML
(for the app's print view) or as an A4 PDF (for download), and a keyword search that lists
every section of the corpus that mentions all the words asked for.

The page shows the document's own Markdown rendered (markdown-it-py, raw HTML off), so the
words are the source's; the PDF is drawn by PyMuPDF's Story from that same HTML.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt

from kb.citation import cite, document_label
from kb.model import AREA_NAMES, Document, Passage

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
PAGE_CSS = """
body { font-family: sans-serif; font-size: 11pt; line-height: 1.35; color: #1f2937; }
h1 { font-size: 18pt; color: #1d4e89; margin-bottom: 2pt; }
h2 { font-size: 14pt; color: #1d4e89; margin-top: 12pt; }
h3, h4, h5, h6 { font-size: 12pt; margin-top: 8pt; }
p.meta { font-size: 9.5pt; color: #555f6d; margin: 0; }
p.cite { font-size: 9.5pt; color: #555f6d; font-style: italic; margin-top: 14pt; }
"""


def chapter_dates(doc: Document) -> list[str]:
    """'Updated 2019-05', 'Review by 2027-01', or the front matter's note why there is no date."""
    out = []
    if doc.updated:
        out.append(f"Updated {doc.updated}")
    elif doc.published:
        out.append(f"Published {doc.published}")
    elif doc.date_note:
        out.append(doc.date_note[0].upper() + doc.date_note[1:])
    if doc.review_by:
        out.append(f"Review by {doc.review_by}")
    return out or ["Undated"]


def chapter_facts(doc: Document) -> list[str]:
    """The lines under a chapter's title: where it comes from, its dates and its status."""
    status = "Current" if not doc.superseded else "Superseded: check the newer document"
    return [document_label(doc), AREA_NAMES.get(doc.area, doc.area), *chapter_dates(doc), status]


def chapter_body(doc: Document) -> str:
    """The chapter's Markdown without its front matter and its own '# Title' line."""
    lines = list(doc.lines[doc.body_start - 1 :])
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("# "):
        lines.pop(0)
    return "\n".join(lines).strip("\n")


def chapter_html(doc: Document, *, standalone: bool = False) -> str:
    """The chapter as HTML: title, facts, the text verbatim, how to cite it."""
    meta = "".join(f'<p class="meta">{html.escape(f)}</p>' for f in chapter_facts(doc))
    body = _MD.render(chapter_body(doc))
    inner = (
        f'<h1>{html.escape(doc.title)}</h1>{meta}{body}<p class="cite">Cite as: {html.escape(cite(doc))}</p>'
    )
    if not standalone:
        return inner
    return f"<html><head><style>{PAGE_CSS}</style></head><body>{inner}</body></html>"


def chapter_pdf(doc: Document) -> bytes:
    """The chapter on A4 pages (PyMuPDF); ImportError when PyMuPDF is not installed."""
    import pymupdf

    story = pymupdf.Story(html=chapter_html(doc), user_css=PAGE_CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    page = pymupdf.paper_rect("a4")
    frame = page + (56, 56, -56, -56)  # 2 cm margins
    more = True
    while more:
        device = writer.begin_page(page)
        more, _ = story.place(frame)
        story.draw(device)
        writer.end_page()
    writer.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class SectionMatch:
    """A section that mentions every searched word: where it is, and how often."""

    doc_id: str
    section_slug: str
    heading_path: tuple[str, ...]
    citation: str
    superseded: bool
    count: int
    snippet: str


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"[\w'-]+", query.lower()) if len(t) > 1]


def search_sections(
    query: str, passages: Iterable[Passage], documents: dict[str, Document], area: str | None = None
) -> list[SectionMatch]:
    """Every section whose text holds all the query's words (whole-word starts, any case),
    in document order: a keyword search that lists everything, not a ranked top five."""
    terms = _terms(query)
    if not terms:
        return []
    patterns = [re.compile(rf"\b{re.escape(t)}", re.IGNORECASE) for t in terms]
    sections: dict[tuple[str, str], list[Passage]] = {}
    for p in passages:
        doc = documents.get(p.doc_id)
        if doc is None or (area and doc.area != area):
            continue
        sections.setdefault((p.doc_id, p.section_slug), []).append(p)
    out = []
    for (doc_id, slug), parts in sections.items():
        text = "\n".join(p.text for p in parts)
        counts = [len(pat.findall(text)) for pat in patterns]
        if not all(counts):
            continue
        prose = "\n".join(line for line in text.split("\n") if not line.startswith("#"))
        first = patterns[0].search(prose)
        start = max(0, first.start() - 80) if first else 0
        snippet = " ".join(prose[start : start + 220].split())
        doc = documents[doc_id]
        out.append(
            SectionMatch(
                doc_id, slug, parts[0].heading_path, cite(doc, parts[0]), doc.superseded, sum(counts), snippet
            )
        )
    return out
