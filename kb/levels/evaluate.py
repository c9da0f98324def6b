"""Scenario evaluation: exact accuracy, under/over-calls and the 4x4 confusion matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.errors import InputFileError
from kb.jsonl import read_jsonl
from kb.levels.assess import assess_scenario


def read_scenarios(path: Path) -> list[dict[str, Any]]:
    rows = read_jsonl(Path(path))
    for n, row in enumerate(rows, 1):
        if "scenario" not in row or row.get("level") not in (1, 2, 3, 4):
            raise InputFileError(f"{path}: scenario {n}: needs 'scenario' and 'level' 1-4")
    return rows


def score(pairs: list[tuple[int, int | None]]) -> dict[str, Any]:
    """Metrics for (gold, predicted) pairs; a missing prediction counts as level 0 (an under-call)."""
    confusion = [[0] * 4 for _ in range(4)]
    under = over = under4 = correct = unassessed = 0
    for gold, predicted in pairs:
        p = predicted or 0
        if predicted is None:
            unassessed += 1
        else:
            confusion[gold - 1][p - 1] += 1
        correct += p == gold
        under += p < gold
        over += p > gold
        under4 += gold == 4 and p < 4
    n = len(pairs)
    return {
        "scenarios": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "under_calls": under,
        "over_calls": over,
        "over_call_rate": round(over / n, 4) if n else 0.0,
        "level4_under_calls": under4,
        "unassessed": unassessed,
        "confusion": confusion,
    }


def fits(evidence: dict[str, Any], note: str) -> bool:
    """An evidence item fits the note: its `matched` phrase is at most 30 words, found in the note,
    and not the whole note."""
    matched = str(evidence.get("matched") or "").strip()
    return bool(matched) and len(matched.split()) <= 30 and matched in note and matched != note.strip()


def evaluate_scenarios(path: Path, *, area: str | None = None) -> dict[str, Any]:
    """Assess every scenario of a JSONL file against its own framework and score the levels."""
    rows = read_scenarios(path)
    cases, by_framework = [], {}
    for row in rows:
        result = assess_scenario(
            row["scenario"], area=row.get("area") or area, framework_id=row.get("framework")
        )
        fid = result.framework.id
        cases.append(
            {
                "id": row.get("id", ""),
                "framework": fid,
                "gold": row["level"],
                "predicted": result.level,
                "concerns": result.concerns,
                "rules_level": result.details.get("rules_level"),
                "immediate_danger": result.immediate_danger,
                "evidence_unfit": [e.get("matched") for e in result.evidence if not fits(e, row["scenario"])],
            }
        )
        by_framework.setdefault(fid, []).append((row["level"], result.level))
    report = score([(c["gold"], c["predicted"]) for c in cases])
    report["per_framework"] = {fid: score(pairs) for fid, pairs in sorted(by_framework.items())}
    report["immediate_danger_on_levels_1_3"] = sum(c["immediate_danger"] and c["gold"] < 4 for c in cases)
    report["evidence_unfit"] = sum(len(c["evidence_unfit"]) for c in cases)
    report["rules_alone"] = score([(c["gold"], c["rules_level"]) for c in cases])
    report["cases"] = cases
    return report


def format_evaluation(report: dict[str, Any]) -> str:
    """A short text report: headline figures, confusion matrix, per framework, then misses."""

    def block(title: str, r: dict[str, Any]) -> list[str]:
        lines = [
            f"{title}: {r['scenarios']} scenarios, accuracy {r['accuracy']:.2f}, "
            f"under-calls {r['under_calls']}, over-calls {r['over_calls']} "
            f"({r['over_call_rate']:.0%}), level-4 under-calls {r['level4_under_calls']}",
            "  gold\\pred    1    2    3    4",
        ]
        for g, row in enumerate(r["confusion"], 1):
            lines.append(f"  {g:>9} " + "".join(f"{x:>5}" for x in row))
        return lines

    out = block("overall", report)
    if "evidence_unfit" in report:
        out.append(
            f"  immediate danger on cases labelled 1-3: {report['immediate_danger_on_levels_1_3']}; "
            f"evidence items whose matched phrase does not fit the note: {report['evidence_unfit']}"
        )
    for fid, r in report.get("per_framework", {}).items():
        out += block(fid, r)
    misses = [c for c in report.get("cases", []) if c["predicted"] != c["gold"]]
    if misses:
        out.append("misses:")
        out += [
            f"  {c['id']} ({c['framework']}): gold {c['gold']}, predicted {c['predicted']}" for c in misses
        ]
    return "\n".join(out)
