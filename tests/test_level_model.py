"""The learned second opinion on scenario levels: it may only raise, and it generalises (CV)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.level_cv import leave_one_set_out  # noqa: E402
from kb.level_model import _NEGATED_CLAUSE, SecondOpinion, combine  # noqa: E402
from kb.scenario import assess_scenario  # noqa: E402

FIRST_SIGHT = Path(__file__).parent / "fixtures" / "rules_first_sight.json"


def opinion(p1: float, p2: float, p3: float, p4: float, clause_p4: float | None = None) -> SecondOpinion:
    return SecondOpinion((p1, p2, p3, p4), p4 if clause_p4 is None else clause_p4, "a clause")


def test_the_model_never_lowers_a_level_3_or_4():
    assert combine(4, opinion(0.97, 0.01, 0.01, 0.01))[0] == 4
    assert combine(3, opinion(0.9, 0.05, 0.03, 0.02))[0] == 3


def test_a_level_2_the_model_reads_as_universal_becomes_1_with_a_reason():
    level, why = combine(2, opinion(0.85, 0.1, 0.03, 0.02))
    assert level == 1 and "universal" in why
    assert combine(2, opinion(0.6, 0.3, 0.05, 0.05)) == (2, "")  # not confident: the rules stand


def test_where_no_rule_fired_a_fairly_confident_reading_gives_the_level():
    assert combine(None, opinion(0.55, 0.25, 0.1, 0.1))[0] == 1
    assert combine(None, opinion(0.35, 0.35, 0.2, 0.1))[0] is None  # no level is invented


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("No thoughts of ending her life", True),
        ("the GP found nothing physical", True),
        ("there were no marks on her", True),
        ("He has not eaten since yesterday", False),
        ("She says she wants to die", False),
    ],
)
def test_a_clause_that_only_says_what_is_absent_is_not_read_for_level_4(clause, negated):
    assert bool(_NEGATED_CLAUSE.search(clause)) is negated


def test_a_confident_level_4_reading_raises_to_4_with_a_reason():
    level, why = combine(2, opinion(0.1, 0.2, 0.1, 0.6))
    assert level == 4 and "safety bias" in why
    assert combine(1, opinion(0.6, 0.1, 0.1, 0.2, clause_p4=0.95))[0] == 4  # one alarming clause
    assert combine(2, opinion(0.3, 0.3, 0.2, 0.2)) == (2, "")  # not confident: the rules stand
    assert combine(2, opinion(0.1, 0.3, 0.25, 0.35))[0] == 4  # level 4 its most likely reading


def test_beside_universal_level_signs_only_a_plain_level_4_reading_raises_a_rules_1_or_2():
    alarming_clause = opinion(0.5, 0.1, 0.1, 0.3, clause_p4=0.95)
    most_likely_4 = opinion(0.2, 0.2, 0.2, 0.4)
    assert combine(1, alarming_clause)[0] == 4 and combine(2, most_likely_4)[0] == 4
    assert combine(1, alarming_clause, protective=True) == (1, "")
    assert combine(2, most_likely_4, protective=True) == (2, "")
    assert combine(2, opinion(0.1, 0.1, 0.05, 0.75), protective=True)[0] == 4  # plain: still raised
    assert combine(3, most_likely_4, protective=True)[0] == 4  # a rules' 3 is not gated
    assert combine(None, most_likely_4, protective=True)[0] == 4


@pytest.mark.slow
def test_a_raised_level_cites_the_frameworks_own_level_4_indicator():
    text = (
        "A 14 year old girl is picked up from school by different men in expensive cars "
        "and has two new phones."
    )
    rules_only = assess_scenario(text, framework_id="cambs-peterborough-2018", use_model=False)
    answer = assess_scenario(text, framework_id="cambs-peterborough-2018")
    assert rules_only.level != 4  # no phrase rule covers this wording ...
    assert answer.level == 4  # ... the learned model catches it
    first = answer.evidence[0]
    framework_texts = {ind.text for lv, ind in answer.framework.indicators if lv == 4}
    assert first["text"] in framework_texts and first["citation"] and first["level"] == 4
    assert any("learned model" in r for r in answer.reasons)


@pytest.mark.slow
def test_leave_one_set_out_combined_has_no_level4_under_calls():
    """Trained on three sets + indicators, tested on the fourth, with the rules' first-sight
    predictions where recorded (docs/levels.md): no level-4 under-call in any fold, and better
    than the rules alone on the sets the rules had not seen."""
    report = leave_one_set_out(FIRST_SIGHT)
    assert report["total"]["combined"]["level4_under_calls"] == 0, report
    for name, fold in report["folds"].items():
        assert fold["combined"]["level4_under_calls"] == 0, name
        if fold["rules_source"] == "first sight":
            assert fold["combined"]["accuracy"] >= fold["rules"]["accuracy"], name
    assert report["total"]["combined"]["over_call_rate"] <= 0.16  # measured 0.151 (6 folds): the price
