"""Browse: contents by area, document and section; read a chapter; open a shared passage link."""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from kb.chapter import chapter_dates, chapter_html, chapter_pdf, search_sections
from kb.citation import cite, document_label
from kb.context import passage_context
from kb.errors import KBError
from kb.model import AREA_NAMES, AREAS, Document, Passage
from kb.retrieval import LoadedIndex
from kb_app.components import passage_context_view, status_badge
from kb_app.navigation import PageContext, go, link
from kb_app.render import date_note, display_markdown, md_escape
from kb_app.resources import searcher

TITLE = "Browse"


def _documents_by_area(index: LoadedIndex) -> dict[str, list[Document]]:
    by_area: dict[str, list[Document]] = defaultdict(list)
    for doc in index.documents.values():
        by_area[doc.area].append(doc)
    order = [a for a in AREAS if a in by_area] + sorted(set(by_area) - set(AREAS))
    return {a: sorted(by_area[a], key=lambda d: (d.collection, d.title.lower())) for a in order}


TOC_CSS = """<style>
.st-key-kb-toc button {justify-content:flex-start; text-align:left; min-height:0;
  padding:0.15rem 0.25rem; line-height:1.35;}
.st-key-kb-toc button p {text-align:left;}
.st-key-kb-toc [data-testid="stVerticalBlock"] {gap:0.1rem;}
</style>"""


def _contents(index: LoadedIndex, current: str | None, area: str) -> None:
    st.header("Contents")
    st.markdown(TOC_CSS, unsafe_allow_html=True)
    toc = st.container(key="kb-toc")
    for area_id, docs in _documents_by_area(index).items():
        with toc, st.expander(AREA_NAMES.get(area_id, area_id), expanded=area_id == area):
            collection = None
            for doc in docs:
                if doc.collection != collection:
                    collection = doc.collection
                    if collection:
                        st.markdown(f"**{md_escape(collection)}**")
                label = doc.title + (" (superseded)" if doc.superseded else "")
                st.button(
                    label,
                    key=f"toc-{doc.id}",
                    on_click=go,
                    args=("browse",),
                    kwargs={"doc": doc.id},
                    type="primary" if doc.id == current else "tertiary",
                )


def _passages_of(index: LoadedIndex, doc_id: str) -> list[Passage]:
    return [p for p in index.passages if p.doc_id == doc_id]


def _sections(passages: list[Passage]) -> list[tuple[str, str, int]]:
    """(slug, title, depth) of each section in order, for the 'on this page' list."""
    seen: dict[str, tuple[str, str, int]] = {}
    for p in passages:
        if p.section_slug not in seen and len(p.heading_path) == 2:
            seen[p.section_slug] = (p.section_slug, p.heading_path[-1], len(p.heading_path) - 1)
    return list(seen.values())


def _leading_headings(p: Passage) -> tuple[list[tuple[int, str]], str]:
    """((level, title) of the heading lines a passage starts with, the rest of its text).

    A section's first passage starts with its heading, and with any parent heading that has
    no text of its own; each is drawn as a real heading, the section's own with its anchor."""
    lines = p.text.split("\n")
    headings: list[tuple[int, str]] = []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        line = lines.pop(0)
        if line.strip():
            hashes = len(line) - len(line.lstrip("#"))
            headings.append((hashes, line.lstrip("#").strip()))
    return headings, "\n".join(lines)


def _draw_heading(level: int, title: str, anchor: str | None) -> None:
    if level <= 1:
        return  # the chapter title, already the page's h2
    if level == 2:
        st.subheader(md_escape(title), anchor=anchor or None)
    else:
        st.markdown(f"{'#' * min(6, level + 2)} {md_escape(title)}")


def _chapter(index: LoadedIndex, doc: Document, target: str | None) -> None:
    st.header(md_escape(doc.title), anchor=doc.id)
    status_badge(doc)
    facts = [document_label(doc), AREA_NAMES.get(doc.area, doc.area), doc.type]
    st.caption(" · ".join(md_escape(f) for f in facts))
    st.markdown(" · ".join(f"**{md_escape(d)}**" for d in chapter_dates(doc)))
    _print_and_pdf(doc)
    with st.expander("Details for maintainers"):
        st.caption(md_escape(f"Source file: {doc.source} (from {doc.origin.file}); {date_note(doc.date)}"))
    passages = _passages_of(index, doc.id)
    sections = _sections(passages)
    if sections:
        st.markdown("**On this page**")
        st.markdown(
            "\n".join(
                f"{'  ' * (depth - 1)}- [{md_escape(title)}](#{slug})" for slug, title, depth in sections
            )
        )
    for p in passages:
        headings, body = _leading_headings(p)
        for i, (level, title) in enumerate(headings):
            _draw_heading(level, title, p.section_slug if i == len(headings) - 1 else None)
        if p.id == target:
            with st.container(border=True):
                st.caption("The linked passage")
                st.markdown(display_markdown(body, heading_offset=3))
        elif body.strip():
            st.markdown(display_markdown(body, heading_offset=3))


