"""Browse: contents by area, document and section; read a chapter; open a shared passage link."""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from kb.citation import cite, document_label
from kb.context import passage_context
from kb.errors import KBError
from kb.index import LoadedIndex
from kb.model import AREA_NAMES, AREAS, Document, Passage
from kb_app.components import passage_context_view, status_badge
from kb_app.navigation import PageContext, go, link
from kb_app.render import display_markdown, md_escape
from kb_app.resources import searcher

TITLE = "Browse"


def _documents_by_area(index: LoadedIndex) -> dict[str, list[Document]]:
    by_area: dict[str, list[Document]] = defaultdict(list)
    for doc in index.documents.values():
        by_area[doc.area].append(doc)
    order = [a for a in AREAS if a in by_area] + sorted(set(by_area) - set(AREAS))
    return {a: sorted(by_area[a], key=lambda d: (d.collection, d.title.lower())) for a in order}


def _contents(index: LoadedIndex, current: str | None, area: str) -> None:
    st.header("Contents")
    for area_id, docs in _documents_by_area(index).items():
        with st.expander(AREA_NAMES.get(area_id, area_id), expanded=area_id == area):
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
        if p.section_slug not in seen and len(p.heading_path) > 1:
            seen[p.section_slug] = (p.section_slug, p.heading_path[-1], len(p.heading_path) - 1)
    return list(seen.values())


def _passage_body(p: Passage) -> tuple[str | None, str]:
    """(heading line's title or None, the rest) so the heading can carry a stable anchor."""
    first, _, rest = p.text.partition("\n")
    if p.ordinal == 1 and first.startswith("#"):
        return first.lstrip("#").strip(), rest
    return None, p.text


def _chapter(index: LoadedIndex, doc: Document, target: str | None) -> None:
    st.header(doc.title, anchor=doc.id)
    status_badge(doc)
    facts = [document_label(doc), AREA_NAMES.get(doc.area, doc.area), doc.type]
    if doc.date:
        facts.append(f"dated {doc.date}")
    st.caption(" · ".join(md_escape(f) for f in facts))
    st.caption(md_escape(f"Source file: {doc.source} (from {doc.origin.file})"))
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
        heading, body = _passage_body(p)
        if heading is not None and len(p.heading_path) > 1:
            depth = len(p.heading_path) - 1
            if depth == 1:
                st.subheader(heading, anchor=p.section_slug)
            else:
                st.markdown(f"{'#' * min(6, depth + 3)} {md_escape(heading)}")
        if p.id == target:
            with st.container(border=True):
                st.caption("The linked passage")
                st.markdown(display_markdown(body, heading_offset=3))
        elif body.strip():
            st.markdown(display_markdown(body, heading_offset=3))


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
    contents, reading = st.columns([1, 2.2], gap="large")
    with contents:
        _contents(index, doc.id if doc else None, ctx.area)
    with reading:
        if doc is None:
            st.header("Choose a document")
            st.markdown("Pick a chapter or document from the contents to read it in full.")
        else:
            _chapter(index, doc, passage_id)
            st.caption(f"Cite the chapter as: {cite(doc)}")
