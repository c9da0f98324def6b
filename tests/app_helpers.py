"""Shared by tests/app/test_app.py and tests/app/test_browser.py: corpora and environments for the app.

The real-corpus index comes from conftest's session fixture `real_settings` (built once per
test session into a temporary KB_INDEX_DIR); these helpers add a small hostile corpus and the
environment variables that point the app at an index.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kb.config import PROJECT_ROOT, Settings

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FRAMEWORKS = PROJECT_ROOT / "corpus" / "frameworks"
APP = PROJECT_ROOT / "app.py"

HOSTILE_DOC = """\
---
id: ts-hostile-markup
title: Unsafe <b>markup</b> test
collection: Testshire SCP procedures
area: cambridgeshire-peterborough
type: procedure
status: current
origin:
  file: testshire-manual.txt
  line_start: 1
  line_end: 10
---
# Unsafe <b>markup</b> test

## 1. Scripted text

A passage about quarantined widgets <script>window.kbPwned = 1</script> and more words so the
passage is long enough to be a passage about quarantined widgets and their handling.

<img src="x" onerror="window.kbPwned = 2">

<!-- image: A slide showing <script>alert(1)</script> quarantined widgets -->

Quarantined widgets must be reported the same day.
"""


def hostile_corpus(root: Path) -> Path:
    """The fixture corpus plus a document whose text carries <script>, <img onerror> and an
    image comment, and the real frameworks (so the emergency line has the area's numbers)."""
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "testshire" / "ts-hostile-markup.md").write_text(HOSTILE_DOC, encoding="utf-8")
    if FRAMEWORKS.is_dir():
        shutil.copytree(FRAMEWORKS, corpus / "frameworks")
    return corpus


def app_env(settings: Settings) -> dict[str, str]:
    """Environment for an app process (or an in-process AppTest) serving `settings`."""
    return {
        **os.environ,
        "KB_CORPUS_DIR": str(settings.corpus_dir),
        "KB_INDEX_DIR": str(settings.index_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
