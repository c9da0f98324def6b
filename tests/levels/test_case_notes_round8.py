"""Case notes read as a designated safeguarding lead would, eighth round (issue 18): a parent's
relapse brings a past illness to now ("stopped depot 2 months ago - relapse"), and delusions written
as "windows covered in foil" or "they listen through the phones". Our own cases, both ways."""

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