def _print_and_pdf(doc: Document) -> None:
    """A link to the chapter's print view (a clean page) and its PDF."""
    left, right = st.columns([1, 1])
    left.markdown(f"[Print view]({link('browse', doc=doc.id, view='print')})")
    try:
        data = _pdf(doc.id, doc.path.stat().st_mtime if doc.path else 0.0)
    except ImportError:
        return
    right.download_button(
        "Download PDF", data, file_name=f"{doc.id}.pdf", mime="application/pdf", key=f"pdf-{doc.id}"
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _pdf(doc_id: str, mtime: float) -> bytes:
    return chapter_pdf(searcher().index.documents[doc_id])


PRINT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, footer,
[data-testid="stToolbar"], [data-testid="stDecoration"] {display:none !important;}
.block-container {max-width: 46rem; padding-top: 1rem;}
@media print { .kb-print-hide {display:none !important;} }
</style>"""


def print_view() -> None:
    """`?page=browse&doc=<id>&view=print`: the chapter alone on a clean page (no sidebar)."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    index = searcher().index
    doc = index.documents.get(st.query_params.get("doc") or "")
    if doc is None:
        st.warning("That link names a document that is not in the current index.")
        return
    st.html(f'<div class="kb-print">{chapter_html(doc)}</div>')
    st.markdown(
        f'<p class="kb-print-hide"><a href="{link("browse", doc=doc.id)}" target="_self">'
        "Back to the site</a></p>",
        unsafe_allow_html=True,
    )


def _section_search(index: LoadedIndex, area: str) -> None:
    """Browse's keyword search: every section that holds all the words, with its heading path."""
    query = st.text_input(
        "Search the procedures' text", key="browse_search", placeholder="e.g. private fostering"
    )
    if not query.strip():
        return
    everywhere = st.checkbox("All areas", key="browse_search_all")
    matches = search_sections(query, index.passages, index.documents, None if everywhere else area)
    st.caption(f"{len(matches)} sections mention every word of “{md_escape(query.strip()[:80])}”")
    lines = []
    for m in matches:
        path = " › ".join(m.heading_path)
        flag = " :red[superseded]" if m.superseded else ""
        href = link("browse", doc=m.doc_id) + f"#{m.section_slug}"
        lines.append(f"- [{md_escape(path)}]({href}){flag} · {m.count}×  \n  :gray[{md_escape(m.snippet)}]")
    if lines:
        box = st.container(height=420, key="kb-section-search") if len(lines) > 8 else st.container()
        box.markdown("\n".join(lines))


def _linked_passage(index: LoadedIndex, passage_id: str) -> str | None:
    """The passage a shared link names, shown first with its citation and section."""
    try:
        ctx = passage_context(index, passage_id)
    except KBError:
        st.warning("That link names a passage that is not in the current index (it may have been renamed).")
        return None
    with st.container(border=True):
        st.subheader("Linked passage")
        status_badge(ctx.document)
        st.markdown(display_markdown(ctx.passage.text, heading_offset=None))
        st.markdown(f"**Cite as:** {md_escape(ctx.citation)}")
        st.caption(md_escape(f"{ctx.source} lines {ctx.line_start}–{ctx.line_end}"))
        st.markdown(f"[Share this passage]({link('browse', passage=passage_id)})")
        with st.expander("Open in context (the whole section)"):
            passage_context_view(ctx, [])
    return ctx.document.id


def render(ctx: PageContext) -> None:
    st.title("Browse the procedures")
    index = searcher().index
    passage_id = st.query_params.get("passage")
    doc_id = st.query_params.get("doc")
    if passage_id:
        doc_id = _linked_passage(index, passage_id) or doc_id
    doc = index.documents.get(doc_id) if doc_id else None
    if doc_id and doc is None:
        st.warning("That link names a document that is not in the current index.")
    _section_search(index, ctx.area)
    contents, reading = st.columns([1, 2.2], gap="large")
    with contents:
        _contents(index, doc.id if doc else None, ctx.area)
    with reading:
        if doc is None:
            st.header("Choose a document")
            st.markdown("Pick a chapter or document from the contents to read it in full.")
        else:
            _chapter(index, doc, passage_id)
            st.caption(md_escape(f"Cite the chapter as: {cite(doc)}"))
