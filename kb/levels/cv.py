"""Leave-one-set-out cross-validation of scenario -> level: rules, learned model, combined.

Each labelled set (corpus/frameworks/training/*.jsonl) is held out in turn. The learned model
is trained on the other sets plus every framework indicator and reads it; the stack
(kb.levels.stack) is fitted on the other sets' out-of-set rows and decides. The rules were tuned
on every set, so their current score says nothing about unseen cases: where we kept the rules'
first-sight predictions (the level each case got the first time its set was run, before any rule
was changed for it; training/rules_first_sight.json), those are what is scored and combined.
By default the other sets' rows were read by models that had the held-out set in training (one
fit per set, ~20 s); `--nested` reads them without it (one fit per pair of sets, ~6 min) and also
chooses the stack's raise-to-4 bar inside each fold, so the figure includes that choice.
Run: `python -m kb.levels.cv [--nested]` (`python -m kb.level_cv` is the old name).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kb.levels import model as lm
from kb.levels import stack as ls
from kb.levels.anchors import case_anchors
from kb.levels.assess import rules_level
from kb.levels.evaluate import score

RAISE_TO_4_GRID = (0.08, 0.1, 0.12, 0.15, 0.2, 0.25)  # searched by --nested


def leave_one_set_out(corpus_dir: Path | None = None, *, nested: bool = False) -> dict[str, Any]:
    """Per held-out set: scores of the rules (first sight where recorded, else current), the
    learned model alone, and the combination kb.levels.assess uses; plus the totals over the folds."""
    rows = ls.out_of_set_rows(corpus_dir, rules_level=rules_level)
    anchor = row_anchors(corpus_dir)
    first_sight = ls.first_sight_levels(corpus_dir)
    sets = sorted({r.set for r in rows})
    folds: dict[str, Any] = {}
    totals: dict[str, list[tuple[int, int | None]]] = {"rules": [], "learned": [], "combined": []}
    for held in sets:
        test = [r for r in rows if r.set == held]
        train = (
            ls.out_of_set_rows(corpus_dir, frozenset({held}), rules_level=rules_level)
            if nested
            else [r for r in rows if r.set != held]
        )
        stack = ls.fit_stack(train)
        bar = choose_raise_to_4(train, anchor) if nested else ls.RAISE_TO_4_AT
        pairs = {
            "rules": [(r.gold, r.rule_level) for r in test],
            "learned": [(r.gold, _most_likely(r)) for r in test],
            "combined": [
                (
                    r.gold,
                    ls.decide(stack, r.rule_level, r.opinion, r.explained_accident, bar, anchor[r.set, r.id])[
                        0
                    ],
                )
                for r in test
            ],
        }
        folds[held] = {
            "rules_source": "first sight" if held in first_sight else "current rules (tuned on this set)",
            **{k: _brief(score(v)) for k, v in pairs.items()},
            "level4_missed": [
                r.id
                for r, (_, p) in zip(test, pairs["combined"], strict=True)
                if r.gold == 4 and (p or 0) < 4
            ],
        }
        if nested:
            folds[held]["raise_to_4_at"] = bar
        for k, v in pairs.items():
            totals[k].extend(v)
    return {"folds": folds, "total": {k: _brief(score(v)) for k, v in totals.items()}}


def row_anchors(corpus_dir: Path | None = None) -> dict[tuple[str, str], float]:
    """(set, case id) -> the case's level-4 anchor cosine (kb.levels.anchors)."""
    cases = lm.case_examples(corpus_dir)
    return {(e.source, e.id): a for e, a in zip(cases, case_anchors(cases, corpus_dir), strict=True)}


def choose_raise_to_4(rows: list[ls.Row], anchor: dict[tuple[str, str], float]) -> float:
    """The grid value with the fewest level-4 under-calls, then errors, then over-calls, scored by
    leave-one-set-out over `rows` (ties: the first)."""
    sets = sorted({r.set for r in rows})
    stacks = {s: ls.fit_stack([r for r in rows if r.set != s]) for s in sets}

    def cost(bar: float) -> tuple[int, int, int]:
        pairs = [
            (
                r.gold,
                ls.decide(
                    stacks[r.set], r.rule_level, r.opinion, r.explained_accident, bar, anchor[r.set, r.id]
                )[0],
            )
            for r in rows
        ]
        m = score(pairs)
        return m["level4_under_calls"], m["under_calls"] + m["over_calls"], m["over_calls"]

    return min(RAISE_TO_4_GRID, key=cost)


def _most_likely(row: ls.Row) -> int:
    return max(range(1, 5), key=lambda lv: row.opinion.proba[lv - 1])


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("scenarios", "accuracy", "under_calls", "over_calls", "over_call_rate", "level4_under_calls")
    return {k: r[k] for k in keys}


def format_cv(report: dict[str, Any]) -> str:
    lines = ["fold        method    n   acc  under  over  L4-under   (rules: source)"]
    rows = [*report["folds"].items(), ("TOTAL", report["total"])]
    for name, fold in rows:
        for method in ("rules", "learned", "combined"):
            r = fold[method]
            note = ""
            if method == "rules" and "rules_source" in fold:
                note = f"   ({fold['rules_source']})"
            elif method == "combined" and fold.get("level4_missed"):
                note = f"   missed: {' '.join(fold['level4_missed'])}"
            if method == "combined" and "raise_to_4_at" in fold:
                note += f"   raise_to_4_at {fold['raise_to_4_at']}"
            lines.append(
                f"{name:<11} {method:<9}{r['scenarios']:>3}  {r['accuracy']:.2f}  {r['under_calls']:>5}"
                f"  {r['over_calls']:>4}  {r['level4_under_calls']:>8}{note}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    import json

    result = leave_one_set_out(nested="--nested" in sys.argv[1:])
    print(format_cv(result))
    print(json.dumps(result["total"]))
