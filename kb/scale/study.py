"""The scale study: FAISS flat vs HNSW vs IVF vs IVF-PQ (and BM25) on synthetic corpora.

    python -m kb.scale.study --sizes 100000 1000000 --sparse-sizes 100000
writes bench/scale.json and bench/scale.md. Heavy (the 1 M run takes tens of minutes on 2 cores
and ~6 GB of RAM), so it is a command you run once, never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kb.config import PROJECT_ROOT, Settings
from kb.retrieval.dense import DenseParams, ReRanked, build_dense_index, ivf_lists_for
from kb.scale.synthetic import synthetic_queries, synthetic_texts, synthetic_vectors

K = 10
# Builds use one OpenMP thread unless told otherwise: on this shared 2-core machine two spinning
# threads made an HNSW build 2.5x and an IVF-PQ build 15x slower than one (docs/scale.md).
BUILD_THREADS = int(os.environ.get("KB_FAISS_THREADS", "1"))


@dataclass(frozen=True)
class Row:
    """One index configuration at one corpus size."""

    passages: int
    kind: str
    params: str
    recall_at_10: float
    p50_ms: float
    p95_ms: float
    build_s: float
    memory_mb: float
    note: str = ""


def percentile_ms(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(samples) * 1000, q)), 3)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return round(float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)])), 4)


def timed_search(index, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """One query at a time on one thread, as a server answers them
    (kb.retrieval.dense.single_threaded_search); returns ids and per-query seconds."""
    import faiss

    faiss.omp_set_num_threads(1)
    ids, seconds = [], []
    for query in queries:
        start = time.perf_counter()
        _, found = index.search(query[None, :], K)
        seconds.append(time.perf_counter() - start)
        ids.append(found[0])
    faiss.omp_set_num_threads(BUILD_THREADS)
    return np.stack(ids), seconds


def index_bytes(index) -> int:
    import faiss

    return int(faiss.serialize_index(index).nbytes)


def dense_rows(vectors: np.ndarray, queries: np.ndarray, workdir: Path) -> list[Row]:
    import faiss

    n = len(vectors)
    rows: list[Row] = []

    def build(kind: str):
        start = time.perf_counter()
        index, _ = build_dense_index(vectors, kind)
        return index, round(time.perf_counter() - start, 2), round(index_bytes(index) / 2**20, 1)

    def measure(kind: str, params: str, index, built: tuple[float, float], note: str = "") -> None:
        found, seconds = timed_search(index, queries)
        p50, p95 = percentile_ms(seconds, 50), percentile_ms(seconds, 95)
        rows.append(Row(n, kind, params, recall(found, truth), p50, p95, *built, note))

    flat, flat_build, flat_memory = build("flat")
    _, truth = flat.search(queries, K)
    measure("flat", "exact", flat, (flat_build, flat_memory))
    del flat

    hnsw, *built = build("hnsw")
    for ef in (64, 128, 256):
        hnsw.hnsw.efSearch = ef
        measure("hnsw", f"M=32 efC=80 efSearch={ef}", hnsw, tuple(built))
    del hnsw

    lists = ivf_lists_for(n)
    ivf, *built = build("ivf")
    for probe in (16, 32, 64, 128):
        faiss.extract_index_ivf(ivf).nprobe = probe
        measure("ivf", f"nlist={lists} nprobe={probe}", ivf, tuple(built))
    del ivf

    pq, *built = build("ivfpq")
    on_disk = workdir / "vectors.npy"
    np.save(on_disk, vectors)
    mapped = np.load(on_disk, mmap_mode="r")
    subq = vectors.shape[1] // DenseParams().pq_dims_per_code
    for probe, factor in ((32, 1), (32, 4), (64, 4), (64, 10)):
        faiss.extract_index_ivf(pq).nprobe = probe
        index = ReRanked(pq, mapped, factor) if factor > 1 else pq
        label = f"nlist={lists} PQ{subq} nprobe={probe}" + (f" rerank x{factor}" if factor > 1 else "")
        note = "full vectors on disk (mmap) for re-ranking" if factor > 1 else "codes only"
        measure("ivfpq", label, index, tuple(built), note)
    on_disk.unlink()
    return rows


def sparse_row(texts: list[str], questions: list[str]) -> dict:
    """bm25s at this size: build time, index size, query latency (scores + top-100 selection)."""
    import bm25s

    from kb.retrieval.sparse import build_sparse, sparse_scores

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_sparse(texts, Path(tmp) / "sparse")
        build = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(tmp) / "sparse").rglob("*") if p.is_file())
        retriever = bm25s.BM25.load(str(Path(tmp) / "sparse"), load_corpus=False)
    full, partial = [], []
    for question in questions * 3:
        start = time.perf_counter()
        scores = sparse_scores(retriever, question)
        np.argsort(-scores, kind="stable")[:100]
        full.append(time.perf_counter() - start)
        start = time.perf_counter()
        scores = sparse_scores(retriever, question)
        top = np.argpartition(-scores, 100)[:100]
        top[np.argsort(-scores[top], kind="stable")]
        partial.append(time.perf_counter() - start)
    return {
        "passages": len(texts),
        "build_s": round(build, 2),
        "index_mb": round(size / 2**20, 1),
        "query_p50_ms_argsort": percentile_ms(full, 50),
        "query_p95_ms_argsort": percentile_ms(full, 95),
        "query_p50_ms_argpartition": percentile_ms(partial, 50),
        "query_p95_ms_argpartition": percentile_ms(partial, 95),
    }


def real_inputs(index_dir: Path) -> tuple[np.ndarray, list[str]]:
    from kb.retrieval.index import current_build, read_passage_records

    build = current_build(index_dir)
    vectors = np.load(build / "vectors.npy")
    texts = [r.get("sparse_text") or r["text"] for r in read_passage_records(build)]
    return vectors, texts


def query_vectors(real: np.ndarray, questions: list[str], count: int) -> np.ndarray:
    """The dev questions, encoded, plus unseen synthetic queries up to `count`."""
    from kb.retrieval.encoder import get_encoder

    encoded = get_encoder().encode(questions) if questions else np.zeros((0, real.shape[1]), np.float32)
    extra = synthetic_queries(real, max(count - len(encoded), 0))
    return np.ascontiguousarray(np.concatenate([encoded, extra])[:count], dtype=np.float32)


def format_table(result: dict) -> str:
    lines = [
        "| passages | index | parameters | recall@10 vs flat | p50 ms | p95 ms | build s | memory MB |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["dense"]:
        lines.append(
            f"| {r['passages']:,} | {r['kind']} | {r['params']} | {r['recall_at_10']:.3f} | "
            f"{r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['build_s']:.1f} | {r['memory_mb']:.0f} |"
        )
    if result.get("sparse"):
        lines += [
            "",
            "| passages | BM25 build s | index MB | p50 ms (argsort) | p95 ms (argsort) "
            "| p50 ms (argpartition) | p95 ms (argpartition) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in result["sparse"]:
            lines.append(
                f"| {s['passages']:,} | {s['build_s']:.1f} | {s['index_mb']:.0f} | "
                f"{s['query_p50_ms_argsort']:.1f} | {s['query_p95_ms_argsort']:.1f} | "
                f"{s['query_p50_ms_argpartition']:.1f} | {s['query_p95_ms_argpartition']:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.scale.study", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--sparse-sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--queries", type=int, default=200, help="query subset (dev questions first)")
    parser.add_argument("--questions", default=str(PROJECT_ROOT.parent / "shared/eval/dev_questions.jsonl"))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "bench" / "scale.json"))
    args = parser.parse_args(argv)

    import faiss

    faiss.omp_set_num_threads(BUILD_THREADS)
    settings = Settings.from_env()
    real, texts = real_inputs(settings.index_dir)
    questions = []
    if Path(args.questions).is_file():
        questions = [
            json.loads(line)["question"] for line in Path(args.questions).read_text().splitlines() if line
        ]
    queries = query_vectors(real, questions, args.queries)
    result: dict = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_at_start": list(os.getloadavg()),
        },
        "real_passages": len(real),
        "queries": len(queries),
        "dense": [],
        "sparse": [],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        result["machine"]["load_at_end"] = list(os.getloadavg())
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        out.with_suffix(".md").write_text(format_table(result) + "\n", encoding="utf-8")

    for size in args.sparse_sizes:
        result["sparse"].append(sparse_row(list(synthetic_texts(texts, size)), questions or texts[:30]))
        print(json.dumps(result["sparse"][-1]), flush=True)
        save()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            vectors = np.concatenate(list(synthetic_vectors(real, size)))
            for row in dense_rows(vectors, queries, Path(tmp)):
                result["dense"].append(asdict(row))
                print(json.dumps(asdict(row)), flush=True)
                save()
            del vectors
    save()
    print(format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
