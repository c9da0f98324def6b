"""Levels: each framework's continuum of need side by side, searchable, and "check a case"."""

from __future__ import annotations

import streamlit as st

from kb.model import AREA_NAMES
from kb_app.components import level_card
from kb_app.navigation import PageContext
from kb_app.render import md_escape, query_terms

TITLE = "Levels"
CANONICAL = {
    1: "Universal",
    2: "Additional / emerging needs",
    3: "Complex / multiple needs",
    4: "Specialist / safeguarding",
}


def _frameworks(include_superseded: bool) -> list:
    from kb.levels import load_frameworks

    frameworks = sorted(load_frameworks().values(), key=lambda f: (f.superseded, f.area, f.id))
    return [f for f in frameworks if include_superseded or not f.superseded]


def _matches(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return all(t in lowered for t in terms)


def _level_column(framework, number: int, terms: list[str]) -> None:

    level = framework.level(number)
    st.markdown(f"**{md_escape(level.label)}**")
    st.caption(
        AREA_NAMES.get(framework.area, framework.area) + (" · superseded" if framework.superseded else "")
    )
    st.markdown(f"> {md_escape(level.description)}")
    st.caption(md_escape(f"Source: {level.description_citation.text}"))
    shown = [i for i in level.indicators if _matches(i.text, terms)]
    if shown:
        st.markdown("\n".join(f"- {md_escape(i.text)}" for i in shown))
        borrowed = {
            i.from_framework + (" (superseded)" if i.from_superseded else "")
            for i in shown
            if i.from_framework
        }
        if borrowed:
            st.caption(md_escape(f"Indicators borrowed from: {', '.join(sorted(borrowed))}"))
    elif terms:
        st.caption("No indicator here matches the search.")
    if level.response and not terms:
        with st.expander("What to do at this level"):
            for r in level.response:
                st.markdown(f"- {md_escape(r.text)}")
                st.caption(md_escape(f"Source: {r.citation.text}"))


def _continuum(terms: list[str], include_superseded: bool) -> None:
    frameworks = _frameworks(include_superseded)
    if not frameworks:
        st.info("No levels-of-need frameworks are loaded.")
        return
    titles = st.columns(len(frameworks))
    for column, fw in zip(titles, frameworks, strict=True):
        column.markdown(f"**{md_escape(fw.title)}**")
        if fw.superseded:
            with column:
                st.badge(f"Superseded by {fw.superseded_by}", icon=":material/warning:", color="red")
    for number in (1, 2, 3, 4):
        st.header(f"Level {number}: {CANONICAL[number]}")
        for column, fw in zip(st.columns(len(frameworks)), frameworks, strict=True):
            with column:
                _level_column(fw, number, terms)


def _check_a_case(ctx: PageContext) -> None:
    st.header("Check a case")
    st.markdown(
        "Describe the child's situation in a few sentences (no names). The framework for "
        f"{ctx.area_name} is read against it and the indicators that decide the level are shown."
    )
    with st.form("case-form", border=False):
        st.text_area("Describe the situation", key="case_text", max_chars=4000, height=120)
        submitted = st.form_submit_button("Check the level", type="primary")
    text = st.session_state.get("case_text", "")
    if not submitted and not st.session_state.get("case_checked"):
        return
    st.session_state["case_checked"] = True
    if not text.strip():
        st.info("Describe the situation first.")
        return
    from kb.levels import assess_scenario

    try:
        first_use = "the first time on a machine, preparing the model takes up to a minute"
        with st.spinner(f"Reading the case against the framework ({first_use})…"):
            assessment = assess_scenario(text, area=ctx.area).to_json()
    except ValueError as error:
        st.warning(md_escape(str(error)))
        return
    level_card(assessment, heading="Suggested level for this case", subheading=True)


def render(ctx: PageContext) -> None:
    st.title("Levels of need")
    st.markdown(
        "Each area's continuum of need, in the frameworks' own words. A level is a prompt for "
        "professional judgement, not a decision."
    )
    try:
        _check_a_case(ctx)
    except ImportError:
        st.info("The levels-of-need frameworks are not installed.")
        return
    st.header("Frameworks side by side")
    search = st.text_input(
        "Find an indicator", key="level_search", placeholder="e.g. housing, school, injury"
    )
    include_superseded = st.checkbox("Include superseded frameworks", key="levels_superseded")
    terms = [t for t in query_terms(search)] if search else []
    _continuum(terms, include_superseded)
