"""The guidance search's BM25 reads an inverted index: bit-for-bit rank_bm25's scores."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.guidance import get_service, tokens
from bot.guidance.bm25 import IndexedBM25


@pytest.fixture(scope="module")
def corpora() -> list[list[list[str]]]:
    topics = list(get_service().base.topics.values())
    examples = [tokens(e) for t in topics for e in t.examples]
    texts = [tokens(" ".join([t.title, " ".join(t.keywords), t.answer])) for t in topics]
    return [examples, texts, [["a", "b", "a"], ["b"], [], ["c", "c", "c"]]]


@pytest.fixture(scope="module")
def queries() -> list[list[str]]:
    topics = list(get_service().base.topics.values())
    asked = [tokens(e) for t in topics for e in t.examples[::4]]
    reversed_ = [list(reversed(q)) for q in asked[::5]]
    odd = [[], ["zzqxv"], ["channel", "channel"], ["a", "b", "c", "zz"]]
    return asked + reversed_ + odd


def test_scores_identical_to_rank_bm25(corpora, queries) -> None:
    for corpus in corpora:
        plain, indexed = BM25Okapi(corpus), IndexedBM25(corpus)
        for query in queries:
            expected, got = plain.get_scores(query), indexed.get_scores(query)
            assert got.dtype == expected.dtype
            assert np.array_equal(got, expected), query


def test_scores_without_rank_bm25s_per_query_loop(corpora, queries, monkeypatch) -> None:
    """IndexedBM25 scores from its inverted index, never through rank_bm25's per-document
    loop (the speed is measured in `make bench`, not asserted)."""
    indexed = IndexedBM25(corpora[0])

    def slow_path(*args, **kwargs):
        raise AssertionError("rank_bm25's get_scores called")

    monkeypatch.setattr(BM25Okapi, "get_scores", slow_path)
    for query in queries[:60]:
        indexed.get_scores(query)



def test_the_guidance_index_uses_it() -> None:
    index = get_service().index
    assert isinstance(index._examples, IndexedBM25)
    assert isinstance(index._texts, IndexedBM25)
