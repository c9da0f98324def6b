"""A calm level-4 note where no level-4 rule fires (twelfth round, issue 18): one plain level-4
fact among warm, ordinary detail reads, as a whole, like the ordinary detail, but that sentence read
alone does not. Where both readers read one such sentence alone as level 4, and it is near a level-4
indicator, the answer is 4 (kb.levels.stack.sentence_level4). Our own notes, each against a warm
note with nothing of the kind, on the real corpus and model."""

from __future__ import annotations

from functools import partial

import pytest

from kb.levels import model as lm
from kb.levels import stack as ls
from kb.levels.anchors import ANCHOR_MODEL
from kb.levels.assess import assess_scenario, sentence_read_as_level4
from kb.levels.evidence import similarities
from kb.levels.frameworks import choose_framework
from kb.levels.text import split_sentences
from tests.levels.notes import BROMLEY

WARM = (
    "Class teacher, Tuesday. Attendance is 98% and she is on track in everything. Mum is always "
    "friendly at the gate and helped run the cake stall at the summer fair. Great week in class, full "
    "marks in spellings and a lovely poem read out in assembly. Grandma collects on Fridays and brings "
    "the dog. Sang in the choir concert and was chatty all afternoon. "
)
NOT_EATING = (
    "Ruby (6) said she has not had tea for three days because mum says bad girls don't eat, and she "
    "was taking food from the bin in the dining hall."
)
ORDINARY = "Ruby (6) said she had fish fingers for tea and is looking forward to her party on Saturday."


def _sentence_reading(text: str):
    framework = choose_framework(None, BROMLEY, None)
    sentences = split_sentences(text)
    sims = similarities(sentences, framework, None, ANCHOR_MODEL)
    return sentence_read_as_level4(lm.get_level_model(), text, sentences, framework, sims)


def test_the_level_4_sentence_of_a_warm_note_reads_as_level_4_alone() -> None:
    found = _sentence_reading(WARM + NOT_EATING + " Passed to DSL.")
    assert found is not None
    anchor, p4 = found
    assert anchor.clause == NOT_EATING and p4 >= ls.RAISE_IF_A_SENTENCE_READS
    assert anchor.indicator is not None and anchor.similarity >= 0.19


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(ORDINARY, id="an ordinary sentence"),
        pytest.param(
            "Ruby (6) has never gone without tea and mum says she eats well; no marks or worries.",
            id="negated",
        ),
        pytest.param(
            "In PSHE we talked about what neglect means and Ruby (6) asked how you would know if a "
            "friend was not being fed.",
            id="a lesson",
        ),
        pytest.param("Years ago, in 2019, " + NOT_EATING[0].lower() + NOT_EATING[1:], id="years ago"),
    ],
)
def test_no_sentence_of_a_warm_note_without_harm_reads_as_level_4(extra: str) -> None:
    assert _sentence_reading(WARM + extra + " Passed to DSL.") is None


def test_a_sentence_read_as_level_4_alone_makes_the_note_4_where_the_whole_note_would_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the whole-note raise switched off, so only the sentence read alone can make this a 4
    monkeypatch.setattr(ls, "decide", partial(ls.decide, raise_to_4_at=1.01))
    answer = assess_scenario(WARM + NOT_EATING + " Passed to DSL.", framework_id=BROMLEY)
    assert (answer.details["rules_level"] or 0) < 4
    assert answer.level == 4 and not answer.immediate_danger  # a level 4, not an emergency
    learned = answer.details["learned_model"]
    assert learned["sentence_alone_p4"] >= ls.RAISE_IF_A_SENTENCE_READS
    assert "one sentence read alone" in learned["decision"]
    level4 = [e for e in answer.evidence if e["level"] == 4]
    assert level4 and level4[0]["matched"] in NOT_EATING
    assert not any("P(level" in r for r in answer.reasons)  # the reason is in the DSL's words
    plain = assess_scenario(WARM + ORDINARY + " Passed to DSL.", framework_id=BROMLEY)
    assert plain.level == 1 and plain.details["learned_model"]["sentence_alone_p4"] is None


def test_the_sentence_reading_needs_both_readers_and_an_anchor() -> None:
    def reading(emb: float, words: float) -> lm.SecondOpinion:
        return lm.SecondOpinion((0, 0, 1 - emb, emb), emb, "", 0.5, False, (0, 0, 1 - words, words))

    both, one = reading(0.95, 0.9), reading(0.99, 0.3)
    assert ls.sentence_level4([one, both], [0.3, 0.3]) == (1, 0.9)
    assert ls.sentence_level4([one], [0.3]) is None  # the words reader does not agree
    assert ls.sentence_level4([both], [0.1]) is None  # nowhere near a level-4 indicator
