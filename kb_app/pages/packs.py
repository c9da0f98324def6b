"""Session pack (trainers): collect passages and case scenarios, order and annotate them,
preview, and download slides (PPTX), a handout (DOCX) or Markdown.

Every change goes through kb.packs.store (load, change, atomic write), so the page, the CLI and
a second browser tab never lose each other's edits. Other pages offer "Add to pack" with
`kb_app.pack_button.add_to_pack_button(passage_id, key)`.
"""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.packs.discussion import QUESTION, level_line
from kb.packs.export_docx import export_docx
from kb.packs.export_md import export_md
from kb.packs.export_pptx import export_pptx
from kb.packs.model import HeadingItem, ScenarioItem
from kb.packs.resolve import CHANGED, MISSING, ResolvedPack, ResolvedPassage, resolve_pack
from kb.packs.store import passage_items, scenario_item
from kb.retrieval import Filters
from kb_app.components import level_card
from kb_app.navigation import PageContext
from kb_app.pack_button import CURRENT, act, add_to_pack_button, pack_store
from kb_app.render import display_markdown, md_escape
from kb_app.resources import searcher

TITLE = "Session pack"
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
}


def _choose_pack() -> str | None:
    store = pack_store()
    summaries = store.summaries()
    names = [s.name for s in summaries]
    left, right = st.columns([2, 1])
    with right.form("new-pack", border=False):
        title = st.text_input(
            "New pack", key="pack-new-title", placeholder="e.g. Forced marriage, session 1", max_chars=80
        )
        if st.form_submit_button("Create", icon=":material/add:") and title.strip():
            try:
                created = store.create(title)
                st.session_state[CURRENT] = created.name
                names.append(created.name)
            except KBError as exc:
                st.error(md_escape(str(exc)))
    if not names:
        left.info("No session packs yet: create one to start collecting passages.")
        return None
    if st.session_state.get(CURRENT) not in names:
        st.session_state[CURRENT] = names[0]
    left.selectbox("Pack", names, key=CURRENT)
    broken = next((s for s in summaries if s.name == st.session_state[CURRENT] and s.error), None)
    if broken:
        st.error(md_escape(f"This pack file cannot be read, and has not been changed: {broken.error}"))
        return None
    return st.session_state[CURRENT]


def _item_controls(pack: str, n: int, total: int, note: str | None) -> None:
    store = pack_store()
    cols = st.columns([1, 1, 1, 5])
    cols[0].button(
        "↑", key=f"up-{n}", disabled=n == 1, on_click=act, args=(store.move, pack, n, n - 1), help="Move up"
    )
    cols[1].button(
        "↓",
        key=f"down-{n}",
        disabled=n == total,
        on_click=act,
        args=(store.move, pack, n, n + 1),
        help="Move down",
    )
    cols[2].button(
        "✕", key=f"rm-{n}", on_click=act, args=(store.remove, pack, n), help="Remove from the pack"
    )
    if note is not None:
        with cols[3].popover("Trainer notes" + (" ✎" if note else "")):
            text = st.text_area("Speaker notes for this slide", value=note, key=f"note-{n}")
            st.button("Save notes", key=f"save-note-{n}", on_click=act, args=(store.set_note, pack, n, text))


def _preview(resolved: ResolvedPack) -> None:
    pack = resolved.pack.name
    total = len(resolved.entries)
    for warning in resolved.warnings:
        st.warning(md_escape(warning), icon=":material/published_with_changes:")
    if not total:
        st.info("This pack is empty: add passages, headings or a case scenario below.")
    scenario_number = 0
    for n, entry in enumerate(resolved.entries, start=1):
        with st.container(border=True):
            if isinstance(entry, HeadingItem):
                st.markdown(f"#### {n}. {md_escape(entry.text)}")
                _item_controls(pack, n, total, None)
                continue
            if isinstance(entry, ScenarioItem):
                scenario_number += 1
                st.markdown(f"**{n}. Case scenario {scenario_number}**")
                st.markdown(md_escape(entry.text))
                st.caption(QUESTION)
                with st.expander(level_line(entry)):
                    level_card(entry.assessment, heading="Suggested level (speaker notes)")
                _item_controls(pack, n, total, entry.note)
                continue
            assert isinstance(entry, ResolvedPassage)
            st.markdown(f"**{n}. {md_escape(entry.citation)}**")
            if entry.status == CHANGED:
                st.warning(
                    "Changed since it was added: showing the current text. `kb pack refresh` accepts it."
                )
                with st.expander("Text when it was added"):
                    st.markdown(display_markdown(entry.item.text, heading_offset=None))
            elif entry.status == MISSING:
                st.error("No longer in the index: showing the text as it was when added.")
            st.markdown(display_markdown(entry.text, heading_offset=None, drop_leading_headings=True))
            if entry.note:
                st.caption(f"Trainer notes: {entry.note}")
            _item_controls(pack, n, total, entry.note)


