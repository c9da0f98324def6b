"""Case notes read as a designated safeguarding lead would, fifth round (issue 18): findings that rule
a concern out ("no intelligence he is in a gang", "no links to gangs", "no talk of weapons"), a rumour
traced to a joke, a friend's story, a child's creative writing, searches for coursework, a screening
still to be done, videos seen on a phone, a kitten's scratches, a closed MARAC, a drugs charge called
"possession", a birthmark recorded at birth, a small centile drop, a witnessed sports injury; and the
child's age read from "Lily M (12)" but not from "Review 4 weeks". Every case is our own, each tested
both ways; none is a labelled or blind case."""

from __future__ import annotations

import pytest

from kb.levels.note_context import historical, note_all_clear
from kb.levels.text import child_age, negated
from tests.levels.notes import BROMLEY, rules_only


@pytest.mark.parametrize(
    "sentence, word",
    [
        ("Police have no intelligence linking him to a gang", "gang"),
        ("no intelligence he is dealing or in a gang", "gang"),
        ("No links to older peers or gangs", "gangs"),
        ("no talk of plans or weapons", "weapons"),
    ],
)
def test_a_finding_that_rules_it_out_covers_its_clause(sentence: str, word: str) -> None:
    assert negated(sentence, sentence.index(word))
    assert not negated("Police intelligence links him to a gang", len("Police intelligence links him to a "))


def test_years_ago_in_figures_is_history() -> None:
    assert historical("One police call-out for a domestic argument 3 yrs ago, nothing since.")
    assert not historical("Police were called to a domestic argument last night.")


def test_the_age_of_a_named_child_with_an_initial_and_not_of_a_review() -> None:
    assert child_age("Thurs - Lily M (12), Yr 8. Burn on her wrist. Review 4 weeks.") == 12
    assert child_age("Plan: weekly check-ins. Review 4 weeks.") is None
    assert child_age("Mason, 4 months, brought in by mum.") == 0


@pytest.mark.parametrize(
    "sentence, verdict",
    [
        ("No concerns, just a keen kid.", True),
        ("No concerns about Amina - recording only because of the subject matter.", True),
        ("No concerns - but she is scared.", False),
    ],
)
def test_a_verdict_with_a_short_tail(sentence: str, verdict: bool) -> None:
    assert note_all_clear(sentence) is verdict


