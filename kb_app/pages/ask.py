"""Ask (home): a question in, the procedures' own words out, with the level it suggests."""

from __future__ import annotations

import streamlit as st

from kb.answer import Answer, answer
from kb.context import passage_context
from kb.errors import KBError
from kb.model import AREA_NAMES, DOC_TYPES
from kb.retrieval import Filters, Searcher
from kb.retrieval.glossary import matching_terms
from kb_app.components import hit_card, level_card
from kb_app.navigation import PageContext, go
from kb_app.render import md_escape, query_terms
from kb_app.resources import searcher

TITLE = "Ask"
RESULTS = 5
ALL = "all"


def _ask(question: str) -> None:
    st.session_state["question_input"] = question
    st.session_state["question"] = question


def _submitted() -> None:
    st.session_state["question"] = st.session_state.get("question_input", "")


def _filters(ctx: PageContext) -> Filters:
    state = st.session_state
    return Filters(
        area=None if state.get("all_areas") else ctx.area,
        type=None if state.get("doc_type", ALL) == ALL else state["doc_type"],
        status="current" if state.get("current_only") else None,
    )


def _question_form(ctx: PageContext) -> None:
    with st.form("ask-form", border=False):
        st.text_input(
            "What do I do if…",
            key="question_input",
            placeholder="e.g. a pupil says she is being taken abroad to be married",
            max_chars=500,
        )
        left, middle, right = st.columns(3)
        left.checkbox("Include other areas", key="all_areas")
        middle.checkbox("Hide superseded documents", key="current_only")
        right.selectbox(
            "Document type",
            (ALL, *DOC_TYPES),
            key="doc_type",
            format_func=lambda t: "All types" if t == ALL else t.title(),
        )
        st.form_submit_button("Search", type="primary", on_click=_submitted)


def _related(result: Answer) -> None:
    """Chips: glossary terms the passages use, and the other chapters among the results."""
    asked = {t.term.lower() for t in matching_terms(result.query)}
    text = " ".join(h.passage.text for h in result.hits)
    terms = [t for t in matching_terms(text) if t.term.lower() not in asked][:6]
    first = result.hits[0].document.id if result.hits else ""
    chapters: dict[str, str] = {}
    for hit in result.hits:
        if hit.document.id != first:
            chapters.setdefault(hit.document.id, hit.document.title)
    if not terms and not chapters:
        return
    st.header("Related topics")
    with st.container(horizontal=True):
        for term in terms:
            st.button(
                term.term
                if term.expansion.lower() == term.term.lower()
                else f"{term.term}: {term.expansion}",
                key=f"chip-term-{term.term}",
                on_click=_ask,
                args=(f"What do I do about {term.expansion}?",),
                icon=":material/search:",
            )
        for doc_id, title in chapters.items():
            st.button(
                title,
                key=f"chip-doc-{doc_id}",
                on_click=go,
                args=("browse",),
                kwargs={"doc": doc_id},
                icon=":material/menu_book:",
            )


def _results(engine: Searcher, result: Answer) -> None:
    if not result.hits:
        if result.threshold and result.threshold.get("immediate_danger"):
            level_card(result.threshold)  # danger is read from the question, not the passages
        where = "any area" if result.filters.area is None else AREA_NAMES.get(result.filters.area)
        st.info(
            f"Nothing in the procedures for {where} matches this question with these filters. "
            "Try other words, another document type, or include other areas."
        )
        return
    level_card(result.threshold)
    st.header("What the procedures say")
    if result.weak_match:
        st.warning(
            "Weak match: the procedures may not cover this question. These are the closest "
            "passages; check them before relying on them, and ask your designated safeguarding lead."
        )
    terms = query_terms(result.query)
    for hit in result.hits:
        try:
            ctx = passage_context(engine.index, hit.passage.id)
        except KBError:
            ctx = None
        hit_card(hit, terms, ctx)
    _related(result)


def render(ctx: PageContext) -> None:
    st.title("Ask the safeguarding procedures")
    st.markdown(
        "Type what is happening in your own words. You get the procedure's own text, cited, "
        "and the level of need it suggests."
    )
    _question_form(ctx)
    question = st.session_state.get("question", "")
    if not question.strip():
        if "question" in st.session_state:
            st.info("Type a question first, for example: “a child has told me her mother irons her breasts”.")
        return
    engine = searcher()
    if engine.index.warning:  # the newest build is damaged: an older one answers (kb check says so)
        st.warning(md_escape(engine.index.warning))
    result = answer(engine, question, k=RESULTS, filters=_filters(ctx))
    _results(engine, result)
