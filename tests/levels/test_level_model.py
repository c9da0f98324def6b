"""The learned readers and the stack that weighs them with the rules: a rules' 4 is lowered only
where the stacked P(level 4) is all but nil, and the whole generalises to sets it was not trained on (leave-one-set-out)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.levels.assess import assess_scenario  # noqa: E402
from kb.levels.cv import leave_one_set_out  # noqa: E402
from kb.levels.model import _NEGATED_CLAUSE, SecondOpinion  # noqa: E402
from kb.levels.stack import Stack, decide, features  # noqa: E402

# Level-4 cases no fold catches (leave-one-set-out, 24 sets, 1081 cases), named so that any other
# one fails the CV test. heldout18's H1807: a mother's new partner "on some register" who must tell
# the police where he lives; a first-sight rule gap the rules catch since (the CV scores the rules'
# first-sight answer, which stays). (The session-5 policy, before the stack, missed ten: H531, H724,
# H831, H838, H922, H946, H1004, H1121, H1531, H1807; the stack without the words reader three.)
# heldout25's H2523 (a baby's torn frenulum, issue 18), missed at first sight, is caught since the
# eighth round: the rules now read the injury, so the note's level-4 words are no longer "explained
# away" and the learned model's 4 stands on its level-4 anchor (the CV still scores the first sight).
# Level-4 cases the first-sight rules missed and the learned model does not raise on its own in
# leave-one-set-out. H1630 (a father convicted of a terrorism offence back in the home; first-sight
# rules 3) sits at the bar: missed with 42 sets (P 0.06), caught with 44 (P 0.14); docs/levels.md.
# Tenth session (72 sets, 3,481 cases): H1807 is caught out of set; heldout67's H6708 is missed — a
# 9-year-old with loop-shaped marks who says "dad did it with the charger wire", written calmly among
# warm detail: no first-sight rule fired (the rules read it since) and the readers, reading the whole
# note, did not raise it. Eleventh session (86 sets, 4,181 cases): none is missed out of set; H6708
# is caught once the readers have the later calm level-4 sets (heldout71, 72, 75, 79, 80).
KNOWN_LEVEL4_GAPS: dict[str, list[str]] = {}


class FixedClassifier:
    """Stands in for the stack's fitted classifier: always the same P(level 1-4)."""

    classes_ = (1, 2, 3, 4)

    def __init__(self, *p: float) -> None:
        self.p = p

    def predict_proba(self, x):
        return [self.p] * len(x)


def stack(*p: float) -> Stack:
    return Stack(FixedClassifier(*p))


READING = SecondOpinion((0.25, 0.25, 0.25, 0.25), 0.25, "a clause", similarity=0.7)
OFF_TOPIC = SecondOpinion((0.6, 0.2, 0.1, 0.1), 0.1, "a clause", similarity=0.19)


def test_a_rules_level_4_stands_unless_the_stacked_level_4_reading_is_all_but_nil():
    assert decide(stack(0.97, 0.01, 0.01, 0.01), 4, READING) == (4, "")  # at the bar: stands
    assert decide(stack(0.01, 0.97, 0.01, 0.01), 4, READING) == (4, "")
    assert decide(stack(0.7, 0.2, 0.05, 0.05), 4, READING) == (4, "")
    level, why = decide(stack(0.9, 0.09, 0.005, 0.005), 4, READING)
    assert level == 1 and "lowered to 1" in why
    assert decide(stack(0.2, 0.1, 0.695, 0.005), 4, READING)[0] == 3
    assert decide(stack(0.9, 0.09, 0.005, 0.005), 4, READING, lower_4_below=0.0) == (4, "")


def test_a_stacked_level_4_reading_at_the_bar_raises_to_4_with_a_reason():
    level, why = decide(stack(0.5, 0.3, 0.1, 0.1), 2, READING, anchor=0.5)
    assert level == 4 and "safety bias" in why and "raised to 4" in why
    assert (
        decide(stack(0.5, 0.3, 0.13, 0.07), 2, READING, anchor=0.5)[0] == 1
    )  # under the bar (RAISE_TO_4_AT 0.075): most likely of 1-3
    assert decide(stack(0.5, 0.3, 0.13, 0.07), 2, READING, raise_to_4_at=0.05, anchor=0.5)[0] == 4
    # ... and only with a level-4 indicator a clause of the note matches (kb.levels.anchors)
    assert decide(stack(0.5, 0.3, 0.1, 0.1), 2, READING, anchor=0.0)[0] == 1


def test_otherwise_the_most_likely_of_levels_1_to_3_with_the_direction_said():
    level, why = decide(stack(0.1, 0.7, 0.15, 0.05), 3, READING)
    assert level == 2 and "lowered to 2" in why
    level, why = decide(stack(0.1, 0.2, 0.65, 0.05), 1, READING)
    assert level == 3 and "raised to 3" in why
    assert decide(stack(0.1, 0.2, 0.65, 0.05), 3, READING) == (3, "")  # the rules' level stands


def test_where_no_rule_fired_a_level_needs_a_fairly_confident_reading():
    level, why = decide(stack(0.55, 0.25, 0.15, 0.05), None, READING)
    assert level == 1 and why.startswith("no rule fired")
    assert decide(stack(0.35, 0.35, 0.25, 0.05), None, READING) == (None, "")  # no level is invented


