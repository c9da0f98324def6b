"""Case notes read as a designated safeguarding lead would, eighth round (issue 18): a parent's
relapse brings a past illness to now ("stopped depot 2 months ago - relapse"); delusions written as
"windows covered in foil", "they listen through the phones", "putting something in the water", "he's
not really mine" or "the TV is sending messages"; FGM as being made "a proper girl" that will hurt;
and a bruised baby not yet mobile is never lowered, however warm the visit. Our own cases, both
ways."""

from __future__ import annotations

import pytest

from tests.levels.notes import CP
from tests.levels.notes import rules_only as _rules_only


def rules_only(text: str):
    return _rules_only(text, CP)


BOTH_WAYS = [
    pytest.param(
        "GP visit. Ms Tara B (38), bipolar with psychotic episodes, stopped her lithium 3 months ago - "
        "relapse. Lives alone with Noah (6).",
        "GP visit. Ms Tara B (38), bipolar with a psychotic episode 3 years ago, well since on lithium. "
        "Lives with Noah (6), who is thriving at school.",
        id="a relapse is now, an episode years ago is history",
    ),
    pytest.param(
        "HV visit. Flat dark, windows covered in foil; dad says the neighbours are out to get the baby.",
        "HV visit. Flat bright and tidy; dad has put up new curtains in the baby's room.",
        id="windows covered in foil",
    ),
    pytest.param(
        "HV. Mum calm and warm, but says the neighbours are putting something in the water to harm "
        "baby Amir, and 'sometimes I think he's not really mine'.",
        "HV. Mum calm and warm; asked whether to put something in the water bottle to help Amir's "
        "colic, and says he is really settling now.",
        id="putting something in the water, not really mine",
    ),
    pytest.param(
        "HV. Mum (3 weeks postnatal) hasn't slept and is saying baby Lucas \"isn't ours, they swapped him\".",
        "HV. Mum (3 weeks postnatal) laughed that baby Lucas isn't ours at night, he is so loud, and "
        "asked about sleep.",
        id="isn't ours, they swapped him",
    ),
    pytest.param(
        "GP. Dad stopped his meds; says the TV is sending him messages about Leo (5).",
        "GP. Dad says the TV at the school gate app keeps sending him reminders about Leo (5).",
        id="the TV is sending messages",
    ),
    pytest.param(
        "School nurse. Kayla (10) says mum won't let her use the phone because 'they listen through "
        "the phones' and mum keeps the curtains shut all day.",
        "School nurse. Kayla (10) and her mum came to the online-safety evening; mum asked whether "
        "apps can listen through the phones and what settings to use.",
        id="they listen through the phones",
    ),
]


@pytest.mark.parametrize(("happening", "not_happening"), BOTH_WAYS)
def test_a_parents_delusions_now_are_level_4_and_history_or_a_question_is_not(
    happening: str, not_happening: str
) -> None:
    assert "parent-delusions" in rules_only(happening).concerns
    assert "parent-delusions" not in rules_only(not_happening).concerns


def test_the_writers_own_nothing_worrying_is_an_all_clear_only_as_a_sentence_of_its_own() -> None:
    said = (
        "Y6 RE lesson on weddings. Hafsa (10) said 'I am going to Pakistan to get married in the "
        "holidays'. Mum showed me the invitation: it is her cousin's wedding and Hafsa is a flower girl."
    )
    assert rules_only(said + " Nothing worrying.").level < 4
    assert rules_only(said + " Nothing worrying at school, but she cried when she said it.").level == 4


def test_being_made_a_proper_girl_that_will_hurt_is_fgm_and_cooking_lessons_are_not() -> None:
    said = (
        "Y5. Amina (9) said grandma is going to 'make her a proper girl' like her cousins, and that it "
        "will 'hurt a bit but you get presents'."
    )
    assert "fgm" in rules_only(said).concerns
    party = (
        "Y5. Amina (9) said nan's cooking lessons will make her a proper girl like her cousins; she is "
        "excited."
    )
    assert "fgm" not in rules_only(party).concerns


@pytest.mark.parametrize(
    ("marks", "play"),
    [
        (
            "Kacper (9): marks on his thighs; he said dad did it with the charger wire.",
            "Kacper (9) made a bracelet with the craft wire in art and tripped over a charger wire.",
        ),
        (
            "Kacper (9) has three curved marks on the backs of his thighs, reddish-purple, loop shaped.",
            "Kacper (9) made loop shaped pasta necklaces in art.",
        ),
    ],
)
def test_a_beating_with_an_object_and_loop_shaped_marks_are_physical_abuse(marks: str, play: str) -> None:
    assert "physical-abuse" in rules_only(marks).concerns
    assert "physical-abuse" not in rules_only(play).concerns


@pytest.mark.parametrize(
    "ordinary",
    [
        "His key worker left and they replaced her with an agency worker.",
        "Mrs K said they swapped him into the other reading group.",
        "Stepdad said he's not really my son but I love him.",
        "Mum said they put something in his milk at the hospital for his reflux.",
        "An older man she met on the computer keeps sending her messages.",
        "The neighbours listen through the walls and complain when the baby cries.",
    ],
)
def test_ordinary_words_that_look_like_a_delusion_are_not_one(ordinary: str) -> None:
    assert "parent-delusions" not in rules_only(ordinary).concerns


def test_every_sentence_a_level_4_rule_fires_on_is_found_not_only_each_rules_first() -> None:
    from kb.levels.rules import level4_sentences, load_rules
    from kb.levels.text import split_sentences

    note = (
        "Maya (8) is settled and happy. Dad hit her with a belt last night, she said. "
        "She showed me the marks and said dad hit her with a belt again this morning."
    )
    sentences = split_sentences(note)
    assert level4_sentences(load_rules(), sentences, note) == [1, 2]
