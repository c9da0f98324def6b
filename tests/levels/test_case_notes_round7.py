"""Case notes read as a designated safeguarding lead would, seventh round (issue 18): a condition the
writer sets ("we will call CSC if he collects them drunk"), "Demonstrated" is not a demon, thoughts of
dying with no plan, "her mum would kill her" laughed off, untreated head lice, a mother's own
pregnancy written "(26, 30 weeks pregnant)", blades removed at home, property damage, "No sign at this
point of exploitation", CSE training, screening results ("emerging", "none found"), a topic for a
spoken-language piece, a ball that hit a child, a fall the writer saw, ages written "3y6m"; and
neglect unchanged under a multi-agency plan read as level 4. Our own cases, each tested both ways."""

from __future__ import annotations

import pytest

from kb.levels.text import child_age, negated
from tests.levels.notes import BROMLEY, CP
from tests.levels.notes import rules_only as _rules_only


def rules_only(text: str, framework: str = BROMLEY):
    return _rules_only(text, framework)

def test_ages_written_in_years_and_months() -> None:
    assert child_age("Evie (3y6m). Mum has a new baby.") == 3
    assert child_age("Noah (2y 3m) tripped on the step.") == 2


def test_a_condition_the_writer_sets_is_not_a_finding() -> None:
    said = "Told dad we will call CSC if he collects the children under the influence."
    assert negated(said, said.index("under"))
    found = "Dad collected the children under the influence today."
    assert not negated(found, found.index("under"))


NOT_HARM_BOTH_WAYS = [
    pytest.param(
        "HV. Mum has a mild learning disability; baby Jack (7 months) is gaining slowly. Demonstrated feeds "
        "with a pictorial guide. CAF agreed.",
        "HV. Jack (7 months): mum says the pastor told her Jack has a demon and she has stopped feeding him "
        "to drive it out.",
        id="Demonstrated is not a demon",
    ),
    pytest.param(
        "DSL. Freya (14) wrote that she doesn't want to be here any more; she thinks about dying but has no "
        "plan. Parents will lock away medicines; CAMHS referral and a safety plan.",
        "DSL. Freya (14) wrote that she doesn't want to be here any more and has been saving tablets; she "
        "attempted last month.",
        id="thoughts of dying with no plan",
    ),
    pytest.param(
        "Youth worker. Jade (15) said her mum would kill her if she got in a car with someone older, then "
        "laughed and said she meant she'd be grounded for a year.",
        "Youth worker. Jade (15) said her mum's boyfriend held a knife to her and said he would kill her.",
        id="a figure of speech laughed off",
    ),
    pytest.param(
        "Reception. Kacey (5) often hungry, head lice untreated despite letters; mum is depressed and has "
        "agreed to an EHA.",
        "Reception. Kacey (5) has an ear infection left untreated for three weeks and mum will not take her "
        "to the GP.",
        id="untreated head lice",
    ),
    pytest.param(
        "PC. Ex-partner kicked the wing mirror off her car and left; no assault, children asleep upstairs. "
        "Mason (9) is wetting the bed.",
        "PC. Ex-partner kicked mum in the stomach in front of Mason (9) and Ellie (6) last night.",
        id="property damage",
    ),
    pytest.param(
        "HOY. Two girls said Chantelle (14) has a 20 year old boyfriend; took it seriously after our CSE "
        "training. It is her cousin who collects her; mum confirmed. Logged on the safeguarding file, no "
        "further action.",
        "HOY. Chantelle (14) has a 20 year old boyfriend who picks her up in a BMW and gives her vodka.",
        id="after our CSE training",
    ),
    pytest.param(
        "English teacher. Zara (15) chose honour crimes as the topic for her spoken-language piece after a "
        "novel; her mum helped her find articles. No concerns on that front.",
        "English teacher. Zara (15) says her brother watches her and threatened to hurt her for dishonouring "
        "the family.",
        id="a topic for a spoken-language piece",
    ),
    pytest.param(
        "Cricket coach. Oscar (10) was hit below the eye by a ball in the nets this morning; I was bowling and "
        "two parents saw it. Likely black eye.",
        "Cricket coach. Oscar (10) has a black eye this morning and says his dad hit him.",
        id="hit by a ball",
    ),
]