def _add_from_search(pack: str, ctx: PageContext) -> None:
    query = st.text_input(
        "Find passages", key="pack-query", max_chars=300, placeholder="e.g. forced marriage protection order"
    )
    if not query.strip():
        return
    for hit in searcher().search(query, k=5, filters=Filters(area=ctx.area)):
        with st.container(border=True):
            st.markdown(f"**{md_escape(hit.citation)}**")
            st.markdown(display_markdown(hit.passage.text, heading_offset=None, drop_leading_headings=True))
            add_to_pack_button(hit.passage.id, key=f"add-hit-{hit.passage.id}")


def _add_from_browse(pack: str) -> None:
    index = searcher().index
    documents = sorted(index.documents.values(), key=lambda d: (d.area, d.title))
    doc = st.selectbox("Document", documents, format_func=lambda d: f"{d.title} ({d.status})", key="pack-doc")
    if doc is None:
        return
    passages = [p for p in index.passages if p.doc_id == doc.id]
    chosen = st.multiselect(
        "Passages",
        [p.id for p in passages],
        key="pack-browse-ids",
        format_func=lambda pid: (
            f"{' › '.join(index.passages[index.position[pid]].heading_path[1:]) or 'Overview'}"
            f" ({pid.rsplit('/', 1)[-1]})"
        ),
    )
    if st.button("Add selected passages", disabled=not chosen, icon=":material/playlist_add:"):
        act(lambda: pack_store().add_items(pack, passage_items(index, chosen)), done=f"Added {len(chosen)}.")
        st.rerun()


def _add_scenario(pack: str, ctx: PageContext) -> None:
    with st.form("pack-scenario", clear_on_submit=True, border=False):
        text = st.text_area(
            "Case scenario",
            max_chars=3000,
            placeholder="Describe the child's situation, as you would to the group.",
        )
        if st.form_submit_button("Add scenario (with its suggested level)") and text.strip():
            act(
                lambda: pack_store().add_items(pack, [scenario_item(text, area=ctx.area)]),
                done="Scenario added.",
            )
            st.rerun()
    with st.form("pack-heading", clear_on_submit=True, border=False):
        heading = st.text_input("Section heading", key="pack-heading-text", max_chars=120)
        if st.form_submit_button("Add heading") and heading.strip():
            act(pack_store().add_heading, pack, heading)
            st.rerun()


def _downloads(resolved: ResolvedPack) -> None:
    name = resolved.pack.name
    cols = st.columns(3)
    exports = (
        ("pptx", "Slides (PPTX)", export_pptx),
        ("docx", "Handout (DOCX)", export_docx),
        ("md", "Markdown", export_md),
    )
    for col, (fmt, label, export) in zip(cols, exports, strict=True):
        col.download_button(
            label,
            data=export(resolved),
            file_name=f"{name}.{fmt}",
            mime=MIME[fmt],
            key=f"dl-{fmt}",
            icon=":material/download:",
        )
    if resolved.warnings:
        st.caption("The exports show the current text of changed passages, and say so in the notes.")


def render(ctx: PageContext) -> None:
    st.title("Session pack")
    st.markdown(
        "Build a training session from the procedures: passages quoted verbatim with their "
        "citations, case scenarios with the suggested level in the speaker notes, section headings. "
        "Packs are saved as files and survive restarts."
    )
    for key, show in (("pack_error", st.error), ("pack_flash", st.success)):
        if message := st.session_state.pop(key, None):
            show(message)
    pack = _choose_pack()
    if pack is None:
        return
    try:
        resolved = resolve_pack(pack_store().load(pack), searcher().index)
    except KBError as exc:
        st.error(str(exc))
        return
    st.subheader(resolved.pack.title)
    _downloads(resolved)
    _preview(resolved)
    st.subheader("Add to this pack")
    search_tab, browse_tab, scenario_tab = st.tabs(["From search", "From a document", "Scenario or heading"])
    with search_tab:
        _add_from_search(pack, ctx)
    with browse_tab:
        _add_from_browse(pack)
    with scenario_tab:
        _add_scenario(pack, ctx)
