"""Case description -> level of need, with the framework's own indicator text as evidence.

Three signals: phrase rules kept as data (kb.levels.rules over corpus/frameworks/concerns.yaml),
which name a concern and its level; sentence embeddings against the framework's indicators
(kb.levels.evidence), used to pick the indicator shown as evidence and, when no rule fires, as a
weak fallback; and a learned model (kb.levels.model, trained on labelled cases + indicators)
weighed with the rules by kb.levels.stack. Safety bias: one plausible level-4 concern makes the
answer level 4; a rules' 4 is lowered only where the learned model all but rules level 4 out, and
its indicator is still shown as a question. See docs/levels.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from kb.levels import model as level_model
from kb.levels import stack as level_stack
from kb.levels import why
from kb.levels.anchors import ANCHOR_MODEL, LEVEL4_ANCHOR_AT, Anchor, level4_anchor, nearest_indicator, usable
from kb.levels.contacts import contacts_for
from kb.levels.evidence import dedupe, evidence_for, similarities, topic_evidence
from kb.levels.frameworks import Framework, choose_framework
from kb.levels.note_context import historical, not_about_this_child
from kb.levels.rules import (
    Match,
    Rule,
    as_written,
    explains_accident,
    level4_explained_away,
    level4_sentences,
    load_rules,
    match_rules,
)
from kb.levels.text import child_age, note_phrase, split_sentences
from kb.levels.weigh import weigh_rules

MAX_SCENARIO_CHARS = 20_000  # longer descriptions are truncated (and say so), never rejected
FALLBACK_SIMILARITY = 0.55  # embedding-only answers need at least this cosine similarity
CAVEAT = (
    "This level is a prompt for professional judgement, not a decision. Discuss the case with "
    "your designated safeguarding lead, and when unsure consult the MASH / Children's Social "
    "Care. If a child is in immediate danger, call 999."
)


@dataclass
class LevelAssessment:
    """The answer to `kb level`: a canonical level with the indicators that fix it."""

    area: str
    framework: Framework
    level: int | None
    label: str
    confidence: str  # high | medium | low
    evidence: list[dict[str, Any]]
    response: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    immediate_danger: bool
    caveat: str
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    truncated: bool = False
    # how the level was worked out, for the curious and for maintainers: the rules' own level and
    # reasons, the learned model's probabilities, thresholds and its "similar to labelled cases"
    # reading (the `reasons` above are the practitioner's: indicator and the note's words)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        fw = self.framework
        about = {"framework": fw.id, "framework_title": fw.title, "framework_status": fw.status}
        about |= {"superseded": fw.superseded, "superseded_by": fw.superseded_by}
        rest = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("area", "framework")}
        return {"area": self.area, **about, **rest}


def assess_scenario(
    text: str,
    area: str | None = None,
    framework_id: str | None = None,
    *,
    corpus_dir: Path | None = None,
    use_embeddings: bool = True,
    use_model: bool = True,
) -> LevelAssessment:
    """Read a case description against a framework (by id, else the area's current one).

    Raises ValueError on an empty description or an unknown area / framework. Descriptions
    longer than MAX_SCENARIO_CHARS are truncated, and the answer says so.
    """
    if text is None or not str(text).strip():
        raise ValueError("scenario text is empty: describe the child's situation in a sentence or more")
    text = str(text)
    truncated = len(text) > MAX_SCENARIO_CHARS
    if truncated:
        text = text[:MAX_SCENARIO_CHARS]
    framework = choose_framework(area, framework_id, corpus_dir)
    rules = load_rules(corpus_dir)
    sentences = split_sentences(text) or [text.strip()]
    read = [rules.normalise(s) for s in sentences]  # what the rules see
    read_text = rules.normalise(text)
    accident = explains_accident(rules, read_text)
    matches = as_written(match_rules(read, rules.concerns, read_text, accident), sentences, read, text)
    immediate = as_written(match_rules(read, rules.immediate, read_text, accident), sentences, read, text)
    age = child_age(read_text)
    level, fixing, confidence, reasons = weigh_rules(matches, rules, read_text, read, age, accident)

    details: dict[str, Any] = {"rules_level": level, "rules": list(reasons)}
    sims = similarities(sentences, framework, corpus_dir) if use_embeddings else None
    if level is None and sims is not None and sims.size:
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        best = float(sims[i, j])
        if best >= FALLBACK_SIMILARITY:
            lv, ind = framework.indicators[j]
            level, confidence = lv, "low"
            fixing = [Match(Rule(f"similar-{j}", lv, "similar wording", ()), sentences[i], int(i))]
            details["rules"] = [
                f"no phrase rule fired; closest indicator (similarity {best:.2f}) is level {lv}"
            ]
            evidence = [
                {
                    **ind.to_json(),
                    "level": lv,
                    "similarity": round(best, 3),
                    "matched": note_phrase(sentences[i], text),
                    "kind": "indicator",
                }
            ]
        else:
            evidence = []
    else:
        topics = topic_evidence(corpus_dir)
        evidence = [e for m in fixing if (e := evidence_for(m, framework, sims, topics))]
    if immediate and level != 4:
        details["rules"].append("immediate danger described: treated as level 4")
        level, confidence = 4, "medium" if level is None else confidence
        lv4 = framework.level(4)
        evidence.append(
            {
                "text": lv4.description,
                "citation": lv4.description_citation.text,
                "level": 4,
                "concern": immediate[0].rule.label,
                "matched": immediate[0].phrase,
                "kind": "level description",
                "immediate_danger": True,
            }
        )
    consider: list[str] = []
    if use_embeddings and use_model:
        level, confidence = _learned_opinion(
            text,
            sentences,
            framework,
            level,
            confidence,
            evidence,
            details,
            consider,
            sims,
            corpus_dir,
            accident,
            matches + immediate,
        )
    if immediate and level != 4:  # lowered by the learned model: the words are kept as a question
        details["rules"].append("immediate danger words read as not this child's harm now (learned model)")
        consider[:0] = [why.consider_lowered_level4(m.rule.label, m.phrase, level, True) for m in immediate]
        immediate = []
    reasons = [why.immediate_line(m.rule.label, m.phrase) for m in immediate]
    reasons += why.why_lines(level, evidence, accident) + consider
    details["rules"].extend(f"immediate danger: {m.rule.label}" for m in immediate)

    caveat = CAVEAT
    if level is None:
        label = "no matching indicator"
        caveat = (
            "No indicator of this framework matched the description, so no level is given. "
            + CAVEAT.replace("This level is", "A level is", 1)
        )
        response = []
    else:
        lv = framework.level(level)
        label = lv.label
        response = [r.to_json() for r in lv.response]
    if framework.superseded:
        caveat += f" Note: {framework.title} is superseded by {framework.superseded_by}."
    if truncated:
        caveat += f" Only the first {MAX_SCENARIO_CHARS} characters of the description were read."
    return LevelAssessment(
        area=framework.area,
        framework=framework,
        level=level,
        label=label,
        confidence=confidence,
        evidence=dedupe([e for e in evidence if e.get("matched")]),  # evidence is what the note matched
        response=response,
        contacts=contacts_for(framework, level, bool(immediate)),
        immediate_danger=bool(immediate),
        caveat=caveat,
        reasons=reasons,
        concerns=[m.rule.id for m in matches],
        truncated=truncated,
        details=details,
    )


def _learned_opinion(
    text: str,
    sentences: list[str],
    framework: Framework,
    level: int | None,
    confidence: str,
    evidence: list[dict[str, Any]],
    details: dict[str, Any],
    consider: list[str],
    sims: np.ndarray | None,
    corpus_dir: Path | None,
    accident: bool = False,
    matched: list[Match] | None = None,
) -> tuple[int | None, str]:
    """Let the learned model, weighed with the rules by kb.levels.stack, change the level (a rules' 4
    only where the stacked P(level 4) is all but nil, its indicator kept as a "consider whether…"
    line; a 4 only with a level-4 indicator a clause matches, kb.levels.anchors). Its
    evidence is the framework's indicator of the level given nearest to a clause of the note, quoted;
    its probabilities go to `details`; an unanchored level-4 reading is a "consider whether…" line."""
    model = level_model.get_level_model(corpus_dir)
    stack = level_stack.get_stack(corpus_dir, rules_level=rules_level) if model is not None else None
    if model is None or stack is None:
        return level, confidence
    opinion = level_model.whole_readings(model, [text])[0]  # the clause most like 4 only when quoted
    explained_away = level4_explained_away(load_rules(corpus_dir), text, matched)
    p = stack.proba(level, opinion, accident)
    kept: dict[str, np.ndarray | None] = {}

    def base_sims() -> np.ndarray | None:  # the anchor and the model's evidence: the base encoder's cosines
        if "sims" not in kept:
            plain = explained_away or sims is None
            kept["sims"] = sims if plain else similarities(sentences, framework, corpus_dir, ANCHOR_MODEL)
        return kept["sims"]

    anchor = Anchor(0.0, None, "")  # read only where it can matter: a level-4 reading below a rules' 4
    if not explained_away and level != 4 and p[3] >= level_stack.RAISE_TO_4_AT:
        anchor = level4_anchor(sentences, framework, base_sims())
    lower_4_below, clause_p4, rules = level_stack.LOWER_4_BELOW, None, load_rules(corpus_dir)
    if any(m.rule.level == 4 and m.rule.id in rules.never_lowered for m in matched or []):
        lower_4_below = 0.0
    elif level == 4 and p[3] < lower_4_below:  # every sentence a level-4 rule fires on, read alone
        alone = [sentences[i] for i in level4_sentences(rules, sentences, text, accident)]
        if alone:
            readings = level_model.whole_readings(model, alone)
            clause_p4 = max(float(stack.proba(4, o, accident)[3]) for o in readings)
            if clause_p4 >= level_stack.KEEP_4_IF_A_SENTENCE_READS:
                lower_4_below = 0.0
    raised, decision = level_stack.decide(
        stack, level, opinion, accident, anchor=anchor.similarity, lower_4_below=lower_4_below
    )
    sentence_alone = None
    if level != 4 and raised != 4 and not explained_away and (raised is not None or level is not None):
        found = sentence_read_as_level4(model, text, sentences, framework, base_sims())
        if found is not None:
            anchor, sentence_alone = found
            raised = 4
            decision = (
                f"one sentence read alone: P(level 4) {sentence_alone:.2f} from both readers (the lower), "
                f">= {level_stack.RAISE_IF_A_SENTENCE_READS}, at cosine {anchor.similarity:.2f} "
                f"(>= {LEVEL4_ANCHOR_AT}) to a level-4 indicator: raised to 4"
            )
    details["learned_model"] = {
        "encoder": level_model.encoder_name(),
        "p_level": [round(float(x), 3) for x in p],
        "readers": {
            "embeddings": [round(x, 3) for x in opinion.proba],
            "words": [round(x, 3) for x in opinion.words_proba],
        },
        "raise_to_4_at": level_stack.RAISE_TO_4_AT,
        "lower_4_below": lower_4_below,
        "level4_sentences_alone_p4": None if clause_p4 is None else round(clause_p4, 3),
        "raise_if_a_sentence_reads": level_stack.RAISE_IF_A_SENTENCE_READS,
        "sentence_alone_p4": None if sentence_alone is None else round(sentence_alone, 3),
        "level4_anchor": {
            "level4_words_explained_away": explained_away,
            "similarity": round(anchor.similarity, 3) if anchor.indicator else None,
            "at": LEVEL4_ANCHOR_AT,
            "indicator": anchor.indicator.text if anchor.indicator else None,
            "clause": anchor.clause,
        },
        "similar_cases": {
            "nearest_similarity": round(opinion.similarity, 3),
            "a_level_4_among_the_nearest": opinion.near_level4,
        },
        "decision": decision or "the rules' level stands",
    }
    final = level if raised is None else raised
    reading = level_stack.level4_reading(stack, level, opinion, accident)
    if reading is not None and final != 4:
        opinion = level_model.with_level4_clause(model, opinion, text, sentences)
        clause = opinion.clause if usable(opinion.clause) else (anchor.clause or opinion.clause)
        indicator, _ = nearest_indicator(framework, 4, clause, sentences, base_sims())
        if indicator is not None:
            consider.append(why.consider_level4(indicator.text, note_phrase(clause, text), final))
    if raised == level or raised is None:
        return level, confidence
    if level is not None and raised < level:
        if level == 4:  # the level-4 words stay in view, as a question for the DSL
            consider.extend(why.lowered_level4_lines(evidence, raised))
        evidence[:] = [e for e in evidence if e.get("level") != level]  # the rules' level no longer stands
        own = [m for m in matched or [] if m.rule.level == raised]  # the note's own words at that level
        topics = topic_evidence(corpus_dir) if level == 4 and own else {}
        found = (evidence_for(m, framework, sims, topics) for m in own)
        shown = [e for e in found if e and e.get("level") == raised]
        if level == 4 and shown:
            evidence[:0] = shown
            return raised, "medium"
    if raised == 4 and anchor.indicator is not None:
        indicator, clause = anchor.indicator, anchor.clause
    else:  # the clause most like 4 is quoted only when no usable clause is nearer an indicator
        if base_sims() is None or not any(usable(s) for s in sentences):
            opinion = level_model.with_level4_clause(model, opinion, text, sentences)
        indicator, clause = nearest_indicator(framework, raised, opinion.clause, sentences, base_sims())
    if indicator is not None:
        evidence.insert(
            0,
            {
                **indicator.to_json(),
                "level": raised,
                "concern": "the note's words closest to this indicator (learned model)",
                "matched": note_phrase(clause, text),
                "kind": "indicator",
            },
        )
    return raised, "low" if level is None else "medium"


def sentence_read_as_level4(
    model: level_model.LevelModel,
    text: str,
    sentences: list[str],
    framework: Framework,
    sims: np.ndarray | None,
) -> tuple[Anchor, float] | None:
    """(the sentence and its nearest level-4 indicator, P) where one sentence of the note that may say
    something is happening to this child now reads as level 4 alone (kb.levels.stack.sentence_level4):
    not a past event, nor one the note itself rules out, teaches, or tells of someone else."""
    columns = [j for j, (lv, _) in enumerate(framework.indicators) if lv == 4]
    rows = [
        i
        for i, s in enumerate(sentences)
        if usable(s) and not historical(s) and not not_about_this_child(s, text)
    ]
    if sims is None or not sims.size or not columns or not rows:
        return None
    near = sims[np.ix_(rows, columns)].max(axis=1)
    words = model.words_proba([sentences[i] for i in rows])[:, 3]
    # only a sentence both bars can pass is read by the (slower) embeddings reader: the same answer
    at = level_stack.RAISE_IF_A_SENTENCE_READS
    rows = [i for i, a, w in zip(rows, near, words, strict=True) if a >= LEVEL4_ANCHOR_AT and w >= at]
    if not rows:
        return None
    part = sims[np.ix_(rows, columns)]
    readings = level_model.whole_readings(model, [sentences[i] for i in rows])
    found = level_stack.sentence_level4(readings, [float(x) for x in part.max(axis=1)], at)
    if found is None:
        return None
    k, p4 = found
    j = int(np.argmax(part[k]))
    return Anchor(float(part[k, j]), framework.indicators[columns[j]][1], sentences[rows[k]]), p4


def rules_level(case: level_model.Example, corpus_dir: Path | None = None) -> int | None:
    """The level today's rules give a labelled case (kb.levels.stack, a set with no first sight)."""
    return assess_scenario(
        case.text, framework_id=case.framework or None, corpus_dir=corpus_dir, use_model=False
    ).level


def prepare(corpus_dir: Path | None = None) -> int:
    """Make and keep on disk the training texts' vectors and the stack's out-of-set readings (`make
    app`); returns how many vectors had to be made (none kept: no model is loaded)."""
    made = level_model.keep_training_vectors(corpus_dir)
    if any(True for _ in level_model.training_dir(corpus_dir).glob("*.jsonl")):
        level_stack.out_of_set_rows(corpus_dir, rules_level=rules_level)
    return made
