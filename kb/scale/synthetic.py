"""Synthetic corpora shaped like the real one, for measuring indexes at national scale.

A national deployment is ~150 partnerships' manuals, most written from the same templates: many
passages are close variants of each other. So a synthetic vector is a real passage vector, moved
part-way towards another real passage and perturbed with noise drawn from the real vectors' own
covariance, then L2-normalised like the real ones. Texts for the sparse side are real passages
with sentences recombined across passages and area names swapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

AREAS = ("Testshire", "Northshire", "Southborough", "Eastwick", "Westmere", "Midvale")


def noise_basis(real: np.ndarray) -> np.ndarray:
    """A matrix B with B.T @ B = covariance of the real vectors: noise = z @ B has their shape."""
    centred = real - real.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    return (singular[:, None] / np.sqrt(max(len(real) - 1, 1))) * vt


def synthetic_vectors(
    real: np.ndarray, count: int, seed: int = 0, chunk: int = 100_000
) -> Iterator[np.ndarray]:
    """`count` unit vectors in chunks: real anchor + a step towards another + covariance noise."""
    rng = np.random.default_rng(seed)
    real = np.asarray(real, dtype=np.float32)
    basis = noise_basis(real).astype(np.float32)
    made = 0
    while made < count:
        n = min(chunk, count - made)
        first = rng.integers(0, len(real), n)
        second = rng.integers(0, len(real), n)
        step = rng.uniform(0.0, 0.3, (n, 1)).astype(np.float32)
        spread = rng.uniform(0.2, 0.9, (n, 1)).astype(np.float32)
        z = rng.standard_normal((n, basis.shape[0]), dtype=np.float32)
        rows = real[first] + step * (real[second] - real[first]) + spread * (z @ basis)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        made += n
        yield rows


def synthetic_queries(real: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """Unseen query-like vectors: real passage vectors with moderate noise (not in the corpus)."""
    return np.concatenate(list(synthetic_vectors(real, count, seed=seed + 10_000)))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def synthetic_texts(real: list[str], count: int, seed: int = 0) -> Iterator[str]:
    """Passage texts: a real passage with one sentence swapped from another, area names varied."""
    rng = np.random.default_rng(seed)
    split = [_SENTENCE.split(t) for t in real if t.strip()]
    for _ in range(count):
        base = list(split[rng.integers(len(split))])
        other = split[rng.integers(len(split))]
        base[rng.integers(len(base))] = other[rng.integers(len(other))]
        area = AREAS[rng.integers(len(AREAS))]
        text = " ".join(base)
        yield text.replace("Cambridgeshire", area).replace("Peterborough", area).replace("Bromley", area)
