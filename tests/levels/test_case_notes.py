"""Case notes read as a designated safeguarding lead would (issue 18): a concern counts only when the
note says it is happening, or may be, to this child now; immediate danger needs a current,
specific threat; the learned model never makes a level 4 alone; each piece of evidence quotes the
words of the note it matched; reasons are in a DSL's words, the workings in `details`.

Every case here is our own (tests/fixtures/levels/own_case_notes.jsonl and the pairs below),
written from the failure kinds of the issue, never from a blind set."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb.levels.assess import assess_scenario  # noqa: E402
from kb.levels.evaluate import fits  # noqa: E402
from kb.levels.model import SecondOpinion  # noqa: E402
from kb.levels.note_context import historical, not_about_this_child  # noqa: E402
from kb.levels.rules import level4_explained_away, load_rules  # noqa: E402
from kb.levels.stack import Stack, decide  # noqa: E402
from kb.levels.text import matched_phrase  # noqa: E402

OWN_NOTES = Path(__file__).parents[1] / "fixtures" / "levels" / "own_case_notes.jsonl"
CP = "cambs-peterborough-2018"


def rules_only(text: str):
    return assess_scenario(text, framework_id=CP, use_embeddings=False)


# (not happening to this child now, happening now): the same concern both ways
BOTH_WAYS = [
    pytest.param(
        "After our assembly on county lines, a Year 8 boy asked how you'd know if a friend was being "
        "groomed, for a leaflet he's making.",
        "A Year 8 boy has been going missing after school and is being groomed by older lads who give "
        "him cash to carry packages on county lines.",
        id="taught",
    ),
    pytest.param(
        "Ryan, 14, asked about knife crime statistics for his project.",
        "Ryan, 14, had a knife in his bag at break and said he carries it everywhere.",
        id="asked",
    ),
    pytest.param(
        "Zac, 9, says dad shouted at him. Dad has never hit him and nobody has threatened him.",
        "Zac, 9, says dad hit him with a belt on Sunday.",
        id="negated",
    ),
    pytest.param(
        "Priya, 13, was upset because a friend's cousin was sexually exploited and it was on the local news.",
        "Priya, 13, is being sexually exploited by older men who give her lifts and vodka.",
        id="someone-else",
    ),
    pytest.param(
        "Tom, 15, wrote a story in English about a boy who takes an overdose.",
        "Tom, 15, took an overdose of paracetamol on Saturday and was seen at A&E.",
        id="fiction",
    ),
    pytest.param(
        "Sophie, 16, took an overdose two years ago; CAMHS support has finished and she is doing well.",
        "Sophie, 16, took an overdose last night and is on the ward.",
        id="historical",
    ),
]


@pytest.mark.parametrize(("not_now", "now"), BOTH_WAYS)
def test_a_level_4_concern_fires_only_when_it_is_happening_to_this_child(not_now, now):
    assert rules_only(not_now).level != 4, not_now
    assert rules_only(now).level == 4, now


def test_an_injury_the_note_explains_and_a_witness_confirms_is_not_level_4():
    explained = (
        "Leo, 12, has a bruise on his cheek. The bruise is from rugby on Saturday; his coach saw the "
        "tackle and logged it."
    )
    doubted = "Leo, 12, has a bruise on his cheek. He first said he fell, then said his stepdad grabbed him."
    assert rules_only(explained).level != 4
    assert rules_only(doubted).level == 4


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("In PSHE we covered forced marriage and being taken abroad", "a topic"),
        ("He asked how you would know if a friend was being groomed", "a topic"),
        ("a friend's cousin was sexually exploited", "someone else"),
        ("She told me that her uncle touched her after the PSHE lesson", None),
        ("She asked about the morning after pill for a friend, then said it's her", None),
    ],
)
def test_what_is_not_about_this_child(sentence, why):
    found = not_about_this_child(sentence)
    assert (found is None) if why is None else (why in found)


def test_the_past_is_history_unless_the_sentence_brings_it_to_now():
    assert historical("He hit her years ago")
    assert not historical("He hit her years ago and is back living with them")
    assert not historical("He hit her last night")


IMMEDIATE = [
    (
        "Amina, 15, says her parents are taking her to Pakistan at half term to marry a man she never met.",
        True,
    ),
    (
        "In PSHE we talked about being taken abroad for a forced marriage; Amina, 15, asked about the law.",
        False,
    ),
    (
        "Amina, 15, is going to Pakistan at half term to see her grandma; she is excited about the trip.",
        False,
    ),
    ("Older boys said they will stab Ryan, 14, on the way home tonight and one showed him a knife.", True),
    ("Ryan, 14, had a knife in his bag; he says he carries it for protection.", False),
    ("Ryan, 14, asked about knife crime statistics for his project.", False),
    ("Tom, 15, has been saving his mum's tablets and plans to take them this weekend.", True),
    ("Tom, 15, took an overdose two years ago and is doing well now.", False),
    ("Tom, 15, says he has no plans to hurt himself and no thoughts of ending his life.", False),
]


@pytest.mark.parametrize(("note", "immediate"), IMMEDIATE)
def test_immediate_danger_needs_a_current_specific_threat_to_this_child(note, immediate):
    assert rules_only(note).immediate_danger is immediate, note


class FixedClassifier:
    classes_ = (1, 2, 3, 4)

    def __init__(self, *p: float) -> None:
        self.p = p

    def predict_proba(self, x):
        return [self.p] * len(x)


READING = SecondOpinion((0.25, 0.25, 0.25, 0.25), 0.25, "a clause", similarity=0.7)


@pytest.mark.parametrize("rules_level", [None, 1, 2, 3])
@pytest.mark.parametrize("p4", [0.1, 0.5, 0.99])
def test_the_learned_model_alone_never_gives_4(rules_level, p4):
    rest = (1 - p4) / 3
    level, why = decide(Stack(FixedClassifier(rest, rest, rest, p4)), rules_level, READING, anchor=0.0)
    assert level is not None and level <= 3
    assert decide(Stack(FixedClassifier(rest, rest, rest, p4)), rules_level, READING, anchor=0.9)[0] == 4


def test_level_4_words_the_note_explains_away_leave_the_model_no_level_4():
    rules = load_rules()
    assert level4_explained_away(rules, "Dad has never hit him and nobody has threatened him.")
    assert level4_explained_away(rules, "Sophie took an overdose two years ago and is doing well.")
    assert not level4_explained_away(rules, "Dad hit him with a belt on Sunday.")
    assert not level4_explained_away(rules, "He is often late and behind with reading.")  # no level-4 words


def test_a_matched_phrase_is_at_most_30_words_of_the_sentence_around_the_match():
    sentence = " ".join(f"w{i}" for i in range(60)) + " knife " + " ".join(f"v{i}" for i in range(60))
    start = sentence.index("knife")
    phrase = matched_phrase(sentence, sentence, (start, start + 5))
    assert "knife" in phrase and phrase in sentence and len(phrase.split()) <= 30


def _own_notes() -> list[dict]:
    return [json.loads(line) for line in OWN_NOTES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_piece_of_evidence_is_a_phrase_of_the_note_never_the_whole_note():
    short = "Dad hit her with a belt."  # a note of one short sentence: the phrase is still a part of it
    for text in [n["scenario"] for n in _own_notes()] + [short]:
        answer = rules_only(text)
        for e in answer.evidence:
            assert fits(e, text), e
        assert not any(re.search(r"P\(level|probabilit|\b0\.\d\d\b", r) for r in answer.reasons)


@pytest.mark.slow
def test_own_case_notes_with_the_learned_model():
    """Our own case notes (24, both ways for every failure kind): no immediate danger on a case
    labelled 1-3, no level-4 under-call, every piece of evidence a phrase of the note, reasons in a
    DSL's words and the workings in `details`."""
    notes = _own_notes()
    answers = [assess_scenario(n["scenario"], framework_id=n["framework"]) for n in notes]
    for note, answer in zip(notes, answers, strict=True):
        assert not (answer.immediate_danger and note["level"] < 4), note["id"]
        assert not (note["level"] == 4 and answer.level != 4), note["id"]
        assert all(fits(e, note["scenario"]) for e in answer.evidence), note["id"]
        assert not any(
            re.search(r"P\(level|probabilit|\b0\.\d\d\b|embeddings|mpnet", r) for r in answer.reasons
        )
        assert "rules_level" in answer.details
    correct = np.mean([a.level == n["level"] for n, a in zip(notes, answers, strict=True)])
    assert correct >= 0.85
    over = sum((a.level or 0) > n["level"] for n, a in zip(notes, answers, strict=True))
    assert over <= 0.1 * len(notes)
    phone = next(
        a for n, a in zip(notes, answers, strict=True) if n["id"] == "O09"
    )  # dialled 999 by accident
    assert phone.level != 4 and not any("under 13" in e["text"] for e in phone.evidence)
    lines = [r for a in answers for r in a.reasons]
    assert any(r.startswith("Level 4: '") and "— the note says: '" in r for r in lines)
