"""Search, citations, filters and the CLI's JSON contract on the tiny fixture corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kb.retrieval.fusion import reciprocal_rank
from kb.retrieval.glossary import expand_query
from kb.retrieval.search import Filters

RESULT_KEYS = {
    "rank",
    "score",
    "passage_id",
    "doc_id",
    "document",
    "area",
    "status",
    "heading_path",
    "section",
    "citation",
    "source",
    "line_start",
    "line_end",
    "origin",
    "text",
}


def test_reciprocal_rank_rewards_agreement() -> None:
    fused = reciprocal_rank([[1, 2, 3], [2, 1, 4]], k=60)
    assert max(fused, key=fused.get) in (1, 2)
    assert fused[2] > fused[3] and fused[1] > fused[4]


def test_acronyms_expand_and_ordinary_words_do_not() -> None:
    assert "Forced Marriage Unit" in expand_query("how do I reach the fmu")
    assert "Female Genital Mutilation" in expand_query("signs of FGM")
    assert expand_query("how can we prevent this") == ""


def test_question_returns_its_procedure_first_with_citation(fixture_searcher) -> None:
    (first, *_) = fixture_searcher.search("girl about to be taken abroad to be married", k=3)
    assert first.passage.doc_id == "ts-forced-marriage"
    assert first.citation == "Testshire SCP procedures, Forced marriage, 2. Actions"


def test_superseded_results_are_flagged_in_citation(fixture_searcher) -> None:
    hits = fixture_searcher.search("significant harm level 4 referral", k=5)
    old = [h for h in hits if h.document.id == "ts-old-thresholds"]
    assert old and "SUPERSEDED" in old[0].citation and old[0].to_json()["status"] == "superseded"


def test_filters_keep_only_matching_documents(fixture_searcher) -> None:
    hits = fixture_searcher.search("referral", k=10, filters=Filters(status="current"))
    assert hits and all(h.document.status == "current" for h in hits)
    hits = fixture_searcher.search("referral", k=10, filters=Filters(area="bromley"))
    assert hits and all(h.document.area == "bromley" for h in hits)


def test_image_descriptions_are_not_searchable(fixture_searcher) -> None:
    assert fixture_searcher.search("hoodies car park", k=5, method="keyword") == []


def test_kb_search_json_has_the_contract_shape_and_text_is_the_source_lines(fixture_settings) -> None:
    env = {
        **os.environ,
        "KB_INDEX_DIR": str(fixture_settings.index_dir),
        "KB_CORPUS_DIR": str(fixture_settings.corpus_dir),
    }
    out = subprocess.run(
        [sys.executable, "-m", "kb.cli", "search", "forced marriage unit", "-k", "2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    data = json.loads(out)
    assert data["query"] == "forced marriage unit" and len(data["results"]) == 2
    from kb.config import PROJECT_ROOT

    for result in data["results"]:
        assert RESULT_KEYS <= result.keys()
        lines = (PROJECT_ROOT / result["source"]).read_text(encoding="utf-8").split("\n")
        expected = "\n".join(x.rstrip() for x in lines[result["line_start"] - 1 : result["line_end"]])
        assert result["text"] == expected.strip("\n")
        assert set(result["origin"]) == {"file", "line_start", "line_end"}


def test_kb_search_batch_prints_one_json_object_per_question(fixture_settings, tmp_path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        '{"question": "gang indicators"}\nforced marriage protection order\n\n', encoding="utf-8"
    )
    env = {**os.environ, "KB_INDEX_DIR": str(fixture_settings.index_dir)}
    out = (
        subprocess.run(
            [sys.executable, "-m", "kb.cli", "search", "--batch", str(batch), "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        .stdout.strip()
        .split("\n")
    )
    assert [json.loads(line)["query"] for line in out] == [
        "gang indicators",
        "forced marriage protection order",
    ]


def test_kb_show_prints_the_passage_in_its_section(fixture_settings) -> None:
    env = {**os.environ, "KB_INDEX_DIR": str(fixture_settings.index_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "kb.cli", "show", "ts-forced-marriage/2-1-protection-orders/1"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "Forced marriage, 2.1 Protection orders" in out and "> A Forced Marriage Protection Order" in out
    missing = subprocess.run(
        [sys.executable, "-m", "kb.cli", "show", "no/such/1"], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 1 and "no passage with id 'no/such/1'" in missing.stderr


def test_off_topic_question_is_flagged_as_a_weak_match(fixture_searcher) -> None:
    from kb.answer import answer

    assert answer(fixture_searcher, "banana spaceship recipe", k=3).to_json()["weak_match"] is True
    assert answer(fixture_searcher, "forced marriage protection order", k=3).weak_match is False


def test_everyday_words_bring_the_procedures_words() -> None:
    from kb.retrieval.glossary import expand_query, spell_out

    assert "forced marriage" in expand_query("her dad wants her married off")
    assert "self-harm" in spell_out("my pupil is cutting herself")
    assert expand_query("the weather is nice") == ""
