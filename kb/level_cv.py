"""Leave-one-set-out cross-validation of scenario -> level: rules, learned model, combined.

Each labelled set (corpus/frameworks/training/*.jsonl) is held out in turn; the model is
trained on the other sets plus every framework indicator and scored on it. The rules were
tuned on all four sets, so their current score says nothing about unseen cases: where we
kept the rules' first-sight predictions (the level each case got the first time its set was
run, before any rule was changed for it; tests/fixtures/rules_first_sight.json), those are
what the combination is scored on. Run: `python -m kb.level_cv [FIRST_SIGHT_JSON]`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kb import level_model as lm
from kb.level_eval import score
from kb.scenario import assess_scenario, split_sentences

DEFAULT_FIRST_SIGHT = Path(__file__).resolve().parent.parent / "tests/fixtures/rules_first_sight.json"


def leave_one_set_out(first_sight: Path | None = None, corpus_dir: Path | None = None) -> dict[str, Any]:
    """Per held-out set: scores of rules (first sight when recorded, else current), the learned
    model alone, and the combination kb.scenario uses; plus the totals over the folds."""
    recorded: dict[str, dict[str, int | None]] = {}
    if first_sight is not None and first_sight.is_file():
        recorded = json.loads(first_sight.read_text(encoding="utf-8"))["predicted"]
    cases = lm.case_examples(corpus_dir)
    indicators = lm.indicator_examples(corpus_dir)
    frameworks = _frameworks_by_id(corpus_dir)
    folds: dict[str, Any] = {}
    totals: dict[str, list[tuple[int, int | None]]] = {"rules": [], "learned": [], "combined": []}
    for held in sorted({e.source for e in cases}):
        train = [e for e in cases if e.source != held] + indicators
        model = lm.fit(train)
        test = [e for e in cases if e.source == held]
        pairs: dict[str, list[tuple[int, int | None]]] = {"rules": [], "learned": [], "combined": []}
        for e in test:
            if held in recorded:
                rule_level = recorded[held][e.id]
            else:
                rule_level = assess_scenario(
                    e.text, framework_id=frameworks.get(e.id), corpus_dir=corpus_dir, use_model=False
                ).level
            opinion = lm.second_opinion(model, e.text, split_sentences(e.text))
            pairs["rules"].append((e.level, rule_level))
            pairs["learned"].append((e.level, max(range(1, 5), key=lambda lv: opinion.proba[lv - 1])))
            pairs["combined"].append((e.level, lm.combine(rule_level, opinion)[0]))
        folds[held] = {
            "rules_source": "first sight" if held in recorded else "current rules (tuned on this set)",
            **{k: _brief(score(v)) for k, v in pairs.items()},
        }
        for k, v in pairs.items():
            totals[k].extend(v)
    return {"folds": folds, "total": {k: _brief(score(v)) for k, v in totals.items()}}


def _frameworks_by_id(corpus_dir: Path | None) -> dict[str, str]:
    out = {}
    for path in sorted(lm.training_dir(corpus_dir).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[row.get("id", "")] = row.get("framework")
    return out


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("scenarios", "accuracy", "under_calls", "over_calls", "over_call_rate", "level4_under_calls")
    return {k: r[k] for k in keys}


def format_cv(report: dict[str, Any]) -> str:
    lines = ["fold        method    n   acc  under  over  L4-under   (rules: source)"]
    rows = [*report["folds"].items(), ("TOTAL", report["total"])]
    for name, fold in rows:
        for method in ("rules", "learned", "combined"):
            r = fold[method]
            lines.append(
                f"{name:<11} {method:<9}{r['scenarios']:>3}  {r['accuracy']:.2f}  {r['under_calls']:>5}"
                f"  {r['over_calls']:>4}  {r['level4_under_calls']:>8}"
                + (f"   ({fold['rules_source']})" if method == "rules" and "rules_source" in fold else "")
            )
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FIRST_SIGHT
    result = leave_one_set_out(path)
    print(format_cv(result))
    print(json.dumps(result["total"]))