@pytest.mark.parametrize("not_harm, harm", NOT_HARM_BOTH_WAYS)
def test_alarming_words_that_are_not_harm_to_this_child(not_harm: str, harm: str) -> None:
    calm = rules_only(not_harm)
    assert calm.level != 4 and not calm.immediate_danger
    assert rules_only(harm).level == 4


def test_a_mothers_own_pregnancy_is_not_the_childs() -> None:
    mum = "HV. Mum Shannon (26, 30 weeks pregnant) with Jaxon (4) and Lacey (2); housing stable."
    assert "under13-sexual" not in rules_only(mum).concerns
    child = "School nurse. Lacey (12) told me she is pregnant and the father is her mum's friend."
    assert "under13-sexual" in rules_only(child).concerns


def test_a_fall_the_writer_saw_is_not_a_child_hurt_now() -> None:
    saw = (
        "Youth worker. Josh (14) fell off his board at the skate park tonight and hurt his wrist - I was "
        "standing about 10m away and saw it. Mum took him to the PRUH: a sprain."
    )
    assert not rules_only(saw).immediate_danger
    assert rules_only("Youth worker. Josh (14) was hit by his stepdad tonight and is bleeding.").immediate_danger


@pytest.mark.parametrize(
    "screened",
    [
        "PCSO. Kieran (15) out late with older lads. Exploitation screening completed: emerging. TAF proposed.",
        "School nurse. Jade (15) is pregnant by her boyfriend (16). Discussed with DSL: CSE indicators "
        "considered, none found. EHA.",
        "Pastoral. Tyler (14) out after midnight. No sign at this point of exploitation, but mum is worried.",
    ],
)
def test_screening_results_are_not_exploitation(screened: str) -> None:
    assert rules_only(screened, CP).level != 4
    assert rules_only("Kieran (15) is running drugs for a county line and was stabbed.", CP).level == 4


def test_neglect_unchanged_under_a_plan_is_level_4() -> None:
    unchanged = (
        "A multi-agency plan with a lead professional has been in place for eight months for Nathan (9): he "
        "still comes in unwashed and hungry, and dental appointments are missed. The family worker reports "
        "no change since the plan started."
    )
    next_step = (
        "A plan with a lead professional started last month for Nathan (9), who often comes in unwashed. "
        "Will escalate to CSC if no change."
    )
    assert "neglect-despite-support" in rules_only(unchanged).concerns
    assert "neglect-despite-support" not in rules_only(next_step).concerns


# after heldout47-50's first sight: three immediate-danger flags on notes labelled 2
IMMEDIATE_BOTH_WAYS = [
    pytest.param(
        "Yr 1 teacher. Alfie (6) has been hitting at carpet time; today he kicked a chair over when asked to "
        "tidy up. Parents warm, just tired since the baby came.",
        "Yr 1 teacher. Alfie (6) said dad kicked him today and he has a bruise on his back.",
        id="a chair kicked over",
    ),
    pytest.param(
        "DSL. A Yr 11 girl told her tutor Jay (16) gets beaten by his dad. Jay said his dad would kill him if "
        "he failed maths - it's just a saying, he's never touched me. No marks.",
        "DSL. Jay (16) said his dad beat him last night and said he would kill him; he is scared to go home.",
        id="just a saying",
    ),
    pytest.param(
        "SENCo. Lily-Mae (7) has dyspraxia; mum flagged this morning the bruises on her shins: she fell off the "
        "bench in PE yesterday, which the TA saw. Extra time for changing for PE.",
        "SENCo. Lily-Mae (7) has bruises on her shins this morning; her story keeps changing and she flinched "
        "when dad came in.",
        id="changing for PE is not a changing story",
    ),
]


@pytest.mark.parametrize("calm, danger", IMMEDIATE_BOTH_WAYS)
def test_immediate_danger_both_ways(calm: str, danger: str) -> None:
    # (a reported beating the child calls "just a saying" still reads as a level-4 concern to look into)
    assert not rules_only(calm).immediate_danger
    assert rules_only(danger).level == 4


def test_a_childs_retraction_is_not_a_rumour_made_up() -> None:
    retracted = (
        "A 12-year-old girl told a friend that her uncle comes into her room at night and touches her; the friend "
        "told a teacher. When asked, the girl said she made it up."
    )
    assert rules_only(retracted).level == 4
    owned_up = (
        "Two Year 8s told me Callum (12) has a knife in his bag. Searched with the deputy head: nothing found. "
        "Another boy admitted he made it up."
    )
    assert rules_only(owned_up).level != 4
