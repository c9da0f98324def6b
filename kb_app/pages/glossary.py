"""Glossary: the acronyms and terms search expansion uses (kb/data/glossary.yaml)."""

from __future__ import annotations

import streamlit as st

from kb.retrieval.glossary import load_glossary
from kb_app.navigation import PageContext
from kb_app.render import md_escape

TITLE = "Glossary"


def render(ctx: PageContext) -> None:
    st.title("Glossary")
    st.markdown(
        "Acronyms and terms used in the procedures. Search understands each of them, so "
        "“FGM” finds passages that say “female genital mutilation”."
    )
    wanted = st.text_input("Filter terms", key="glossary_filter", placeholder="e.g. LADO").strip().lower()
    terms = sorted(load_glossary(), key=lambda t: t.term.lower())
    shown = [
        t
        for t in terms
        if not wanted
        or wanted in t.term.lower()
        or wanted in t.expansion.lower()
        or any(wanted in r.lower() for r in t.related)
    ]
    st.caption(f"{len(shown)} of {len(terms)} terms")
    lines = []
    for t in shown:
        line = f"- **{md_escape(t.term)}**: {md_escape(t.expansion)}"
        if t.related:
            line += f"  \n  :gray[also: {md_escape(', '.join(t.related))}]"
        lines.append(line)
    st.markdown("\n".join(lines) if lines else "No term matches.")
