"""Which page and which passage/document the URL asks for, and moving between pages.

The URL is the shareable state: `?page=browse&doc=<doc_id>`, `?passage=<passage_id>`,
`?area=<area>`. Query text is never put in the URL (it would end up in browser history).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from kb.model import AREA_NAMES

HOME = "ask"


@dataclass(frozen=True)
class PageContext:
    """What every page gets: the chosen area (remembered in the session)."""

    area: str

    @property
    def area_name(self) -> str:
        return AREA_NAMES.get(self.area, self.area)


def requested_page(known: list[str]) -> str:
    """The page the URL names; a bare `?passage=` link opens Browse at that passage."""
    page = st.query_params.get("page")
    if page is None and st.query_params.get("passage"):
        page = "browse"
    return page if page in known else HOME


def go(page: str, **params: str) -> None:
    """Switch page (for button callbacks): the URL changes, the session (area, question) stays."""
    area = st.query_params.get("area")
    st.query_params.clear()
    st.query_params["page"] = page
    if area:
        st.query_params["area"] = area
    for key, value in params.items():
        if value:
            st.query_params[key] = value
    st.session_state["nav"] = page


def link(page: str, **params: str) -> str:
    """A relative URL for a Markdown link a practitioner can copy and share."""
    return "?" + urlencode({"page": page, **{k: v for k, v in params.items() if v}})
