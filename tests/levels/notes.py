"""What the case-note tests share: the frameworks by id and the rules-only reading of a note."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.levels.assess import LevelAssessment, assess_scenario  # noqa: E402

CP = "cambs-peterborough-2018"
BROMLEY = "bromley-2011"


def rules_only(text: str, framework: str = CP) -> LevelAssessment:
    """The note read by the phrase rules alone (no embeddings, no learned model)."""
    return assess_scenario(text, framework_id=framework, use_embeddings=False)
