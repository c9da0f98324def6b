"""Scale study: synthetic corpora of 100 k - 1 M passages and the ANN / BM25 comparison on them.

Run once, not in the test suite: `python -m kb.scale.study` (see docs/scale.md).
"""
