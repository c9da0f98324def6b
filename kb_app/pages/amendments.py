"""Amendments: per document, dated entries of the sections added, changed or removed, the
maintainer's one-line summary (`kb import --note`), and the changed words on demand."""

from __future__ import annotations

import streamlit as st

from ingest.changes import read_changelog
from kb.amendments import Amendment, document_amendments, read_notes
from kb.citation import document_label
from kb.model import AREA_NAMES
from kb_app.navigation import PageContext, link
from kb_app.pages.changes import _diff_markdown
from kb_app.render import md_escape
from kb_app.resources import searcher, settings

TITLE = "Amendments"


def _entry(amendment: Amendment, key: str) -> None:
    st.markdown(
        f"**{md_escape(amendment.date)}**: {md_escape(amendment.event)}, {md_escape(amendment.summary)}"
    )
    if amendment.note:
        st.markdown(f"> {md_escape(amendment.note)}")
    for detail in amendment.details:
        st.caption(md_escape(detail))
    for kind, group in (("Added", amendment.added), ("Removed", amendment.removed)):
        if group and (amendment.event != "first published" or kind != "Added"):
            st.markdown(f"{kind}: " + "; ".join(md_escape(s.heading) for s in group))
    if amendment.event == "first published" and amendment.added:
        st.caption(
            f"{len(amendment.added)} sections: " + "; ".join(md_escape(s.heading) for s in amendment.added)
        )
    for n, section in enumerate(amendment.changed):
        st.markdown(f"Changed: *{md_escape(section.heading)}*")
        if section.diff and st.toggle("Show the changed words", key=f"{key}-diff-{n}"):
            st.markdown(_diff_markdown(list(section.diff)))


def render(ctx: PageContext) -> None:
    st.title(TITLE)
    st.markdown(
        "What changed in each document, and when: sections added, changed or removed, with the "
        "maintainer's summary where one was given. Removed words are struck through, added words in bold."
    )
    index = searcher().index
    config = settings()
    titles = {doc_id: document_label(doc) for doc_id, doc in index.documents.items()}
    amendments = document_amendments(read_changelog(config.index_dir), read_notes(config.corpus_dir), titles)
    if not amendments:
        st.info("No amendments recorded yet.")
        return
    only_area = st.checkbox(f"Only {ctx.area_name}", value=True, key="amend_area")
    docs = [
        (doc_id, items)
        for doc_id, items in amendments.items()
        if not only_area or (doc_id in index.documents and index.documents[doc_id].area == ctx.area)
    ]
    docs.sort(key=lambda d: (d[1][0].date, titles.get(d[0], d[0])), reverse=True)
    st.caption(f"{len(docs)} documents, most recently amended first")
    for doc_id, items in docs:
        doc = index.documents.get(doc_id)
        where = AREA_NAMES.get(doc.area, doc.area) if doc else "no longer in the procedures"
        label = f"{titles.get(doc_id, items[0].title)} · {where} · last {items[0].date}"
        with st.expander(label):
            if doc is not None:
                st.markdown(f"[Read this chapter]({link('browse', doc=doc_id)})")
            for n, amendment in enumerate(items):
                _entry(amendment, f"{doc_id}-{n}")
