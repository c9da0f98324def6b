"""The "Add to pack" button a passage card shows, and what it shares with the session-pack page
(kb_app/pages/packs.py): the chosen pack's session key, the store and a guarded change. It sits
below both the cards (kb_app/components.py) and that page, so neither imports the other.
"""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.packs.store import PackStore, passage_items
from kb_app.resources import searcher, settings

CURRENT = "pack_current"  # session key of the pack chosen on the session-pack page


def pack_store() -> PackStore:
    return PackStore.from_settings(settings())


def act(action, *args, done: str = "") -> None:
    """Run a store change from a button callback; show the error instead of raising."""
    try:
        action(*args)
        if done:
            st.session_state["pack_flash"] = done
    except (KBError, ValueError) as exc:
        st.session_state["pack_error"] = str(exc)


def _add_passage(pack: str, passage_id: str) -> None:
    items = passage_items(searcher().index, [passage_id])
    pack_store().add_items(pack, items)


def add_to_pack_button(passage_id: str, key: str) -> None:
    """An "Add to pack" button for any passage card: adds to the pack chosen on the session-pack
    page (nothing is drawn until one is chosen there)."""
    pack = st.session_state.get(CURRENT)
    if not pack:
        return
    st.button(
        f"Add to pack '{pack}'",
        key=key,
        icon=":material/playlist_add:",
        on_click=act,
        args=(_add_passage, pack, passage_id),
        kwargs={"done": f"Added to '{pack}'."},
    )
