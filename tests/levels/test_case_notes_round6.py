"""Case notes read as a designated safeguarding lead would, sixth round (issue 18): a glue gun, a parent
removing the blades, "asked about suicide: no plan", a drama piece, a hyphenated verdict ("No
honour-based abuse concern."), the lads' rumour about a plastic knife, a screening with "no current
indicators", a standard-risk DASH after the partner moved out, judo grip bruises, a service named in
"shared … for info"; and young children found alone at home read as level 4. Every case is our own,
each tested both ways; none is a labelled or blind case."""

from __future__ import annotations

import pytest

from kb.levels.note_context import note_all_clear
from tests.levels.notes import BROMLEY, rules_only


def test_a_hyphenated_verdict() -> None:
    assert note_all_clear("Spoke to Priya. No honour-based abuse concern.")
    assert not note_all_clear("Spoke to Priya. No honour-based abuse concern, but she is frightened.")


NOT_HARM_BOTH_WAYS = [
    pytest.param(
        "Y4 teacher. Leo (8) has a small burn from the hot glue gun in DT yesterday; I was there, first aid "
        "straight away, mum phoned. Mum had surgery and Leo has been late four times.",
        "Y4 teacher. Leo (8) said his mum's boyfriend keeps a gun under the bed and pointed it at him.",
        id="a glue gun",
    ),
    pytest.param(
        "School nurse. Freya (14) cuts her arm with a sharpener blade; asked directly about suicide she said "
        "no plan. Mum will remove blades from the house. CAMHS referral and a safety plan.",
        "School nurse. Freya (14) said she has a suicide plan for the weekend and has been saving tablets.",
        id="asked about suicide: no plan; a parent removing blades",
    ),
    pytest.param(
        "Drama teacher. Priya's (15) GCSE drama piece about a girl killed by her brother for dishonouring "
        "the family is powerful; it is based on a documentary from RE. Both parents have read the script.",
        "Drama teacher. Priya (15) told me her brother said he would kill her for dishonouring the family "
        "because she has a boyfriend.",
        id="a drama piece",
    ),
    pytest.param(
        "Coach's note. Two of the lads told me Tyrese (13) is in a gang and carries a blade. Dad showed me "
        "the video they made with a plastic knife from a pirate set. No further action.",
        "Coach's note. Tyrese (13) showed two of the lads a blade in his bag and said the older boys he runs "
        "for gave it to him.",
        id="the lads' rumour about a plastic knife",
    ),
    pytest.param(
        "Youth worker. Reece (14) hangs around with older lads. Did the exploitation screening with my "
        "manager: no current indicators, keep under review. EHA agreed.",
        "Youth worker. Reece (14) is running drugs to Wisbech for older lads and came back with a new "
        "phone and a cut hand.",
        id="a screening with no current indicators",
    ),
    pytest.param(
        "HV. Mum disclosed her partner pushed her once in December; he moved back to his mum's two weeks ago "
        "and only visits by arrangement. DASH completed: standard risk. Leah (4) is wetting again.",
        "HV. Mum disclosed her partner pushed her against the wall last week in front of Leah (4); he still "
        "lives with them.",
        id="standard risk after the partner moved out",
    ),
    pytest.param(
        "Class teacher. Bruises on Finley's (9) upper arms: a judo competition on Saturday; the coach "
        "confirmed the grip bruising is normal. He is being called names by Y6 boys.",
        "Class teacher. Finger-shaped bruises on Finley's (9) upper arms; he says he doesn't know how.",
        id="judo grip bruises",
    ),
    pytest.param(
        "Youth worker. Reece (14) smells of cannabis and is out late; attendance 79%. Shared with the "
        "exploitation lead for info. EHA with mum agreed.",
        "Youth worker. Reece (14) is being exploited by a county line and has been missing for three days.",
        id="a service named in a record of who was told",
    ),
]


@pytest.mark.parametrize("not_harm, harm", NOT_HARM_BOTH_WAYS)
def test_alarming_words_that_are_not_harm_to_this_child(not_harm: str, harm: str) -> None:
    assert rules_only(not_harm).level != 4
    assert rules_only(harm).level == 4


@pytest.mark.parametrize(
    "alone, not_alone",
    [
        (
            "PC attended 23:40: found Kiera (4) and Tommy (18 months) alone, Tommy in a soaked nappy; mum "
            "returned at 00:40 smelling of alcohol.",
            "Lunch supervisor: found Kiera (6) sitting alone in the playground at break; she had fallen out "
            "with a friend.",
        ),
        (
            "Social worker. Alfie (9) says he looks after Poppy (2) while mum walks round town at night.",
            "Social worker. Alfie (9) likes to help mum look after Poppy (2) at bath time.",
        ),
    ],
)
def test_young_children_left_alone_both_ways(alone: str, not_alone: str) -> None:
    assert "left-alone-young" in rules_only(alone, BROMLEY).concerns
    assert "left-alone-young" not in rules_only(not_alone, BROMLEY).concerns
