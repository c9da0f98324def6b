"""Pieces several pages draw: the emergency line, a level card, a cited passage card."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from kb.citation import cite, maintainer_line, readable_date, source_line
from kb.context import PassageContext
from kb.emergency import emergency_route
from kb.levels import borrowed_note
from kb.model import AREA_NAMES, Document, Hit
from kb_app.navigation import go, link
from kb_app.pack_button import add_to_pack_button
from kb_app.render import date_note, display_markdown, html_text, md_escape, tel_href
from kb_app.resources import document_titles, level_description, passage_source, readable_citation

EMERGENCY_CSS = """
<style>
.kb-emergency {background:#7a0010; color:#fff; padding:0.6rem 0.9rem; border-radius:0.4rem;
  margin-bottom:0.8rem; line-height:1.5; font-size:1rem;}
.kb-emergency a {color:#fff; text-decoration:underline; font-weight:700;}
.kb-emergency a:focus {outline:3px solid #ffd54f; outline-offset:2px;}
.kb-emergency ul {margin:0.2rem 0 0 1.1rem; padding:0;}
.kb-emergency li {margin:0;}
.kb-emergency details {margin-top:0.3rem; font-size:0.85rem;}
.kb-emergency summary {cursor:pointer; text-decoration:underline;}
</style>
"""


def _phone(detail: str) -> str:
    href = tel_href(detail)
    text = html_text(detail)
    return f'<a href="{html_text(href)}">{text}</a>' if href else text


def _contact_item(c: dict[str, Any]) -> str:
    flag = (
        f" <em>(from {html_text(readable_citation(c['citation']))}: no current document gives this "
        "number; check it is current)</em>"
        if c.get("borrowed")
        else ""
    )
    return f"<li>{html_text(c['service'])}: {_phone(c['detail'])}{flag}</li>"


def emergency_line(area: str) -> None:
    """Always at the top of every page: 999, then the area's own numbers (kb.emergency: the
    newest current document's, only entries with a number), their sources named in words."""
    route = emergency_route(area)
    local = [c for c in route.contacts if c["detail"].strip() != "999"]
    items = "".join(_contact_item(c) for c in local)
    cited = [c for c in route.contacts if c.get("citation")]
    sources = "".join(
        f"<li>{html_text(c['service'])}: {html_text(readable_citation(c['citation']))}</li>" for c in cited
    )
    raw = "".join(f"<li>{html_text(c['citation'])}</li>" for c in cited)
    where = html_text(AREA_NAMES.get(area, area))
    body = (
        f'<div class="kb-emergency" role="region" aria-label="Emergency contacts">'
        f'<strong>If a child is in immediate danger, call <a href="tel:999">999</a>.</strong> '
        f"{where}:<ul>{items}</ul>"
        + (
            f"<details><summary>Where these numbers come from</summary>"
            f"{html_text(route.framework)}<ul>{sources}</ul>"
            f"<details><summary>Details for maintainers</summary><ul>{raw}</ul></details></details>"
            if sources
            else ""
        )
        + "</div>"
    )
    st.markdown(EMERGENCY_CSS + body, unsafe_allow_html=True)


def status_badge(doc: Document) -> None:
    if doc.superseded:
        title = document_titles().get(doc.superseded_by, "") if doc.superseded_by else ""
        replaced = f" by “{title}”" if title else ""
        st.badge(f"Superseded{replaced}", icon=":material/warning:", color="red")
    else:
        st.badge("Current", color="green")


def _source(citation: str, document: str = "") -> str:
    """A framework citation in words (the manual, chapter and section that hold the quote)."""
    return f"Source: {md_escape(readable_citation(citation))}"


def level_title(level: int, label: str) -> str:
    """'**Level 4: Acute Need (specialist or safeguarding needs)**' (Markdown), the label's own
    '- Level 4' / '(Level 4)' dropped so the number is said once."""
    label = re.sub(rf"\s*(?:[-–]\s*Level {level}|\(Level {level}\))\s*$", "", label.strip())
    return f"**Level {level}: {md_escape(label)}**" if label else f"**Level {level}**"


def _cited_list(items: list[dict[str, Any]], document: str) -> None:
    for item in items:
        st.markdown(f"- {md_escape(item.get('text', ''))}")
        if item.get("citation"):
            st.caption(_source(item["citation"], document))


def level_card(
    threshold: dict[str, Any] | None, heading: str = "Suggested level of need", subheading: bool = False
) -> None:
    """The framework's level for a question or case: its own words, what to do, who to call,
    and always the professional-judgement caveat."""
    if not threshold:
        return
    if threshold.get("level") is None and not threshold.get("immediate_danger"):
        return  # no level was given: no card, and no caveat about one
    with st.container(border=True):
        (st.subheader if subheading else st.header)(heading)
        if threshold.get("immediate_danger"):
            st.error("Immediate danger described: call 999 now, then follow the procedure.")
        level = threshold.get("level")
        if level is None:
            st.markdown("No level of need is suggested.")
        else:
            st.markdown(level_title(level, threshold.get("label", "")))
        for reason in threshold.get("reasons") or []:  # a case's: the indicator and the note's words
            st.markdown(f"- {md_escape(reason)}")
        st.warning(md_escape(threshold.get("caveat", "")), icon=":material/gavel:")
        if threshold.get("details"):
            with st.expander("How this was worked out"):
                st.json(threshold["details"], expanded=True)
        if threshold.get("superseded"):
            st.badge("Framework superseded", icon=":material/warning:", color="red")
        framework_title, description = level_description(threshold.get("framework", ""), level)
        words, actions = st.columns(2, gap="medium")
        with words:
            _level_words(threshold, framework_title, description)
        with actions:
            _level_actions(threshold, framework_title)


def _one_line_why(threshold: dict[str, Any]) -> str:
    """The first reason for the level, in a line: a framework indicator or the passages' level."""
    for item in threshold.get("why") or threshold.get("evidence") or []:
        text = str(item.get("text", ""))
        if text.startswith("top passage"):
            return "The passages that answer the question concern this level."
        if text:
            return f"Matches the framework's indicator “{text}”."
    return ""


def compact_level_card(threshold: dict[str, Any] | None, area_name: str = "") -> None:
    """Beside the passages on Ask: the level, one line of why, the caveat, and an expander with
    the indicators and what to do at the level. Nothing when no level applies (the emergency
    route is in the red box), but immediate danger is always said."""
    if not threshold:
        return
    level = threshold.get("level")
    if level is None:
        if threshold.get("immediate_danger"):
            st.error("Immediate danger described: call 999 now, then follow the procedure.")
        return
    with st.container(border=True):
        st.subheader("Suggested level of need" + (f" ({area_name})" if area_name else ""))
        if threshold.get("immediate_danger"):
            st.error("Immediate danger described: call 999 now, then follow the procedure.")
        st.markdown(level_title(level, threshold.get("label", "")))
        why = _one_line_why(threshold)
        if why:
            st.caption(md_escape(why))
        if threshold.get("superseded"):
            st.badge("Framework superseded", icon=":material/warning:", color="red")
        st.caption(md_escape(threshold.get("caveat", "")))
        framework_title, description = level_description(threshold.get("framework", ""), level)
        with st.expander("Indicators and what to do at this level"):
            _level_words(threshold, framework_title, description)
            if threshold.get("response"):
                st.markdown("**What to do at this level**")
                _cited_list(threshold["response"], framework_title)


def _level_words(threshold: dict[str, Any], framework_title: str, description: dict | None) -> None:
    """Left of the card: the framework's own description and indicators for the level."""
    if framework_title:
        st.caption(f"Framework (sources below are in it): {md_escape(framework_title)}")
    if description:
        st.markdown(f"> {md_escape(description['text'])}")
        st.caption(_source(description["citation"], framework_title))
    evidence = threshold.get("why") or threshold.get("evidence") or []
    indicators = [e for e in evidence if not str(e.get("text", "")).startswith("top passage")]
    from_passages = [e for e in evidence if e not in indicators]
    if indicators:
        st.markdown("**Indicators in the framework's words**")
        for item in indicators:
            st.markdown(f"- {md_escape(item['text'])}")
            where = _source(item["citation"], framework_title) if item.get("citation") else ""
            borrowed = borrowed_note(item)
            if borrowed:
                where += f" ({md_escape(borrowed)})"
            if item.get("matched"):
                where += f" · matched: “{md_escape(item['matched'])}”"
            if where:
                st.caption(where)
    if from_passages:
        named = ", ".join(passage_source(str(e.get("citation", ""))) for e in from_passages)
        st.caption(md_escape(f"Suggested by the levels of the passages that answer the question: {named}"))


def _level_actions(threshold: dict[str, Any], framework_title: str) -> None:
    """Right of the card: what to do at the level and whom to contact, each cited."""
    if threshold.get("response"):
        st.markdown("**What to do at this level**")
        _cited_list(threshold["response"], framework_title)
    if threshold.get("contacts"):
        st.markdown("**Who to contact**")
        for c in threshold["contacts"]:
            st.markdown(f"- {md_escape(c['service'])}: **{md_escape(c['detail'])}**")
            if c.get("citation"):
                st.caption(_source(c["citation"], framework_title))
            if "superseded" in (c.get("note") or ""):
                st.caption(md_escape(c["note"]))


def passage_context_view(ctx: PassageContext, terms: list[str]) -> None:
    """The whole section around a passage, with where it sits in the document (in words)."""
    st.caption(md_escape(source_line(ctx.document, ctx.passage, document_titles())))
    st.markdown(display_markdown(ctx.section_text(), terms, heading_offset=3))


def maintainer_details(hit_or_ctx: Hit | PassageContext, ctx: PassageContext | None = None) -> None:
    """The one place ids, corpus paths, seed files and line numbers are shown."""
    p, doc = hit_or_ctx.passage, hit_or_ctx.document
    with st.expander("Details for maintainers"):
        lines = [maintainer_line(doc, p), f"citation: {cite(doc, p)}"]
        if ctx is not None:
            lines.append(f"section lines {ctx.section_start}–{ctx.section_end}")
            neighbours = [
                f"previous {ctx.previous_id}" if ctx.previous_id else "",
                f"next {ctx.next_id}" if ctx.next_id else "",
            ]
            if any(neighbours):
                lines.append("neighbouring passages: " + ", ".join(n for n in neighbours if n))
        st.caption("  \n".join(md_escape(line) for line in lines))


def passage_body(text: str, terms: list[str]) -> str:
    """A passage's text for a card: its leading headings dropped (the card names them), unless
    that would leave nothing (a heading-only passage such as a closing slide)."""
    body = display_markdown(text, terms, heading_offset=None, drop_leading_headings=True)
    return body if body.strip() else display_markdown(text, terms, heading_offset=None)


def hit_card(hit: Hit, terms: list[str], ctx: PassageContext | None, source: str = "") -> None:
    """One cited passage, verbatim, with its status, date and ways to read around it. `source`
    is the readable source line (kb.citation.source_line); ids go behind the maintainers' expander."""
    p, doc = hit.passage, hit.document
    source = source or source_line(doc, p, document_titles())
    with st.container(border=True):
        title = doc.title if len(p.heading_path) < 2 else f"{doc.title} — {p.heading_path[-1]}"
        st.markdown(f"### {hit.rank}. {md_escape(title)}")
        if len(p.heading_path) > 2:
            st.caption(md_escape(" › ".join(p.heading_path)))
        status_badge(doc)
        facts = [AREA_NAMES.get(doc.area, doc.area), doc.type]
        if doc.date:
            facts.append(date_note(readable_date(doc.date)))
        st.caption(" · ".join(md_escape(f) for f in facts))
        st.markdown(passage_body(p.text, terms))
        st.markdown(f"**Cite as:** {md_escape(source)}")
        if ctx is not None:
            with st.expander("Open in context (the whole section)"):
                passage_context_view(ctx, terms)
        left, right = st.columns(2)
        left.button(
            f"Read the chapter: {doc.title}",
            key=f"browse-{hit.rank}-{p.id}",
            on_click=go,
            args=("browse",),
            kwargs={"doc": doc.id, "passage": p.id},
        )
        right.markdown(f"[Link to this passage]({link('browse', passage=p.id)})")
        add_to_pack_button(p.id, key=f"pack-{hit.rank}-{p.id}")
        maintainer_details(hit, ctx)
