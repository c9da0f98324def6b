"""Ask (home): a question in, the procedures' own words out, with the level it suggests."""

from __future__ import annotations

import streamlit as st

from kb.action_steps import action_steps
from kb.answer import Answer, answer
from kb.citation import source_line
from kb.context import passage_context
from kb.errors import KBError
from kb.model import AREA_NAMES, DOC_TYPES
from kb.retrieval import Filters, Searcher
from kb.retrieval.glossary import matching_terms
from kb_app.components import compact_level_card, emergency_line, hit_card
from kb_app.navigation import PageContext, go
from kb_app.render import display_markdown, md_escape, query_terms
from kb_app.resources import searcher

TITLE = "Ask"
RESULTS = 5
ALL = "all"
# A phone shows the question box and the first passage on one screen: a smaller page title.
PHONE_CSS = (
    "<style>@media (max-width: 640px) { h1 { font-size: 1.6rem !important; padding-top: 0.5rem !important; }"
    " [data-testid=stMainBlockContainer] { padding-top: 3.5rem !important; }"
    " h2, h3 { font-size: 1.2rem !important; padding-top: 0.4rem !important; } }</style>"
)


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
        # Folded away so that on a phone the first passage starts on the first screen.
        with st.expander("Search options"):
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


def _switch_area(area: str) -> None:
    st.session_state["area"] = area
    st.query_params["area"] = area


def _other_area_notice(result: Answer) -> None:
    """The question names another area's place or service: say so, and switch in one click."""
    if not result.other_area:
        return
    named, chosen = AREA_NAMES.get(result.other_area), AREA_NAMES.get(result.filters.area or "")
    st.warning(
        f"Your question is about {named}, but you are looking at {chosen}'s procedures and "
        f"numbers. Switch to {named} to answer it with {named}'s.",
        icon=":material/location_on:",
    )
    st.button(
        f"Switch to {named}",
        key="switch-area",
        type="primary",
        on_click=_switch_area,
        args=(result.other_area,),
        icon=":material/swap_horiz:",
    )


def _action_steps(engine: Searcher, result: Answer, terms: list[str]) -> None:
    """For a "what do I do" question: the chapter's own action section, verbatim and cited."""
    steps = action_steps(engine.index, result.query, result.hits)
    if steps is None or result.hits[0].passage in steps.passages:
        return  # no such section, or the top passage already is it
    with st.container(border=True):
        st.subheader(f"What the procedure says to do: {md_escape(steps.document.title)}")
        st.markdown(display_markdown(steps.text(), terms, heading_offset=3))
        source = source_line(steps.document, steps.passages[0], result.titles)
        st.markdown(f"**Cite as:** {md_escape(source)}")


def _hits(engine: Searcher, result: Answer, hits: list, terms: list[str], first_group: bool) -> None:
    for n, hit in enumerate(hits):
        try:
            ctx = passage_context(engine.index, hit.passage.id)
        except KBError:
            ctx = None
        hit_card(hit, terms, ctx, result.source_line(hit))
        if n == 0 and first_group and not result.weak_match:
            _action_steps(engine, result, terms)


def _results(engine: Searcher, result: Answer) -> None:
    _other_area_notice(result)
    if not result.hits:
        if result.threshold and result.threshold.get("immediate_danger"):
            compact_level_card(result.threshold)  # danger is read from the question, not the passages
        where = "any area" if result.filters.area is None else AREA_NAMES.get(result.filters.area)
        st.info(
            f"Nothing in the procedures for {where} matches this question with these filters. "
            "Try other words, another document type, or include other areas."
        )
        return
    if result.weak_match:
        st.warning(
            "No good match: the procedures do not seem to cover this question. The closest "
            "passages are below, but they are probably not about what you asked. Try other "
            "words, or ask your designated safeguarding lead.",
            icon=":material/search_off:",
        )
    terms = query_terms(result.query)
    areas = result.areas() if result.filters.area is None else [result.area]
    grouped = len(areas) > 1
    for n, area in enumerate(areas):
        hits = [h for h in result.hits if h.document.area == area] if grouped else result.hits
        if grouped:
            st.header(f"{AREA_NAMES.get(area, area)}: what the procedures say")
            if area != result.filters.area and area != st.session_state.get("area"):
                emergency_line(area)  # this group's own numbers, not the chosen area's
        passages, level = st.columns([5, 2], gap="medium")
        with passages:
            if not grouped:
                st.subheader("What the procedures say")
            _hits(engine, result, hits, terms, first_group=n == 0)
        with level:
            compact_level_card(result.threshold_for_area(area), AREA_NAMES.get(area, area) if grouped else "")
    _related(result)


def render(ctx: PageContext) -> None:
    st.markdown(PHONE_CSS, unsafe_allow_html=True)
    st.title("Ask the safeguarding procedures")
    st.caption(
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
