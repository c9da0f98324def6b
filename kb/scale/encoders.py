"""Compare the encoder backends on the real corpus: speed, agreement with torch, retrieval quality.

    python -m kb.scale.encoders        (writes bench/encoders.json and bench/encoders.md)
For each backend: model load, single-query encode p50/p95, cosine to the torch vectors, and
hit@5 / MRR@10 of the dev questions on an index built with that backend (kb.retrieval.evaluate).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from kb.config import PROJECT_ROOT, Settings
from kb.retrieval.encoder import BACKENDS, Encoder


def compare(settings: Settings, questions: list[dict], rounds: int = 3) -> dict:
    from ingest.build import build_index
    from kb.retrieval import Searcher, load_index
    from kb.retrieval.encoder import _load
    from kb.retrieval.evaluate import evaluate_questions

    texts = [q["question"] for q in questions]
    result: dict = {"questions": len(questions), "load_avg_start": list(os.getloadavg()), "backends": {}}
    reference = None
    chosen = os.environ.get("KB_ENCODER_BACKEND")
    for backend in BACKENDS:
        start = time.perf_counter()
        encoder = Encoder(settings.model, backend)
        load = time.perf_counter() - start
        vectors = encoder.encode(texts)
        reference = vectors if reference is None else reference
        samples = []
        for _ in range(rounds):
            for text in texts:
                start = time.perf_counter()
                encoder.encode([text])
                samples.append(time.perf_counter() - start)
        cosine = (vectors * reference).sum(axis=1)
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["KB_ENCODER_BACKEND"] = backend
            _load.cache_clear()
            built = Settings(
                corpus_dir=settings.corpus_dir, index_dir=Path(tmp), seeds_dir=settings.seeds_dir
            )
            build_index(built)
            scores = evaluate_questions(Searcher(load_index(Path(tmp)), encoder), questions, ("dense", "kb"))
        ms = np.asarray(samples) * 1000
        result["backends"][backend] = {
            "model_load_s": round(load, 3),
            "encode_p50_ms": round(float(np.percentile(ms, 50)), 2),
            "encode_p95_ms": round(float(np.percentile(ms, 95)), 2),
            "cosine_to_torch_min": round(float(cosine.min()), 4),
            "cosine_to_torch_mean": round(float(cosine.mean()), 4),
            "hit@5": {m: s["hit@5"] for m, s in scores["methods"].items()},
            "mrr@10": {m: s["mrr@10"] for m, s in scores["methods"].items()},
        }
        print(backend, json.dumps(result["backends"][backend]), flush=True)
    if chosen is None:
        os.environ.pop("KB_ENCODER_BACKEND", None)
    else:
        os.environ["KB_ENCODER_BACKEND"] = chosen
    _load.cache_clear()
    result["load_avg_end"] = list(os.getloadavg())
    return result


def format_table(result: dict) -> str:
    lines = [
        "| backend | model load s | encode p50 / p95 ms | cosine to torch (min) | hit@5 kb / dense "
        "| MRR@10 kb / dense |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in result["backends"].items():
        lines.append(
            f"| {name} | {r['model_load_s']:.2f} | {r['encode_p50_ms']:.1f} / {r['encode_p95_ms']:.1f} | "
            f"{r['cosine_to_torch_min']:.4f} | {r['hit@5']['kb']:.3f} / {r['hit@5']['dense']:.3f} | "
            f"{r['mrr@10']['kb']:.3f} / {r['mrr@10']['dense']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.scale.encoders", description=__doc__)
    parser.add_argument("--questions", default=str(PROJECT_ROOT.parent / "shared/eval/dev_questions.jsonl"))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "bench" / "encoders.json"))
    args = parser.parse_args(argv)
    from kb.jsonl import read_jsonl

    result = compare(Settings.from_env(), read_jsonl(Path(args.questions)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(format_table(result) + "\n", encoding="utf-8")
    print(format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
