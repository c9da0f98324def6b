"""Retrieval evaluation by the rules of ../shared/eval/README.md: hit@k and MRR@10 per method."""

from __future__ import annotations

from kb.retrieval.offtopic import is_weak_match
from kb.retrieval.search import Searcher
from kb.text import normalise

METHODS = ("keyword", "dense", "kb")
CUTOFFS = (1, 3, 5, 10)


def answers(text: str, snippets: list[str]) -> bool:
    """A passage answers a question if its text contains any snippet after normalisation."""
    haystack = normalise(text)
    return any(normalise(s) in haystack for s in snippets if s.strip())


def first_answer_rank(searcher: Searcher, question: dict, method: str, k: int = 10) -> int | None:
    hits = searcher.search(question["question"], k=k, method=method)
    for hit in hits:
        if answers(hit.passage.text, question["snippets"]):
            return hit.rank
    return None


def weak_flags(searcher: Searcher, questions: list[dict]) -> list[str]:
    """Ids of the questions the answer would flag as a weak match (off-topic)."""
    return [
        q.get("id", q["question"][:40])
        for q in questions
        if is_weak_match(searcher.search(q["question"], k=1))
    ]


def evaluate_offtopic(searcher: Searcher, questions: list[dict]) -> dict:
    """{"offtopic": N, "flagged": n, "flagged_share": n / N, "not_flagged": [ids]}."""
    flagged = set(weak_flags(searcher, questions))
    missed = [
        q.get("id", q["question"][:40]) for q in questions if q.get("id", q["question"][:40]) not in flagged
    ]
    n = max(len(questions), 1)
    return {
        "offtopic": len(questions),
        "flagged": len(flagged),
        "flagged_share": round(len(flagged) / n, 4),
        "not_flagged": missed,
    }


def score_ranks(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    scores = {f"hit@{c}": sum(1 for r in ranks if r is not None and r <= c) / n for c in CUTOFFS}
    scores["mrr@10"] = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    return {key: round(value, 4) for key, value in scores.items()}


def evaluate_questions(searcher: Searcher, questions: list[dict], methods: tuple[str, ...] = METHODS) -> dict:
    """{"questions": N, "methods": {method: {hit@1…, mrr@10}}, "misses": {method: [ids]}}."""
    result: dict = {"questions": len(questions), "methods": {}, "misses": {}}
    for method in methods:
        ranks = [first_answer_rank(searcher, q, method) for q in questions]
        result["methods"][method] = score_ranks(ranks)
        result["misses"][method] = [
            q.get("id", q["question"][:40])
            for q, r in zip(questions, ranks, strict=True)
            if r is None or r > 5
        ]
    result["weak_flagged"] = weak_flags(searcher, questions)  # real questions flagged by mistake
    return result


def format_table(result: dict) -> str:
    columns = [f"hit@{c}" for c in CUTOFFS] + ["mrr@10"]
    lines = [f"{result['questions']} questions", f"{'method':<10}" + "".join(f"{c:>9}" for c in columns)]
    for method, scores in result["methods"].items():
        lines.append(f"{method:<10}" + "".join(f"{scores[c]:>9.3f}" for c in columns))
    if "weak_flagged" in result:
        lines.append(f"flagged as weak matches by mistake: {len(result['weak_flagged'])}")
    return "\n".join(lines)
