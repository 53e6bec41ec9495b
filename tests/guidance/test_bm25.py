"""The guidance search's BM25 reads an inverted index: bit-for-bit rank_bm25's scores."""

from __future__ import annotations

import time

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


def test_faster_than_rank_bm25(corpora, queries) -> None:
    corpus = corpora[0]
    plain, indexed = BM25Okapi(corpus), IndexedBM25(corpus)
    sample = queries[:60]

    def best(index) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            for query in sample:
                index.get_scores(query)
            times.append(time.perf_counter() - t0)
        return min(times)

    assert best(indexed) * 3 < best(plain)


def test_the_guidance_index_uses_it() -> None:
    index = get_service().index
    assert isinstance(index._examples, IndexedBM25)
    assert isinstance(index._texts, IndexedBM25)
