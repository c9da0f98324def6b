"""The framework's own words shown as evidence for a level: the indicator tagged with the concern
that fired and closest to the sentence that fired it (sentence embeddings against the
framework's indicators), a procedure's quote where no indicator is tagged, else the level's
own description.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kb.levels.frameworks import Framework, load_frameworks, load_topic_defaults
from kb.levels.rules import Match
from kb.levels.text import matched_phrase


def _encoder(model: str | None = None):
    from kb.config import Settings
    from kb.retrieval.encoder import get_encoder

    return get_encoder(model or Settings.from_env().model)


@lru_cache(maxsize=8)
def _indicator_matrix(framework_id: str, corpus_dir: Path | None, model: str | None = None) -> np.ndarray:
    framework = load_frameworks(corpus_dir)[framework_id]
    return _encoder(model).encode([ind.text for _, ind in framework.indicators])


def similarities(
    sentences: list[str], framework: Framework, corpus_dir: Path | None, model: str | None = None
) -> np.ndarray:
    """Cosine similarity, sentences x indicators (normalised vectors); `model` names the encoder
    (default: the search model, KB_MODEL)."""
    if not sentences or not framework.indicators:
        return np.zeros((len(sentences), len(framework.indicators)), dtype=np.float32)
    return _encoder(model).encode(sentences) @ _indicator_matrix(framework.id, corpus_dir, model).T


def evidence_for(
    match: Match,
    framework: Framework,
    sims: np.ndarray | None,
    topics_by_concern: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    """The framework indicator tagged with the concern, closest to the sentence that fired."""
    tagged = [
        (j, lv, ind) for j, (lv, ind) in enumerate(framework.indicators) if match.rule.id in ind.concerns
    ]
    if tagged:
        if sims is not None and sims.size:
            j, lv, ind = max(tagged, key=lambda t: float(sims[match.sentence_index, t[0]]))
        else:
            j, lv, ind = tagged[0]
        return {
            **ind.to_json(),
            "level": lv,
            "concern": match.rule.label,
            "matched": match.phrase or matched_phrase(match.sentence),
            "kind": "indicator",
        }
    topic = topics_by_concern.get(match.rule.id)
    if topic:
        return {
            **topic,
            "concern": match.rule.label,
            "matched": match.phrase or matched_phrase(match.sentence),
        }
    level = framework.level(match.rule.level)
    return {
        "text": level.description,
        "citation": level.description_citation.text,
        "level": level.level,
        "concern": match.rule.label,
        "matched": match.phrase or matched_phrase(match.sentence),
        "kind": "level description",
    }


def topic_evidence(corpus_dir: Path | None) -> dict[str, dict[str, Any]]:
    """Procedure quotes (topic-levels.yaml) standing in where a framework has no tagged indicator."""
    by_concern = {
        "breast-ironing": "breast ironing",
        "fgm": "female genital mutilation",
        "forced-marriage": "forced marriage",
        "honour-violence": "honour based violence",
        "gangs": "gangs",
        "exploitation": "child exploitation",
        "faith-abuse": "abuse linked to faith or belief",
        "risk-adult": "individuals who pose a risk to children",
        "trafficking": "trafficking and modern slavery",
        "radicalisation": "violent extremism",
    }
    topics = {t.topic: t for t in load_topic_defaults(corpus_dir)}
    out = {}
    for concern, name in by_concern.items():
        if name in topics:
            t = topics[name]
            out[concern] = {
                "text": t.quote.text,
                "citation": t.quote.citation.text,
                "level": max(t.levels),
                "kind": "procedure",
            }
    return out


def dedupe(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence without repeats (same text and citation), first kept."""
    seen, out = set(), []
    for e in evidence:
        key = (e["text"], e["citation"])
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
