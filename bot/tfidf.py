"""A fitted scikit-learn `TfidfVectorizer` applied to one text, without the per-call overhead.

The risk model and the guidance classifier score one message at a time. scikit-learn's
`transform` / `predict_proba` / `decision_function` re-validate the fitted estimator on
every call (`check_is_fitted` rebuilds the idf vector from a sparse diagonal each time),
build sparse matrices and, in a pipeline, go through joblib: several milliseconds per
message, more than the arithmetic (issue 16, speed). `TfidfReader` computes the same
features from the fitted vocabulary and idf: the counts of the known terms, 1 + log for a
sublinear tf, times the idf, l2-normalised. Callers score them against the fitted linear
model's own coefficients; tests compare every figure with scikit-learn's.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class TfidfReader:
    """`vectorizer.transform([text])` of a fitted vectorizer, as sorted columns and values."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError("only an l2-normalised tf-idf with idf is read directly")
        self._analyse = vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._sublinear = bool(vectorizer.sublinear_tf)

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        vocabulary = self._vocabulary
        for term in self._analyse(text):
            column = vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.array(sorted(counts), dtype=np.intp)
        values = np.array([counts[c] for c in columns.tolist()], dtype=np.float64)
        if self._sublinear:
            np.log(values, out=values)
            values += 1
        values *= self._idf[columns]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm:
            values /= norm
        return columns, values


def linear_scores(
    coefficients: np.ndarray,
    intercept: np.ndarray,
    blocks: list[tuple[np.ndarray, np.ndarray, int]],
) -> np.ndarray:
    """`X @ coefficients.T + intercept` for one row given as feature blocks.

    Each block is (columns, values, offset): the block's columns start at `offset` in the
    stacked feature space, as `hstack` / `FeatureUnion` put them.
    """
    scores = np.array(intercept, dtype=np.float64, copy=True)
    by_feature = coefficients.T
    for columns, values, offset in blocks:
        if len(columns):
            # einsum, not `@`: a product this small gains nothing from OpenBLAS's threads,
            # and on a busy machine waiting for them cost milliseconds per call
            scores += np.einsum("i,ij->j", values, by_feature[columns + offset])
    return scores
