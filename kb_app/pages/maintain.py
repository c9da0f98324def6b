"""Maintain: upload a source file, preview how it splits, confirm to import and rebuild, and
see the change report. Shown only when a maintainer password is configured (no default)."""

from __future__ import annotations

import hmac
import json
import logging
import os
import tempfile
from pathlib import Path

import streamlit as st

from ingest.importer import ImportOptions, ImportPlan, apply_plan, plan_import
from ingest.loaders import SUPPORTED, safe_name
from kb.errors import KBError
from kb.model import AREA_NAMES, AREAS, DOC_TYPES
from kb_app.lockout import Lockout
from kb_app.navigation import PageContext
from kb_app.pages.maintain_questions import questions_editor
from kb_app.render import md_escape
from kb_app.resources import settings

TITLE = "Maintain"
MAX_UPLOAD_BYTES = 10 * 2**20
_AUTH_KEY = "maintainer_ok"
TASKS = ("Import a document", "Questions")
log = logging.getLogger(__name__)


def maintainer_password() -> str:
    """KB_MAINTAINER_PASSWORD, else Streamlit secret `maintainer_password`; '' means switched off."""
    value = os.environ.get("KB_MAINTAINER_PASSWORD", "")
    if value:
        return value
    try:
        return str(st.secrets.get("maintainer_password", "") or "")
    except Exception:  # no secrets.toml at all
        return ""


def available() -> bool:
    """The page registry lists this page only when a password is configured."""
    return bool(maintainer_password())


@st.cache_resource
def _lockout() -> Lockout:
    """One lockout table for the whole server process (all sessions, all addresses)."""
    return Lockout()


def _client_keys() -> list[str]:
    """What a wrong password counts against: this session, the connecting address and, behind a
    proxy, the X-Forwarded-For client too (counted as well as, never instead of, the peer, so a
    forged header cannot reset the count)."""
    keys = [f"session:{st.session_state.setdefault('_maintain_session', os.urandom(8).hex())}"]
    try:
        peer = st.context.ip_address or ""
        forwarded = st.context.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    except Exception:  # no request context (a bare script run): the session key still counts
        peer = forwarded = ""
    return keys + [f"address:{a}" for a in dict.fromkeys((peer, forwarded)) if a]


def _signed_in(password: str) -> bool:
    if st.session_state.get(_AUTH_KEY):
        return True
    keys = _client_keys()
    with st.form("maintainer_login"):
        given = st.text_input("Maintainer password", type="password")
        if st.form_submit_button("Sign in"):
            wait = _lockout().locked_for(keys)
            if wait > 0:
                st.error(f"Too many wrong passwords: try again in {int(wait) + 1} s.")
                return False
            if hmac.compare_digest(given.encode(), password.encode()):
                _lockout().succeeded(keys)
                st.session_state[_AUTH_KEY] = True
                st.rerun()  # draw the page again without the sign-in form
            _lockout().failed(keys)
            log.warning("maintain: wrong password (%s)", ", ".join(keys))  # never the password
            st.error("Wrong password.")
    return False


def _options(ctx: PageContext) -> ImportOptions:
    cols = st.columns(3)
    area = cols[0].selectbox(
        "Area", AREAS, index=AREAS.index(ctx.area) if ctx.area in AREAS else 0, format_func=AREA_NAMES.get
    )
    doc_type = cols[1].selectbox("Type", DOC_TYPES)
    published = cols[2].text_input("Published (YYYY-MM-DD)", placeholder="as the document says")
    title = st.text_input("Title (optional; a manual's name when it splits into chapters)")
    supersedes = st.text_input("Supersedes document id (optional)")
    return ImportOptions(area=area, title=title, type=doc_type, published=published, supersedes=supersedes)


def _preview(plan: ImportPlan) -> None:
    st.subheader(f"Preview: {len(plan.documents)} document(s)")
    for note in plan.notes:
        st.warning(md_escape(note))
    for doc in plan.documents:
        verb = "replaces" if doc.replaces else "new"
        with st.expander(f"{doc.title} · {doc.id} · {verb} · {doc.words} words"):
            st.markdown("\n".join(f"- {md_escape(h)}" for h in doc.sections) or "No headings.")
            st.code(doc.markdown, language="markdown")


def _ingest(plan: ImportPlan) -> None:
    from ingest.build import build_index
    from kb_app.pages.changes import show_entry

    config = settings()
    report = apply_plan(plan, config.corpus_dir)
    st.success(f"Wrote {len(report.written)} document(s); {len(report.unchanged)} unchanged.")
    with st.spinner("Rebuilding the index (the current one keeps serving until it is ready)…"):
        built = build_index(config)
    st.success(
        f"Now serving build {built.build_id}: {built.embedded} passages embedded, {built.reused} reused."
    )
    for error in built.errors:
        st.warning(md_escape(error))
    changes = built.build_dir / "changes.json" if built.build_dir else None
    if changes and changes.is_file():
        show_entry(json.loads(changes.read_text(encoding="utf-8")))


def render(ctx: PageContext) -> None:
    st.title(TITLE)
    password = maintainer_password()
    if not password:
        st.info(
            "The maintainer page is switched off: set KB_MAINTAINER_PASSWORD "
            "or the `maintainer_password` secret."
        )
        return
    if not _signed_in(password):
        return
    if st.radio("Task", TASKS, horizontal=True, key="maintain_task") == TASKS[1]:
        questions_editor()
        return
    upload = st.file_uploader("Source file", type=[ext.lstrip(".") for ext in SUPPORTED])
    options = _options(ctx)
    if upload is None:
        st.caption(f"Accepted: {', '.join(SUPPORTED)}, up to {MAX_UPLOAD_BYTES // 2**20} MB.")
        return
    data = upload.getvalue()
    if len(data) > MAX_UPLOAD_BYTES:
        st.error(f"{safe_name(upload.name)}: larger than {MAX_UPLOAD_BYTES // 2**20} MB; not imported.")
        return
    with tempfile.TemporaryDirectory(prefix="kb-upload-") as folder:
        path = Path(folder) / safe_name(upload.name)
        path.write_bytes(data)
        try:
            plan = plan_import(path, options, settings().corpus_dir, display_name=upload.name)
        except KBError as exc:
            st.error(md_escape(str(exc).replace(folder + "/", "")))
            return
        _preview(plan)
        if st.button("Import and rebuild", type="primary"):
            try:
                _ingest(plan)
            except KBError as exc:
                st.error(md_escape(f"Not imported: {exc}. The index that was serving still serves."))
