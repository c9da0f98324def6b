"""Glossary: each term with the procedures' own definition where they give one (quoted and
cited), else the expansion from kb/data/glossary.yaml, which search also uses."""

from __future__ import annotations

import streamlit as st

from kb.reference import find_definitions
from kb.retrieval.glossary import load_glossary
from kb_app.navigation import PageContext, link
from kb_app.render import md_escape
from kb_app.resources import searcher, serving_build, settings

TITLE = "Glossary"


@st.cache_data(max_entries=2, show_spinner=False)
def _definitions(build: str) -> dict:
    index = searcher().index
    return find_definitions(load_glossary(), index.passages, index.documents)


def render(ctx: PageContext) -> None:
    st.title("Glossary")
    st.markdown(
        "Terms used in the procedures. Where a procedure defines a term, its own words are quoted "
        "with the source; otherwise the expansion is given. Search understands each term, so "
        "“FGM” finds passages that say “female genital mutilation”."
    )
    wanted = st.text_input("Filter terms", key="glossary_filter", placeholder="e.g. LADO").strip().lower()
    terms = sorted(load_glossary(), key=lambda t: t.term.lower())
    try:
        definitions = _definitions(serving_build(settings()))
    except Exception:  # no index: the expansions still help
        definitions = {}
    shown = [
        t
        for t in terms
        if not wanted
        or wanted in t.term.lower()
        or wanted in t.expansion.lower()
        or any(wanted in r.lower() for r in t.related)
    ]
    st.caption(
        f"{len(shown)} of {len(terms)} terms · {len(definitions)} defined in the procedures' own words"
    )
    if not shown:
        st.markdown("No term matches.")
    for t in shown:
        head = f"**{md_escape(t.term)}**" + (
            f" ({md_escape(t.expansion)})" if t.expansion.lower() != t.term.lower() else ""
        )
        definition = definitions.get(t.term)
        if definition is not None:
            st.markdown(f"{head}  \n> {md_escape(definition.text)}")
            flag = " · superseded document" if definition.superseded else ""
            st.caption(
                md_escape(f"Source: {definition.citation}{flag}")
                + f" · [open]({link('browse', passage=definition.passage_id)})"
            )
        else:
            st.markdown(f"{head}: {md_escape(t.expansion)}")
        if t.related:
            st.caption(md_escape("also: " + ", ".join(t.related)))
