"""Shared fixtures: the tiny fixture corpus and its index, and (slow) the real corpus index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from kb.config import PROJECT_ROOT, Settings  # noqa: E402

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
REAL_CORPUS = PROJECT_ROOT / "corpus"
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def fixture_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the fixture corpus with its own index folder (built once per session)."""
    from ingest.build import build_index

    index_dir = tmp_path_factory.mktemp("fixture-index")
    settings = Settings(corpus_dir=FIXTURE_CORPUS, index_dir=index_dir, seeds_dir=FIXTURE_CORPUS)
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def fixture_searcher(fixture_settings: Settings):
    from kb.retrieval.search import get_searcher

    return get_searcher(fixture_settings)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real corpus built into a temporary index once per test session (slow)."""
    from ingest.build import build_index

    if not any(REAL_CORPUS.rglob("*.md")):
        pytest.skip("corpus/ is empty: run `make corpus`")
    index_dir = tmp_path_factory.mktemp("real-index")
    settings = Settings(corpus_dir=REAL_CORPUS, index_dir=index_dir, seeds_dir=SEEDS)
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def real_searcher(real_settings: Settings):
    from kb.retrieval.search import get_searcher

    return get_searcher(real_settings)
