"""Is a question outside what the procedures cover? Judged from the best hit's fused score and
from how near the question comes to any question written for the corpus.

The score is the one `Searcher.rank` fuses (cosine + keyword + heading + best written question),
without the question-intent lift ("what are the signs my car battery is failing" earns that lift
on Self-harm > Warning signs without being about safeguarding) and without the reranker's part
(a relative reading among the candidates, not how well the best one matches).
"""

from __future__ import annotations

from kb.model import Hit

# Chosen on tests/fixtures/offtopic_tune.jsonl (50 off-topic or nonsense questions) against the
# questions of the written questions' validation split and our own retrieval sets, with the tuned
# encoder and the question index (docs/retrieval.md has the figures; offtopic_blind.jsonl was
# kept back and measured once).
WEAK_MATCH_BELOW = 0.72
# A passage without written questions (a newly imported document) lacks the question-index part
# of the score (up to 0.5), so its bar is lower: its own words must still find it.
WEAK_MATCH_WITHOUT_QUESTIONS = 0.55
# A question no written question comes near (cosine below this to all 4,383 of them) is off-topic
# too: "how do I book a GP appointment on the NHS app" scores 0.86 on a passage listing NHS
# contacts but is at most 0.42 from any question a practitioner would ask of the procedures.
# Chosen in session 8 on the tune set and the first off-topic blind set (90) against our own
# retrieval sets (266): 0.46 flagged 95.6 % of the one and 1.5 % of the other (docs/retrieval.md).
# Not applied when the best passage has no written questions yet (a newly imported document).
NO_NEAR_QUESTION_BELOW = 0.46


def relevance(hit: Hit) -> float:
    """The fused score without the intent lift and the reranker's part."""
    return hit.score - hit.scores.get("intent", 0.0) - hit.scores.get("rerank", 0.0)


def is_weak_match(hits: list[Hit], below: float = WEAK_MATCH_BELOW) -> bool:
    """True when even the best passage hardly matches: the procedures may not cover this."""
    if not hits:
        return False
    best = hits[0]
    if relevance(best) < (below if best.matched_question else min(below, WEAK_MATCH_WITHOUT_QUESTIONS)):
        return True
    nearest = best.scores.get("question_nearest")
    return bool(best.matched_question) and nearest is not None and nearest < NO_NEAR_QUESTION_BELOW
