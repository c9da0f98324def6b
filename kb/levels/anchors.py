"""Where in a note the learned model's level-4 reading comes from: the framework's level-4 indicator
that a clause of the note says most nearly, and that clause.

The learned readers never make a level 4 alone (kb.levels.stack): a stacked level-4 reading counts
only when a clause of the note that may say something is happening to this child (not a bare
negation, not a topic taught or asked about, not someone else's story) is as close to one of the
framework's own level-4 indicators as LEVEL4_ANCHOR_AT. Otherwise the reading becomes a "consider
whether…" note quoting the nearest level-4 indicator. The cosine is the evidence encoder's
(kb.levels.evidence: sentences x indicators), which the assessment computes anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.config import BASE_MODEL
from kb.levels import model as lm
from kb.levels.frameworks import Framework, Indicator, frameworks_dir
from kb.levels.note_context import not_about_this_child
from kb.levels.rules import fires, level4_explained_away, load_rules

# The encoder the anchor's cosine is read with: the packaged base MiniLM, whatever KB_MODEL the search
# uses (the bar below was chosen on its cosines; a fine-tuned search model reads them lower).
ANCHOR_MODEL = BASE_MODEL
# Cosine of a clause to a level-4 indicator from which a stacked level-4 reading stands. Chosen by
# leave-one-set-out over the labelled sets (docs/levels.md, issue 18).
LEVEL4_ANCHOR_AT = 0.19


@dataclass(frozen=True)
class Anchor:
    """The level-4 indicator nearest to a clause of the note that may say it is happening."""

    similarity: float
    indicator: Indicator | None
    clause: str


@lru_cache(maxsize=4096)
def usable(clause: str) -> bool:
    """Whether a clause may say a concern is happening to this child: not a bare negation, a topic
    taught or asked about, something said of someone else, or only a protective sign ("the children
    are well cared for", which reads close to level-4 indicators about carers)."""
    if not clause.strip() or lm.negated_clause(clause) or not_about_this_child(clause):
        return False
    return not _only_protective(clause)


def _only_protective(clause: str) -> bool:
    rules = load_rules()
    read = rules.normalise(clause)
    said = [r for r in rules.concerns if fires(r, read, read, None)]
    return bool(said) and all(r.level == 1 for r in said)


def level4_anchor(sentences: list[str], framework: Framework, sims: np.ndarray | None) -> Anchor:
    """The best (clause, level-4 indicator) pair of the note; `sims` is sentences x the framework's
    indicators (kb.levels.evidence.similarities)."""
    if sims is None or not sims.size:
        return Anchor(0.0, None, "")
    columns = [j for j, (lv, _) in enumerate(framework.indicators) if lv == 4]
    rows = [i for i, s in enumerate(sentences) if usable(s)]
    if not columns or not rows:
        return Anchor(0.0, None, "")
    part = sims[np.ix_(rows, columns)]
    i, j = np.unravel_index(int(np.argmax(part)), part.shape)
    return Anchor(float(part[i, j]), framework.indicators[columns[j]][1], sentences[rows[i]])


def nearest_indicator(
    framework: Framework, level: int, clause: str, sentences: list[str], sims: np.ndarray | None
):
    """(indicator, clause): the framework's level-`level` indicator nearest to a usable clause of the
    note (the evidence encoder's cosine), else to `clause`."""
    columns = [j for j, (lv, _) in enumerate(framework.indicators) if lv == level]
    rows = [i for i, s in enumerate(sentences) if usable(s)]
    if not columns:
        return None, clause
    if sims is None or not sims.size or not rows:
        return framework.indicators[columns[0]][1], clause
    part = sims[np.ix_(rows, columns)]
    i, j = np.unravel_index(int(np.argmax(part)), part.shape)
    return framework.indicators[columns[j]][1], sentences[rows[i]]


def case_anchors(cases: list[lm.Example], corpus_dir: Path | None = None) -> list[float]:
    """The level-4 anchor cosine of each labelled case, 0 where the note explains its level-4 words
    away (for cross-validation), kept on disk in KB_MODEL_CACHE: computed from training texts only,
    never a practitioner's note."""
    import hashlib

    from kb.levels.evidence import similarities
    from kb.levels.frameworks import choose_framework
    from kb.levels.text import split_sentences
    from kb.model_store import model_cache_dir

    h = hashlib.sha1(f"anchors-4|{ANCHOR_MODEL}".encode())
    h.update((frameworks_dir(corpus_dir) / "concerns.yaml").read_bytes())  # the rules read the notes
    for e in cases:
        h.update(f"{e.framework}|{e.text}\n".encode())
    path = model_cache_dir() / f"level-anchors-{h.hexdigest()[:16]}.npy"
    try:
        kept = np.load(path)
        if len(kept) == len(cases):
            return [float(x) for x in kept]
    except (OSError, ValueError):
        pass
    out = []
    rules = load_rules(corpus_dir)
    for e in cases:
        fw = choose_framework(None, e.framework or None, corpus_dir)
        sentences = split_sentences(e.text) or [e.text]
        if level4_explained_away(rules, e.text):
            out.append(0.0)
        else:
            sims = similarities(sentences, fw, corpus_dir, ANCHOR_MODEL)
            out.append(level4_anchor(sentences, fw, sims).similarity)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.array(out))
    except OSError:
        pass
    return out
