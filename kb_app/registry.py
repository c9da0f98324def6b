"""The page registry: which pages the navigation shows, in order.

Built-in pages live in `kb_app/pages/`. Pages owned by other features are optional modules
that appear in the navigation as soon as they exist, with no edit here beyond this table:
a module `kb_app.pages.<slug>` defining `TITLE: str` and `render(ctx: PageContext) -> None`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

BUILT_IN = ("ask", "browse", "levels", "glossary", "contacts", "amendments")
# Slots kept for other features: session packs for trainers (issue 7), re-ingest and what
# changed for maintainers (issue 6).
OPTIONAL = ("packs", "maintain", "changes")


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    render: Callable[..., None]


def _page(module: ModuleType, slug: str) -> Page:
    return Page(slug, str(getattr(module, "TITLE", slug.title())), module.render)


def _optional(slug: str) -> Page | None:
    name = f"kb_app.pages.{slug}"
    if importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    if not getattr(module, "available", lambda: True)():  # e.g. maintain: only with a password set
        return None
    return _page(module, slug) if callable(getattr(module, "render", None)) else None


def pages() -> list[Page]:
    """Built-in pages first, then whichever optional pages are installed."""
    found = [_page(importlib.import_module(f"kb_app.pages.{slug}"), slug) for slug in BUILT_IN]
    found.extend(page for slug in OPTIONAL if (page := _optional(slug)) is not None)
    return found
