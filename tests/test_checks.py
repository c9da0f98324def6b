"""`kb check`: overdue reviews, links to superseded documents, duplicate ids, untraceable
passages, and a service with different phone numbers in different documents."""

from __future__ import annotations

import datetime as dt
import json
import re

from kb.checks import run_checks
from kb.cli import main
from tests.maintain_helpers import corpus_doc

TODAY = dt.date(2025, 6, 1)


def _corpus(tmp_path, docs: dict[str, str]):
    corpus = tmp_path / "corpus"
    (corpus / "testshire").mkdir(parents=True)
    (corpus / "_sources").mkdir()
    for name, text in docs.items():
        (corpus / "testshire" / name).write_text(text, encoding="utf-8")
        origin = re.search(r"file: (\S+)", text).group(1)
        (corpus / "_sources" / origin).write_text(text, encoding="utf-8")
    return corpus


def _kinds(findings) -> list[tuple[str, str]]:
    return sorted((f.kind, f.doc_id) for f in findings)


def _healthy(doc_id: str, title: str, body: str = "", **meta: str) -> str:
    text = corpus_doc(doc_id, title, body or "## 1. Scope\n\nThis applies to all staff.", **meta)
    return text.replace("---\n#", f"origin:\n  file: {doc_id}.md\n---\n#", 1)


def test_a_clean_corpus_has_no_findings(tmp_path):
    corpus = _corpus(tmp_path, {"a.md": _healthy("a", "Alpha", review_by="2030-01-01")})

    assert run_checks(corpus, today=TODAY) == []


def test_past_review_dates_are_listed_but_not_future_ones_or_superseded_docs(tmp_path):
    corpus = _corpus(
        tmp_path,
        {
            "a.md": _healthy("a", "Alpha", review_by="2025-05-31"),
            "b.md": _healthy("b", "Beta", review_by="2025-06-01"),
            "c.md": _healthy("c", "Gamma", review_by="2020-01-01", status="superseded"),
            "d.md": _healthy("d", "Delta", review_by="next spring"),
        },
    )

    findings = run_checks(corpus, today=TODAY)

    assert _kinds(findings) == [("review_overdue", "a"), ("review_overdue", "d")]
    assert "2025-05-31" in findings[0].message and "not a date" in findings[1].message


def test_a_current_document_that_refers_to_a_superseded_one_is_listed(tmp_path):
    old = _healthy("ts-old", "The Child's Journey in Testshire", status="superseded", superseded_by="ts-new")
    corpus = _corpus(
        tmp_path,
        {
            "old.md": old,
            "new.md": _healthy("ts-new", "Thresholds", "## 1. Scope\n\nReplaces ts-old (see ts-old.md)."),
            "other.md": _healthy("ts-other", "Other", "## 1. Scope\n\nSee The Child's Journey in Testshire."),
            "fine.md": _healthy("ts-fine", "Fine", "## 1. Scope\n\nNothing about ts-older-things."),
        },
    )

    findings = run_checks(corpus, today=TODAY)

    assert _kinds(findings) == [("superseded_linked", "ts-other")]
    assert "ts-old" in findings[0].message and "replaced by ts-new" in findings[0].message


def test_duplicate_ids_name_every_file(tmp_path):
    corpus = _corpus(tmp_path, {"a.md": _healthy("same", "Alpha"), "b.md": _healthy("same", "Beta")})

    (finding,) = run_checks(corpus, today=TODAY)

    assert finding.kind == "duplicate_id"
    assert "testshire/a.md" in finding.message and "testshire/b.md" in finding.message


def test_passages_whose_source_cannot_be_found_are_listed(tmp_path):
    corpus = _corpus(tmp_path, {"a.md": _healthy("a", "Alpha")})
    (corpus / "_sources" / "a.md").unlink()

    (finding,) = run_checks(corpus, today=TODAY)

    assert finding.kind == "uncited_passage" and "'a.md' not found" in finding.message


def test_one_service_with_different_numbers_in_two_documents_is_listed(tmp_path):
    corpus = _corpus(
        tmp_path,
        {
            "a.md": _healthy("a", "Alpha", "## 1. Contacts\n\n- Emergency Duty Team: 01733 234724"),
            "b.md": _healthy(
                "b", "Beta", "## 1. Contacts\n\nCall the Emergency Duty Team (out of hours) on 01733 864180."
            ),
            "c.md": _healthy("c", "Gamma", "## 1. Contacts\n\nChildline: 0800 1111 and MASH: 0345 045 1362."),
            "d.md": _healthy("d", "Delta", "## 1. Contacts\n\nThe MASH on 0345 045 1362 takes referrals."),
        },
    )

    (finding,) = run_checks(corpus, today=TODAY)

    assert finding.kind == "phone_mismatch"
    assert "emergency duty team" in finding.message
    assert "a: 01733234724" in finding.message and "b: 01733864180" in finding.message


def test_cli_check_json_lists_findings_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    corpus = _corpus(tmp_path, {"a.md": _healthy("same", "Alpha"), "b.md": _healthy("same", "Beta")})
    monkeypatch.setenv("KB_CORPUS_DIR", str(corpus))

    code = main(["check", "--json"])

    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["count"] == 1
    assert data["findings"][0]["kind"] == "duplicate_id"
