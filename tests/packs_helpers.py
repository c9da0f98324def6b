"""Helpers for the session-pack tests: a private copy of the fixture corpus (so a test can
edit it and re-ingest) plus one long list passage that needs continuation slides."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.config import Settings

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"

LONG_DOC = """---
id: ts-missing-from-home
title: Children missing from home
collection: Testshire SCP procedures
area: cambridgeshire-peterborough
type: procedure
updated: '2020-02-01'
status: current
origin:
  file: testshire-manual.txt
  line_start: 30
  line_end: 60
---
# Children missing from home

## 3. Risk indicators

Practitioners should consider the following indicators when a child goes missing:

{items}
"""


def long_list_items() -> list[str]:
    return [
        f"- Indicator {n}: the child has been seen with older adults in location {n} late at night"
        for n in range(1, 25)
    ]


def make_corpus(root: Path) -> Path:
    """Copy the fixture corpus into `root` and add the long-list document; returns the corpus dir."""
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "testshire" / "ts-missing-from-home.md").write_text(
        LONG_DOC.format(items="\n".join(long_list_items())), encoding="utf-8"
    )
    return corpus


def build(root: Path) -> Settings:
    """Index `root`/corpus into `root`/index; packs in `root`/packs."""
    from ingest.build import build_index

    settings = Settings(
        corpus_dir=root / "corpus",
        index_dir=root / "index",
        seeds_dir=root / "corpus",
        packs_dir=root / "packs",
    )
    report = build_index(settings)
    assert not report.errors, report.errors
    return settings


def load(settings: Settings):
    from kb.retrieval.index import load_index

    return load_index(settings.index_dir)


# A scenario assessment as `kb level` returns it, so exports can be tested without the model.
ASSESSMENT = {
    "area": "cambridgeshire-peterborough",
    "framework": "testshire-2020",
    "framework_title": "Testshire threshold framework",
    "framework_status": "current",
    "level": 4,
    "label": "Specialist Needs and Safeguarding",
    "confidence": "high",
    "evidence": [
        {
            "text": "Child may have been abused or neglected",
            "citation": "Testshire threshold framework, thresholds.txt line 12",
            "level": 4,
            "matched": "Her parents are taking her abroad to marry a man she has never met.",
            "kind": "indicator",
        }
    ],
    "contacts": [{"service": "MASH", "detail": "0345 045 5203", "citation": ""}],
    "immediate_danger": False,
    "caveat": "This level is a prompt for professional judgement, not a decision.",
    "reasons": ["forced marriage: level 4"],
}
