"""BM25Okapi with an inverted index: the same scores, without a pass over every document
per query word.

`rank_bm25.BM25Okapi.get_scores` builds each query word's frequency vector with a Python
loop over every document's term dictionary (thousands of example questions, for every
word of every question asked): most of the guidance search's time (issue 16, speed). Here
each word's postings (documents and frequencies) are kept once, the vector is filled from
them, and the rest is rank_bm25's own arithmetic on the same arrays, so every score is
bit-for-bit the same (tests/guidance/test_bm25.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi


class IndexedBM25(BM25Okapi):
    """`BM25Okapi` whose `get_scores` reads an inverted index (identical results)."""

    def __init__(self, corpus: Sequence[Sequence[str]]) -> None:
        super().__init__(corpus)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, document in enumerate(self.doc_freqs):
            for word, freq in document.items():
                documents, freqs = postings.setdefault(word, ([], []))
                documents.append(i)
                freqs.append(freq)
        self._postings = {
            word: (np.array(documents, dtype=np.intp), np.array(freqs))
            for word, (documents, freqs) in postings.items()
        }
        doc_len = np.array(self.doc_len)
        # rank_bm25's denominator term, computed as it does (same operations, same order)
        self._length_norm = self.k1 * (1 - self.b + self.b * doc_len / self.avgdl)
        self._zeros = np.zeros(self.corpus_size, dtype=np.array([0]).dtype)

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        score = np.zeros(self.corpus_size)
        for q in query:
            q_freq = self._zeros.copy()
            found = self._postings.get(q)
            if found is not None:
                q_freq[found[0]] = found[1]
            score += (self.idf.get(q) or 0) * (
                q_freq * (self.k1 + 1) / (q_freq + self._length_norm)
            )
        return score