NOT_HARM_BOTH_WAYS = [
    # (not harm to this child, harm to this child), level 4 only the second
    pytest.param(
        "Media teacher. IT monitoring flagged that Josh (15) searched 'county lines drug runner how much paid'. "
        "His GCSE coursework is a documentary on county lines; I approved his plan in September.",
        "Media teacher. IT monitoring flagged that Josh (15) searched 'county lines drug runner how much paid'. "
        "He has a second phone and cash he can't explain and has been missing overnight twice.",
        id="searches for coursework",
    ),
    pytest.param(
        "Y6. Sophie's (11) story for the writing assessment describes a girl whose dad hit her so hard she "
        "fell; she says it came from a soap on TV and showed me her planning sheet.",
        "Y6. Sophie (11) told me her dad hit her so hard last night that she fell against the radiator.",
        id="a story for a writing assessment",
    ),
    pytest.param(
        "School nurse. Chloe (14) is sexually active with her boyfriend (15); attendance 84%. I will complete "
        "the exploitation screening tool and we review in four weeks.",
        "School nurse. Chloe (14) says a man of 24 picks her up from school, gives her vodka and has asked her "
        "to carry packages to Peterborough for him.",
        id="a screening still to be done",
    ),
    pytest.param(
        "HoY. Kacper (13) told me his friend from football (another school) is talking to a 20-year-old man "
        "on Snapchat who sends him money; passed to our DSL. Kacper is not involved.",
        "HoY. Kacper (13) told me a 20-year-old man on Snapchat sends him money and has asked to meet him "
        "alone and for pictures of himself.",
        id="a friend's story",
    ),
    pytest.param(
        "HoY log. Two Year 8s told me Callum (12) has a knife in his bag. Searched with the deputy head: no "
        "knife found, nothing of concern. Another boy admitted he made it up.",
        "HoY log. Callum (12) showed two Year 8s a knife in his bag at break and said he would use it on "
        "the boys who chased him.",
        id="a rumour traced and made up",
    ),
    pytest.param(
        "DSL. Zara (10) saw horrible videos of people fighting on her older cousin's phone at a party; "
        "nobody has asked her for pictures. Mum has put controls on her tablet.",
        "DSL. Zara (10) said dad was fighting mum in the kitchen last night and hit her against the door.",
        id="videos seen on a phone",
    ),
    pytest.param(
        "School nurse. Thin scratches on Amelia's (13) hands: she showed me videos of her new kitten "
        "attacking her sleeve, and mum confirmed they got the kitten three weeks ago.",
        "School nurse. Amelia (13) said her stepdad was attacking her mum again last night and she hid "
        "in her room.",
        id="a kitten's scratches",
    ),
    pytest.param(
        "Outreach. Mum fled DV six months ago with Kayla (7); the father doesn't know the address, MARAC "
        "closed, risk now medium. They live in one room of a B&B.",
        "Outreach. Kayla (7) and mum were discussed at MARAC last week: the father found their address and "
        "threatened mum with a knife.",
        id="a MARAC case closed",
    ),
    pytest.param(
        "Inclusion lead. Kieran (14) smokes cannabis daily; police triage last month for possession. Mum "
        "can't stop him going out late.",
        "Inclusion lead. Kieran (14) says his uncle's church says he is possessed by a demon and they "
        "starve him to drive it out.",
        id="a drugs charge called possession",
    ),
    pytest.param(
        "HV 6-8 week contact. Kofi (7 wks): flat blue-grey marks over his lower back, recorded in the red book "
        "at the newborn examination as congenital dermal melanocytosis; unchanged.",
        "HV 6-8 week contact. Kofi (7 wks): a new blue bruise on his cheek and another on his ear; mum is not "
        "sure how they happened.",
        id="a birthmark recorded at birth",
    ),
]


@pytest.mark.parametrize("not_harm, harm", NOT_HARM_BOTH_WAYS)
def test_alarming_words_that_are_not_harm_to_this_child(not_harm: str, harm: str) -> None:
    assert rules_only(not_harm, BROMLEY).level != 4
    assert rules_only(harm, BROMLEY).level == 4


def test_a_small_centile_drop_is_not_serious_neglect() -> None:
    small = "HV. Baby Oscar (6 months): weight has dropped from the 50th to the 25th centile; feeding plan."
    large = "HV. Baby Oscar (6 months): weight has dropped from the 50th to the 2nd centile; feeding plan."
    assert "neglect-serious" not in rules_only(small, BROMLEY).concerns
    assert "neglect-serious" in rules_only(large, BROMLEY).concerns


EXPLAINED = [
    pytest.param(
        "Coach's note. Ethan (12) has a black eye: he top-edged a pull shot into his face at our U13 match on "
        "Saturday. I and two parents saw it; Dad took him to be checked. He wants to bat again.",
        "Coach's note. Ethan (12) has a black eye again, the third this term; he won't say how.",
        id="a witnessed cricket injury",
    ),
    pytest.param(
        "Head of Y10. Josh (15) has a black eye: he took a knee to the face in Saturday's rugby match. I emailed "
        "the club coach, who replied that he saw it happen. Consistent with what Josh said.",
        "Head of Y10. Josh (15) has a black eye and a split lip; he said his stepdad did it on Saturday.",
        id="a rugby injury the coach saw",
    ),
]


@pytest.mark.parametrize("explained, not_explained", EXPLAINED)
def test_a_witnessed_sports_injury_is_not_level_4(explained: str, not_explained: str) -> None:
    calm = rules_only(explained, BROMLEY)
    assert calm.level != 4 and not calm.immediate_danger
    assert rules_only(not_explained, BROMLEY).level == 4
