"""Maintain › Questions: see, add, edit or remove the questions written for a passage.

Saved into the document's `corpus/<area>/<doc>.questions.yaml` (reviewed in git like any corpus
change); the next rebuild uses them. The brief for writing them is docs/questions-brief.md.
"""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.retrieval.questions import QuestionRow, question_rows, save_passage_questions
from kb_app.render import md_escape
from kb_app.resources import settings

STATE_LABELS = {"ok": "questions written", "missing": "no questions yet", "stale": "text changed: review"}


@st.cache_data(show_spinner=False, ttl=5)
def _rows(corpus_dir: str) -> list[QuestionRow]:
    from pathlib import Path

    return question_rows(Path(corpus_dir))


def questions_editor() -> None:
    """The editor: pick a chapter and passage, edit one question a line, save, rebuild."""
    config = settings()
    st.header("Questions")
    st.caption(
        "The questions a practitioner might type that a passage answers: the search matches them "
        "and they lift their passage. One question a line; see docs/questions-brief.md."
    )
    try:
        rows = _rows(str(config.corpus_dir))
    except KBError as exc:
        st.error(md_escape(f"The questions cannot be read: {exc}"))
        return
    waiting = sum(1 for r in rows if r.state != "ok")
    st.caption(f"{len(rows)} passages; {waiting} without questions or with stale ones.")
    # Options are the labels themselves (a format_func does not survive Streamlit's app tests).
    by_title = {f"{r.document} ({r.doc_id})": r.doc_id for r in rows}
    title = st.selectbox("Chapter", sorted(by_title), key="questions_doc")
    by_label = {_passage_label(r): r for r in rows if r.doc_id == by_title[title]}
    label = st.selectbox("Passage", list(by_label), key="questions_passage")
    if label is None:
        return
    row = by_label[label]
    with st.expander("Passage text", expanded=row.state != "ok"):
        st.markdown(md_escape(row.text))
    edited = st.text_area(
        "Questions (one a line)", value="\n".join(row.questions), height=180, key=f"q-{row.passage_id}"
    )
    if st.button("Save questions", key="save_questions"):
        try:
            document = next(d for d in _documents(config.corpus_dir) if d.id == row.doc_id)
            path = save_passage_questions(document.path, row.passage_id, row.hash, edited.splitlines())
        except (KBError, OSError, StopIteration) as exc:
            st.error(md_escape(f"Not saved: {exc}"))
            return
        _rows.clear()
        st.success(md_escape(f"Saved in {path.name}. Rebuild to use them; review the change in git."))
    if st.button("Rebuild the index", key="rebuild_for_questions"):
        from ingest.build import build_index

        with st.spinner("Rebuilding (the current index keeps serving until the new one is ready)…"):
            try:
                built = build_index(config)
            except KBError as exc:
                st.error(md_escape(f"Not rebuilt: {exc}. The index that was serving still serves."))
                return
        st.success(f"Now serving the new build: {built.passages} passages.")
        for error in built.errors:
            st.warning(md_escape(error))


def _passage_label(row: QuestionRow) -> str:
    heading = " › ".join(row.heading_path[1:]) or row.heading_path[0]
    part = row.passage_id.rsplit("/", 1)[-1]
    return f"{heading} · part {part} ({STATE_LABELS[row.state]})"


def _documents(corpus_dir):
    from kb.corpus import load_corpus

    return load_corpus(corpus_dir).documents
