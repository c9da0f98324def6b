"""The sparse side's top-n selection orders exactly like a full stable sort, without one."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kb.retrieval.search import top_n


@given(
    st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=400),
)
def test_top_n_matches_a_stable_full_sort_including_ties(values, n):
    scores = np.asarray(values, dtype=np.float32)
    assert list(top_n(scores, n)) == list(np.argsort(-scores, kind="stable")[:n])