def test_where_no_rule_fired_text_unlike_any_labelled_case_gets_no_level():
    assert decide(stack(0.9, 0.05, 0.03, 0.02), None, OFF_TOPIC) == (None, "")
    assert decide(stack(0.05, 0.1, 0.8, 0.05), 2, OFF_TOPIC)[0] == 3  # a rule fired: the text is on topic


def test_the_stack_reads_the_rules_level_the_model_and_the_accident_flag():
    x = features(3, READING, True)
    assert x[4 + 3] == 1 and x[4:9].sum() == 1  # the rules' level, one-hot (none, 1-4)
    assert x[9] == 1.0 and x[10] == 0.7  # explained accident; similarity
    assert features(None, READING, False)[4] == 1
    words = SecondOpinion((0.25,) * 4, 0.25, "a clause", words_proba=(0.1, 0.2, 0.3, 0.4))
    assert list(features(2, words, False)[-4:]) == pytest.approx(
        np.log(np.array([0.1, 0.2, 0.3, 0.4]) + 1e-4)
    )


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
    assert "raised to 4" in answer.details["learned_model"]["decision"]
    assert first["matched"] in text and first["matched"] != text


@pytest.mark.slow
def test_todays_rules_read_the_known_level4_gaps():
    from kb.levels.assess import rules_level
    from kb.levels.model import case_examples

    # the gaps named now, and those once named (each caught out of set since)
    named = KNOWN_LEVEL4_GAPS | {"heldout18": ["H1807"], "heldout25": ["H2523"], "heldout67": ["H6708"]}
    gaps = {i for ids in named.values() for i in ids}
    found = {e.id: rules_level(e, None) for e in case_examples(None, list(named)) if e.id in gaps}
    assert found == {i: 4 for i in gaps}


def test_leave_one_set_out_combined_has_no_level4_under_calls():
    """The model trained on the other sets + indicators, the stack on the other sets' out-of-set
    rows, with the rules' first-sight predictions where recorded (docs/levels.md): no level-4
    under-call but the named ones, and better than the rules alone on the sets the rules had not
    seen."""
    report = leave_one_set_out()
    for name, fold in report["folds"].items():
        assert fold["level4_missed"] == KNOWN_LEVEL4_GAPS.get(name, []), name
        if fold["rules_source"] == "first sight":
            assert fold["combined"]["accuracy"] >= fold["rules"]["accuracy"], name
    total = report["total"]["combined"]
    assert total["level4_under_calls"] == sum(map(len, KNOWN_LEVEL4_GAPS.values()))
    # measured 0.116 (24 folds); 0.123 (30 folds) once the case-note sets joined (heldout26 alone 30 %)
    # 0.125 (42 folds), 0.117 (52 folds, session 9); 0.030 (72 folds) once a rules' 4 the whole note
    # does not bear out is lowered (session 10); 0.027 (86 folds, session 11)
    assert total["over_call_rate"] <= 0.06
    assert (
        total["accuracy"] >= 0.93
    )  # measured 0.96 (0.962 on 86 folds) (0.87 in session 9; the session-5 policy 0.77)


@pytest.mark.parametrize(
    ("clause", "only_absence"),
    [
        ("No thoughts of ending her life", True),
        ("There were no marks", True),
        ("the GP found nothing physical", True),
        ("No one believes her when she says her uncle comes into her room", False),
        ("Never allowed out of her room", False),
        ("No food in the flat", False),
        ("Dad hit him with a belt, no marks visible", False),
    ],
)
def test_only_clauses_that_say_what_is_absent_are_left_out_of_the_level_4_check(
    clause: str, only_absence: bool
) -> None:
    from kb.levels.model import _NEGATED_CLAUSE

    assert bool(_NEGATED_CLAUSE.search(clause)) is only_absence


@pytest.mark.slow
def test_a_case_description_is_never_written_to_the_vector_store():
    import hashlib

    import numpy as np

    from kb.levels import model as lm

    text = "A 9 year old in class 4C told me her uncle Zebedee shouts at her every night (marker 7f3a)."
    assess_scenario(text, framework_id="cambs-peterborough-2018")
    with np.load(lm._store_path(lm.encoder_name())) as data:
        keys = set(data["keys"].tolist())
    assert len(keys) > 300  # the training texts and indicators are kept
    assert hashlib.sha1(text.encode("utf-8")).hexdigest() not in keys


@pytest.mark.slow
def test_prepare_keeps_every_training_text_so_a_second_run_makes_none():
    from kb import levels as lm

    lm.prepare()
    assert lm.prepare() == 0


def test_the_out_of_set_readings_kept_on_disk_read_back_as_made(tmp_path, monkeypatch):
    from kb.levels.model import Example
    from kb.levels.stack import Row, _load, _save

    monkeypatch.setenv("KB_MODEL_CACHE", str(tmp_path))
    cases = [Example("text a", 2, "s1", "case", "A1"), Example("text b", 4, "s2", "case", "B1")]
    rows = [
        Row(
            "s1",
            "A1",
            2,
            None,
            SecondOpinion((0.1, 0.6, 0.2, 0.1), 0.1, "text a", 0.8, False, (0.2, 0.5, 0.2, 0.1)),
            False,
        ),
        Row(
            "s2",
            "B1",
            4,
            4,
            SecondOpinion((0.0, 0.1, 0.2, 0.7), 0.7, "text b", 0.9, True, (0.1, 0.1, 0.1, 0.7)),
            True,
        ),
    ]
    _save("k" * 40, rows)
    assert _load("k" * 40, cases) == rows
    assert _load("k" * 40, cases[:1]) is None  # not the same cases: made again
    assert _load("j" * 40, cases) is None
