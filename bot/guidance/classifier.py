"""A supervised topic classifier over each topic's example questions, beside BM25.

Why: BM25 only counts shared words, so a paraphrase that shares few of them with any
example ("who actually sits round the table at channel?") lands on whichever topic repeats
a common word. A linear classifier over word and character n-grams learns which words *tell
topics apart* (it weighs "sits" and "table" against every other topic's examples), and
character n-grams survive misspellings and inflections ("refferal", "radicalized"). The two
disagree in different places, so `bot.guidance.retrieval` blends them.

Deterministic and local: scikit-learn (a Rasa dependency, pinned in requirements.txt), a
fixed random seed, trained from `guidance/*.yml` in about a second when the index is built;
nothing is downloaded and no model file is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.tfidf import TfidfReader, linear_scores

#: Inverse regularisation of the linear SVM (liblinear: one-vs-rest, trains in about a second
#: on two busy cores, where a multinomial logistic regression took 15-30 s).
C = 1.0
#: Margins become probabilities by a softmax at this sharpness.
SHARPNESS = 3.0
SEED = 13


class TopicClassifier:
    """A linear SVM (margins softmaxed into probabilities) on word (1-2)-grams of the
    normalised tokens and character (2-5)-grams of the normalised text."""

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        n_classes: int,
        tokenize: Callable[[str], list[str]],
        normalise: Callable[[str], str],
    ) -> None:
        self._tokenize = tokenize
        self._normalise = normalise
        self._n_classes = n_classes
        self._words = TfidfVectorizer(
            analyzer=lambda text: _word_grams(tokenize(text)), sublinear_tf=True
        )
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1
        )
        features = self._features(texts, fit=True)
        self._model = LinearSVC(C=C, random_state=SEED)
        self._model.fit(features, list(labels))
        self._classes = [int(c) for c in self._model.classes_]
        # Read per message from the fitted parts (bot.tfidf, issue 16): the same margins as
        # decision_function, without scikit-learn's per-call checks (two-class models,
        # whose decision_function is one column, keep scikit-learn's own path).
        self._readers = (
            (TfidfReader(self._words), TfidfReader(self._chars))
            if len(self._classes) > 2
            else None
        )

    def _features(self, texts: Sequence[str], fit: bool = False) -> Any:
        normalised = [self._normalise(t) for t in texts]
        if fit:
            return hstack([self._words.fit_transform(texts), self._chars.fit_transform(normalised)])
        return hstack([self._words.transform(texts), self._chars.transform(normalised)])

    def margins(self, text: str) -> np.ndarray:
        """`decision_function` of the fitted SVM for one text."""
        if self._readers is None:
            return np.asarray(self._model.decision_function(self._features([text]))[0])
        words, chars = self._readers
        return linear_scores(
            self._model.coef_,
            self._model.intercept_,
            [
                (*words.transform(text), 0),
                (*chars.transform(self._normalise(text)), len(self._words.vocabulary_)),
            ],
        )

    def probabilities(self, text: str) -> list[float]:
        """P(topic | text) for every topic index (0 for a topic with no examples)."""
        margins = self.margins(text) * SHARPNESS
        row = np.exp(margins - margins.max())
        out = np.zeros(self._n_classes)
        out[self._classes] = row / row.sum()
        return [float(p) for p in out]


def _word_grams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
