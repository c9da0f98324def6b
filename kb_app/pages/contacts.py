"""Contacts: the chosen area's numbers, from its levels-of-need frameworks and from every line
of its procedures that gives a phone number, each cited; superseded sources flagged."""

from __future__ import annotations

import streamlit as st

from kb.reference import contact_lines
from kb_app.navigation import PageContext, link
from kb_app.render import md_escape
from kb_app.resources import searcher, serving_build, settings

TITLE = "Contacts"


def _framework_contacts(area: str) -> None:
    try:
        from kb.levels import load_frameworks
    except ImportError:
        return
    frameworks = sorted(
        (f for f in load_frameworks().values() if f.area == area), key=lambda f: (f.superseded, f.id)
    )
    for fw in frameworks:
        seen: set[str] = set()
        rows = []
        for contact in list(fw.emergency) + [c for lv in fw.levels for c in lv.contacts]:
            borrowed = contact.note.startswith("from ")  # listed under the framework it came from
            no_number = not any(ch.isdigit() for ch in contact.detail)
            if contact.detail in seen or contact.citation is None or borrowed or no_number:
                continue
            seen.add(contact.detail)
            rows.append(contact)
        if not rows:
            continue
        flag = " (superseded: check the number is still current)" if fw.superseded else ""
        st.subheader(md_escape(fw.title + flag))
        for c in rows:
            st.markdown(f"- **{md_escape(c.service)}**: {md_escape(c.detail)}")
            note = f" · {c.note}" if c.note else ""
            st.caption(md_escape(f"Source: {fw.title}, {fw.published or 'undated'}, {fw.status}{note}"))


@st.cache_data(max_entries=4, show_spinner=False)
def _lines(area: str, build: str) -> list:
    index = searcher().index
    return contact_lines(area, index.passages, index.documents)


def render(ctx: PageContext) -> None:
    st.title(f"Contacts: {ctx.area_name}")
    st.markdown(
        "Who to call in this area, as the procedures give it. If a child is in immediate danger, "
        "call **999**. Check the source before relying on a number: superseded documents are flagged."
    )
    _framework_contacts(ctx.area)
    st.subheader("Numbers in the procedures")
    lines = _lines(ctx.area, serving_build(settings()))
    if not lines:
        st.info("The procedures for this area give no phone numbers.")
    for line in lines:
        flag = ":red[superseded] " if line.superseded else ""
        st.markdown(f"- {flag}{md_escape(line.text)}")
        st.caption(
            md_escape(f"Source: {line.citation} ({line.date or 'undated'})")
            + f" · [open]({link('browse', passage=line.passage_id)})"
        )
