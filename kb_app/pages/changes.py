"""What changed: each build's change report from index/changelog.jsonl, newest first."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ingest.changes import changes_since
from kb_app.navigation import PageContext
from kb_app.render import md_escape
from kb_app.resources import settings

TITLE = "What changed"


def _diff_markdown(ops: list[dict]) -> str:
    """Each edit as `~~removed~~ → **added**`, words escaped so the source text shows as written."""
    parts = []
    for op in ops:
        old = f"~~{md_escape(op['old'])}~~" if op["old"] else ""
        new = f"**{md_escape(op['new'])}**" if op["new"] else ""
        parts.append(
            f"- {old}{' → ' if old and new else ''}{new}"
            if op["op"] != "more"
            else f"- {md_escape(op['new'])}"
        )
    return "\n".join(parts)


def show_entry(entry: dict) -> None:
    """One changelog entry: summary, documents, sections, word diffs. Also used by Maintain."""
    st.markdown(f"**{md_escape(entry.get('summary', ''))}**")
    if entry.get("event") != "build":
        return
    docs, sections = entry["documents"], entry["sections"]
    for kind in ("added", "removed", "changed"):
        if docs[kind]:
            names = ", ".join(f"{d['title']} ({d['doc_id']})" for d in docs[kind])
            st.markdown(f"Documents {kind}: {md_escape(names)}")
        for doc in docs[kind]:
            for field, values in doc.get("fields", {}).items():
                st.markdown(
                    f"- {md_escape(doc['doc_id'])} {md_escape(field)}: "
                    f"{md_escape(repr(values['old']))} → {md_escape(repr(values['new']))}"
                )
    for kind in ("added", "removed"):
        if sections[kind]:
            st.markdown(f"Sections {kind}:")
            st.markdown("\n".join(f"- {md_escape(' > '.join(s['heading_path']))}" for s in sections[kind]))
    for section in sections["changed"]:
        st.markdown(f"Section changed: *{md_escape(' > '.join(section['heading_path']))}*")
        st.markdown(_diff_markdown(section["diff"]))
    for error in entry.get("errors", []):
        st.warning(md_escape(error))


def render(ctx: PageContext) -> None:
    st.title(TITLE)
    st.markdown(
        "Every rebuild of the procedures is recorded here: documents and sections added, removed "
        "or changed, with the changed words. Removed words are struck through, added words in bold."
    )
    since = st.date_input("Since", value=dt.date.today() - dt.timedelta(days=90), key="changes_since")
    entries = list(reversed(changes_since(settings().index_dir, since.isoformat() if since else None)))
    if not entries:
        st.info("No changes recorded in this period.")
    for n, entry in enumerate(entries):
        label = f"{entry.get('at', '')} · {entry.get('event', '')} {entry.get('build_id', '')}"
        with st.expander(label, expanded=n == 0):
            show_entry(entry)
