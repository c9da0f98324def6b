"""The app shell: page set-up, navigation, area choice, the emergency line, then one page."""

from __future__ import annotations

import streamlit as st

from kb.model import AREA_NAMES, AREAS
from kb_app.components import emergency_line
from kb_app.navigation import PageContext, requested_page
from kb_app.registry import pages
from kb_app.resources import DEFAULT_AREA, IndexMissing


def _on_nav() -> None:
    area = st.query_params.get("area")
    st.query_params.clear()
    st.query_params["page"] = st.session_state["nav"]
    if area:
        st.query_params["area"] = area


def _on_area() -> None:
    st.query_params["area"] = st.session_state["area"]


def _sidebar(slugs: list[str], titles: dict[str, str]) -> str:
    st.session_state["nav"] = requested_page(slugs)
    if "area" not in st.session_state:
        wanted = st.query_params.get("area")
        st.session_state["area"] = wanted if wanted in AREAS else DEFAULT_AREA
    with st.sidebar:
        st.markdown("## Safeguarding procedures")
        page = st.radio("Go to", slugs, key="nav", format_func=titles.get, on_change=_on_nav)
        st.selectbox("Your area", AREAS, key="area", format_func=AREA_NAMES.get, on_change=_on_area)
        st.caption(
            "Nothing you type is stored or sent anywhere. Passages are the procedures' own "
            "words; check the cited source before acting on them."
        )
    return page


def run() -> None:
    st.set_page_config(page_title="Safeguarding procedures", page_icon="🛡️", layout="wide")
    if st.query_params.get("view") == "print":  # a chapter alone: no sidebar, no page chrome
        from kb_app.pages.browse import print_view

        return print_view()
    available = pages()
    titles = {p.slug: p.title for p in available}
    slug = _sidebar(list(titles), titles)
    ctx = PageContext(area=st.session_state["area"])
    emergency_line(ctx.area)
    page = next(p for p in available if p.slug == slug)
    try:
        page.render(ctx)
    except IndexMissing as missing:
        st.error(str(missing))
