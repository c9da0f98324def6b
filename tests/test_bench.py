"""`kb bench` runs end to end on the fixture corpus and reports every measurement (no timing asserts)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.bench import EDIT_MARK, chapter_to_edit, edit_chapter, format_table, summary_ms
from kb.cli import main

os.environ.setdefault("HF_HUB_OFFLINE", "1")
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def test_latency_summary_reports_percentiles_in_milliseconds():
    summary = summary_ms([0.001] * 98 + [0.010, 0.020])
    assert summary["n"] == 100
    assert summary["p50"] == pytest.approx(1.0)
    assert summary["p95"] == pytest.approx(1.0)
    assert 1.0 < summary["p99"] <= 20.0
    assert summary_ms([])["n"] == 0


def test_the_edited_chapter_is_a_real_corpus_file_and_gains_one_paragraph(tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    chapter = chapter_to_edit(corpus)
    before = chapter.read_text(encoding="utf-8")
    edit_chapter(chapter)
    after = chapter.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    assert after.rstrip().endswith(EDIT_MARK)


@pytest.mark.slow
def test_kb_bench_on_the_fixture_corpus_writes_every_measurement(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KB_CORPUS_DIR", str(FIXTURE_CORPUS))
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "untouched-index"))
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"question": "forced marriage mediation"}) + "\n" + "gang exploitation referral\n",
        encoding="utf-8",
    )
    out = tmp_path / "bench" / "results.json"
    code = main(
        [
            "bench",
            "--json",
            "--out",
            str(out),
            "--questions",
            str(questions),
            "--rounds",
            "1",
            "--cold-runs",
            "1",
        ]
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    written = json.loads(out.read_text(encoding="utf-8"))
    assert printed["query_ms"] == written["query_ms"]
    for key in (
        "cold_start_s",
        "model_load_s",
        "index_load_s",
        "full_ingest_s",
        "incremental_ingest_s",
        "index_size_mb",
    ):
        assert written[key] > 0, key
    for stage in ("end_to_end", "encode", "dense", "sparse", "fusion"):
        assert set(written["query_ms"][stage]) >= {"p50", "p95", "p99", "n"}
        assert written["query_ms"][stage]["n"] == 2
    assert written["peak_rss_mb"]["query_process"] > 0 and written["peak_rss_mb"]["ingest_process"] > 0
    assert written["corpus"]["documents"] == 3
    incremental = written["details"]["incremental_ingest"]
    assert incremental["embedded"] < written["details"]["full_ingest"]["embedded"]
    assert incremental["reused"] > 0
    table = out.with_suffix(".md").read_text(encoding="utf-8")
    assert table == format_table(written) + "\n"
    assert "| cold start: new process → first answer |" in table
    assert not (tmp_path / "untouched-index").exists()  # the serving index is never touched
