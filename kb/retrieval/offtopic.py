"""Is a question outside what the procedures cover? Judged from the best hit's fused score.

The score is the one `Searcher.rank` fuses (cosine + keyword + heading + best written question),
without the question-intent lift: "what are the signs my car battery is failing" earns that lift
on Self-harm > Warning signs without being about safeguarding.
"""

from __future__ import annotations

from kb.model import Hit

# Chosen on tests/fixtures/offtopic_tune.jsonl (50 off-topic or nonsense questions) against the
# questions of the written questions' validation split and our own retrieval sets, with the tuned
# encoder and the question index (docs/retrieval.md has the figures; offtopic_blind.jsonl was
# kept back and measured once).
WEAK_MATCH_BELOW = 0.72


def relevance(hit: Hit) -> float:
    return hit.score - hit.scores.get("intent", 0.0)


def is_weak_match(hits: list[Hit], below: float = WEAK_MATCH_BELOW) -> bool:
    """True when even the best passage hardly matches: the procedures may not cover this."""
    return bool(hits) and relevance(hits[0]) < below
