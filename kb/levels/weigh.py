"""The rules' level of a case: the phrase rules that matched (kb.levels.rules), weighed per level
with the safety bias. The learned model's say on it comes after (kb.levels.stack, assess)."""

from __future__ import annotations

from kb.levels.rules import Match, RuleSet, fires


def weigh_rules(
    matches: list[Match],
    rules: RuleSet,
    text: str,
    sentences: list[str],
    age: int | None,
    accident: bool = False,
) -> tuple[int | None, list[Match], str, list[str]]:
    """(level, the matches that fix it, confidence, reasons): the evidence weighed per level.

    Any level-4 concern -> 4 (safety bias). A level-3 concern -> 3; so does co-ordinated
    multi-agency support beside another need, or level-2 needs adding up to
    `multiple_needs_at` across two or more domains. A real level-2 need -> 2. Passing
    worries (`weak_needs`) alone -> 1 unless several stand together, unresolved and not
    outweighed by protective signals. Only universal signals, or a single explained accident and
    nothing else (`accident`) -> 1."""
    by_level: dict[int, list[Match]] = {}
    for m in matches:
        by_level.setdefault(m.rule.level, []).append(m)
    if by_level.get(4):
        ms = by_level[4]
        return 4, ms, "high", [f"level-4 concern: {m.rule.label}" for m in ms]
    needs2 = [m for m in by_level.get(2, []) if m.rule.id not in rules.not_counted_as_needs]
    level3 = [m for m in by_level.get(3, []) if not m.rule.requires_other_need]
    coordination = [m for m in by_level.get(3, []) if m.rule.requires_other_need]
    if level3:
        ms = level3 + coordination
        confidence = "high" if len(ms) > 1 else "medium"
        return 3, ms, confidence, [f"level-3 concern: {m.rule.label}" for m in ms]
    if coordination and needs2:
        return (
            3,
            coordination + needs2,
            "medium",
            [f"level-3: {coordination[0].rule.label}, beside " + ", ".join(m.rule.label for m in needs2)],
        )
    weight = sum(rules.weight(m.rule.id) for m in needs2)
    domains = {rules.domain(m.rule.id) for m in needs2}
    if weight >= rules.multiple_needs_at and len(domains) >= 2:
        multiple = [r for r in rules.concerns if r.id == "multiple-needs"]
        lead = [Match(multiple[0], needs2[0].sentence, needs2[0].sentence_index)] if multiple else []
        return (
            3,
            lead + needs2,
            "medium",
            [
                f"{len(needs2)} additional needs together across {len(domains)} domains "
                f"(weight {weight:g} >= {rules.multiple_needs_at:g}): "
                + ", ".join(m.rule.label for m in needs2)
            ],
        )
    strong = [m for m in needs2 if m.rule.id not in rules.weak_needs]
    if strong:
        confidence = "high" if len(needs2) > 1 else "medium"
        return 2, needs2, confidence, [f"level-2 need: {m.rule.label}" for m in needs2]
    universal = by_level.get(1, [])
    if needs2:
        wellbeing = universal[0].rule if universal else None
        protective = sum(1 for s in sentences if wellbeing and fires(wellbeing, s, text, age))
        resolved = any(p.search(text) for p in rules.resolved)
        if len(needs2) >= 2 and not resolved and protective < len(needs2):
            return (
                2,
                needs2,
                "low",
                ["several passing needs together, unresolved: " + ", ".join(m.rule.label for m in needs2)],
            )
        why = "resolved" if resolved else f"outweighed by {protective} protective signal(s)"
        if len(needs2) < 2 and not resolved and not protective:
            why = "a single passing worry"
        return (
            1,
            universal or [],
            "low",
            [
                f"only minor needs ({', '.join(m.rule.label for m in needs2)}), {why}: "
                "universal services meet them"
            ],
        )
    if universal:
        return 1, universal, "medium", ["only universal-level indicators (needs being met)"]
    if accident:
        return 1, [], "low", ["a single injury explained as a confirmed accident, nothing else of concern"]
    return None, [], "low", []
