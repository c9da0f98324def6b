"""A rules' level 4 that the note as a whole does not bear out (eleventh round, issue 18): the
learned model, weighed with the rules by kb.levels.stack, lowers it only where its stacked P(level 4)
is all but nil, and the level-4 words stay in view as a question for the DSL. Our own cases, each
against the same words happening to the child now, on the real corpus and model."""

from __future__ import annotations

import pytest

from kb.levels.assess import assess_scenario
from kb.levels.contacts import contacts_for
from tests.levels.notes import BROMLEY, CP

FILM_LESSON = (
    "Y10 citizenship, Tues. We watched the Home Office film about a girl who is about to be taken "
    "abroad to be married. Sana (15) stayed behind to ask how the Forced Marriage Unit works and said "
    "she wants to do her speech on it. Settled, happy, good attendance, lives with mum and nan."
)
HAPPENING = (
    "Y10, Tues. Sana (15) told me at break she is being taken to Pakistan next week to marry her "
    "cousin. Her dad has her passport and she is frightened; she begged me not to tell her family."
)


def test_a_lesson_about_forced_marriage_is_lowered_and_its_words_kept_as_questions() -> None:
    answer = assess_scenario(FILM_LESSON, framework_id=CP)
    assert answer.details["rules_level"] == 4  # the phrase rules read the film as happening
    assert answer.level == 1 and not answer.immediate_danger
    assert "lowered to 1" in answer.details["learned_model"]["decision"]
    assert not [e for e in answer.evidence if e["level"] == 4]
    danger = [r for r in answer.reasons if r.startswith("Check for immediate danger")]
    consider = [r for r in answer.reasons if r.startswith("Consider whether level 4 applies")]
    assert danger and "about to be taken abroad to be married" in danger[0] and "call 999" in danger[0]
    assert ".'." not in danger[0]  # a quoted sentence keeps its own full stop, not a second one
    assert consider and "level 1 rather than level 4" in consider[0]
    assert not any("P(level" in r or "0." in r for r in answer.reasons)  # no probabilities shown
    assert answer.contacts == contacts_for(answer.framework, 1, immediate=False)


def test_the_same_words_happening_to_the_child_stay_level_4_and_immediate() -> None:
    answer = assess_scenario(HAPPENING, framework_id=CP)
    assert answer.level == 4 and answer.immediate_danger
    assert answer.details["learned_model"]["decision"] == "the rules' level stands"
    assert not any(r.startswith(("Consider whether", "Check for")) for r in answer.reasons)


@pytest.mark.parametrize(
    ("lesson", "harm"),
    [
        pytest.param(
            "Class teacher, Y6. In RE we looked at exorcism in films and whether people really believe "
            "in spirits. Kofi (10) said his church prays for people who are sick. He is cheerful, well "
            "cared for and his mum is on the PTA.",
            "Class teacher, Y6. Kofi (10) said his auntie says he is a witch and that the pastor "
            "beat him to get the spirit out; he has a cut on his arm and is scared to go home.",
            id="faith-based abuse",
        ),
        pytest.param(
            "Drama club, Thurs. Year 8s rehearsing their piece where a character takes an overdose; "
            "Mia (13) plays the friend who calls the ambulance. Parents at the showcase tonight. Mia "
            "is confident, happy and doing well.",
            "Form tutor, Thurs. Mia (13) told her friend she took a packet of her mum's tablets last "
            "night and feels sick and sleepy now; she says she wanted to die.",
            id="overdose",
        ),
    ],
)
def test_a_topic_is_lowered_and_the_harm_itself_is_not(lesson: str, harm: str) -> None:
    taught = assess_scenario(lesson, framework_id=BROMLEY)
    assert taught.details["rules_level"] == 4 and taught.level < 4
    assert any(r.startswith("Consider whether level 4 applies") for r in taught.reasons)
    assert assess_scenario(harm, framework_id=BROMLEY).level == 4


WARM_VISIT = (
    "HV 6-8 week check, Tues, Orton. Baby Leo, 7 wks, with Mum (Sophie, 27) and Dad (Tom). Lovely visit - "
    "both parents warm, flat clean and tidy, bottles sterilised, Leo feeding well and gaining (75th "
    "centile). Imms booked. Gran pops in most days and Mum goes to the baby group at the Children's "
    "Centre. Good attachment, lots of eye contact and chat. EPDS 4. {injury}Plan: universal pathway, "
    "review at 12-week contact."
)


def test_a_bruised_baby_not_yet_mobile_is_never_lowered_however_warm_the_visit() -> None:
    """The procedures: "Any bruising or other soft tissue injury to a pre-crawling or pre-walking
    infant" is highly suspicious whatever the presentation (concerns.yaml `never_lowered`)."""
    injury = "Small bruise on Leo's cheek noted; he is not rolling yet. "
    bruised = assess_scenario(WARM_VISIT.format(injury=injury), framework_id=CP)
    assert bruised.level == 4  # the rest of the note reads like level 2 (P(level 4) about 0.002)
    assert bruised.details["learned_model"]["lower_4_below"] == 0.0
    plain = assess_scenario(WARM_VISIT.format(injury=""), framework_id=CP)
    assert plain.level < 4 and plain.details["learned_model"]["lower_4_below"] > 0
