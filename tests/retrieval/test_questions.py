"""Questions written per passage: validated both ways, stale after an edit, used by search."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.config import PROJECT_ROOT, Settings
from kb.retrieval.questions import (
    QuestionsError,
    load_questions,
    load_questions_reporting,
    question_rows,
    read_questions_file,
    save_passage_questions,
)

FIXTURE_CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
FM = "ts-forced-marriage"
ACTIONS = "ts-forced-marriage/2-actions/1"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    return corpus


def _hash(corpus: Path, passage_id: str) -> str:
    return next(r.hash for r in question_rows(corpus) if r.passage_id == passage_id)


def _write(corpus: Path, text: str) -> Path:
    path = corpus / "testshire" / f"{FM}.questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_with_its_questions(tmp_path) -> None:
    corpus = _corpus(tmp_path)
    h = _hash(corpus, ACTIONS)
    _write(
        corpus,
        f'{ACTIONS}:\n  hash: "{h}"\n  questions:\n'
        '    - "who do I tell if she is being sent abroad to marry"\n    - "fm what to do"\n',
    )
    found = load_questions(corpus, {r.passage_id for r in question_rows(corpus)})
    assert found[ACTIONS].questions == ("who do I tell if she is being sent abroad to marry", "fm what to do")
    assert found[ACTIONS].hash == h


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('ts-forced-marriage/9-nowhere/1:\n  hash: "x"\n  questions:\n    - "a question"\n', "no passage"),
        (f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - "same"\n    - "Same"\n', "duplicate question"),
        (f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - ""\n', "question is empty"),
        (f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - [not, text]\n', "must be text"),
        (f'{ACTIONS}:\n  questions:\n    - "q"\n', "'hash'"),
        (f'{ACTIONS}:\n  hash: "x"\n  questions: "one"\n', "must be a list"),
        (
            f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - "q"\n{ACTIONS}:\n  hash: "x"\n  questions: []\n',
            "listed twice",
        ),
        (f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - "q\n', "not valid YAML"),
        ("- just\n- a list\n", "expected passage ids"),
    ],
)
def test_each_bad_kind_names_file_line_and_reason(tmp_path, body: str, reason: str) -> None:
    corpus = _corpus(tmp_path)
    path = _write(corpus, body)
    with pytest.raises(QuestionsError) as caught:
        load_questions(corpus, _passage_ids(corpus))
    message = str(caught.value)
    assert str(path) in message and reason in message
    assert " line " in message


def _passage_ids(corpus: Path) -> set[str]:
    from kb.corpus import load_corpus
    from kb.sections import passages_of

    return {p.id for d in load_corpus(corpus).documents for p in passages_of(d)}


def test_a_bad_file_loses_only_its_own_questions(tmp_path) -> None:
    corpus = _corpus(tmp_path)
    _write(corpus, f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - ""\n')
    gangs = corpus / "testshire" / "ts-gangs.questions.yaml"
    gangs.write_text(
        'ts-gangs/2-indicators/1:\n  hash: "y"\n  questions:\n    - "new trainers and a second phone"\n'
    )
    found, errors = load_questions_reporting(corpus, _passage_ids(corpus))
    assert list(found) == ["ts-gangs/2-indicators/1"]
    assert len(errors) == 1 and f"{FM}.questions.yaml" in errors[0]


def test_a_passage_edit_makes_its_questions_stale(tmp_path) -> None:
    corpus = _corpus(tmp_path)
    _write(corpus, f'{ACTIONS}:\n  hash: "{_hash(corpus, ACTIONS)}"\n  questions:\n    - "who do I tell"\n')
    assert {r.passage_id: r.state for r in question_rows(corpus)}[ACTIONS] == "ok"
    doc = corpus / "testshire" / f"{FM}.md"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "Forced Marriage Unit (FMU)", "Forced Marriage Unit (the FMU)"
        )
    )
    states = {r.passage_id: r.state for r in question_rows(corpus)}
    assert states[ACTIONS] == "stale"
    assert states["ts-gangs/1-definition/1"] == "missing"
    from kb.checks import question_findings

    assert [f.kind for f in question_findings(corpus)] == ["stale_questions"]


def test_saving_a_passages_questions_keeps_the_others_and_validates(tmp_path) -> None:
    corpus = _corpus(tmp_path)
    doc = corpus / "testshire" / f"{FM}.md"
    save_passage_questions(doc, ACTIONS, "h1", ["who do I tell", "  fm   what to do "])
    save_passage_questions(doc, "ts-forced-marriage/1-definition/1", "h2", ["what is forced marriage"])
    entries = {
        e.passage_id: e.questions for e in read_questions_file(corpus / "testshire" / f"{FM}.questions.yaml")
    }
    assert entries == {
        ACTIONS: ("who do I tell", "fm what to do"),
        "ts-forced-marriage/1-definition/1": ("what is forced marriage",),
    }
    with pytest.raises(QuestionsError):
        save_passage_questions(doc, ACTIONS, "h1", ["same", "same"])
    save_passage_questions(doc, ACTIONS, "h1", [])
    entries = {e.passage_id for e in read_questions_file(corpus / "testshire" / f"{FM}.questions.yaml")}
    assert entries == {"ts-forced-marriage/1-definition/1"}


def test_questions_lift_their_passage_and_the_match_is_reported(tmp_path) -> None:
    from ingest.build import build_index
    from kb.retrieval.search import get_searcher

    corpus = _corpus(tmp_path)
    question = "my pupil is being flown to pakistan next week to wed her cousin"
    _write(corpus, f'{ACTIONS}:\n  hash: "{_hash(corpus, ACTIONS)}"\n  questions:\n    - "{question}"\n')
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=corpus)
    report = build_index(settings)
    assert report.errors == []
    hits = get_searcher(settings).search(question, k=3)
    assert hits[0].passage.id == ACTIONS
    assert hits[0].matched_question == question
    assert hits[0].scores["questions"] > 0
    data = hits[0].to_json()
    assert data["matched_question"] == question and "questions" in data["scores"]


def test_a_bad_questions_file_is_reported_at_ingest_and_nothing_else_is_lost(tmp_path) -> None:
    from ingest.build import build_index
    from kb.retrieval.search import get_searcher

    corpus = _corpus(tmp_path)
    _write(corpus, f'{ACTIONS}:\n  hash: "x"\n  questions:\n    - ""\n')
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=corpus)
    report = build_index(settings)
    assert any(f"{FM}.questions.yaml line" in e and "empty" in e for e in report.errors)
    assert report.passages == len(_passage_ids(corpus))
    assert get_searcher(settings).search("forced marriage protection order", k=1)


def test_a_new_document_without_questions_is_found_by_its_own_words(tmp_path) -> None:
    from ingest.build import build_index
    from kb.retrieval.search import get_searcher

    corpus = _corpus(tmp_path)
    _write(corpus, f'{ACTIONS}:\n  hash: "{_hash(corpus, ACTIONS)}"\n  questions:\n    - "who do I tell"\n')
    (corpus / "testshire" / "ts-dangerous-dogs.md").write_text(
        "---\nid: ts-dangerous-dogs\ntitle: Dangerous dogs\narea: cambridgeshire-peterborough\n"
        "type: procedure\n"
        "status: current\npublished: '2024-01'\n---\n# Dangerous dogs\n\n## 1. Risk assessment\n\n"
        "Practitioners visiting a home where a large dog is kept should ask whether the dog has ever "
        "bitten anyone, where it sleeps, and whether the baby is ever left alone with it.\n",
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", seeds_dir=corpus)
    build_index(settings)
    hits = get_searcher(settings).search("is the baby ever left alone with the dog", k=1)
    assert hits[0].passage.doc_id == "ts-dangerous-dogs"
    assert hits[0].matched_question == ""


def test_kb_questions_lists_missing_and_stale_as_json(tmp_path) -> None:
    corpus = _corpus(tmp_path)
    _write(corpus, f'{ACTIONS}:\n  hash: "old"\n  questions:\n    - "who do I tell"\n')
    env = {"KB_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1", "PATH": ""}
    run = subprocess.run(
        [sys.executable, "-m", "kb.cli", "questions", "--stale", "--json"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    data = json.loads(run.stdout)
    assert [p["passage_id"] for p in data["passages"]] == [ACTIONS]
    assert data["passages"][0]["state"] == "stale" and data["passages"][0]["text"]
    run = subprocess.run(
        [sys.executable, "-m", "kb.cli", "questions", "--missing", "--json"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    assert ACTIONS not in {p["passage_id"] for p in json.loads(run.stdout)["passages"]}
    assert json.loads(run.stdout)["count"] == len(_passage_ids(corpus)) - 1
