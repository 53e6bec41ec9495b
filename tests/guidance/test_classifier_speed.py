"""The topic classifier scores a question from its fitted parts directly (issue 16, speed).

`LinearSVC.decision_function` on one text re-validates the vectorisers and builds sparse
matrices each call, several times the cost of the arithmetic; `TopicClassifier.margins`
computes the same margins (bot.tfidf). Checked here against scikit-learn's own path on the
guidance's example questions and variants of them, and on odd inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.guidance import get_service
from bot.guidance.classifier import TopicClassifier


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return get_service().index._classifier


@pytest.fixture(scope="module")
def texts() -> list[str]:
    base = get_service().base
    examples = [e for topic in base.topics.values() for e in topic.examples]
    sample = examples[::3][:250]
    odd = ["", "?", "zzqxv wbblt", "ÉCOLE été", "channel channel channel", "x" * 2000]
    mixed = [" ".join(reversed(e.split())) for e in examples[1::17][:40]]
    typos = [e.replace("e", "a") for e in examples[2::19][:40]]
    return sample + odd + mixed + typos


def _sklearn_margins(classifier: TopicClassifier, text: str) -> np.ndarray:
    return classifier._model.decision_function(classifier._features([text]))[0]


def test_margins_equal_scikit_learns(classifier: TopicClassifier, texts: list[str]) -> None:
    assert len(texts) > 250
    for text in texts:
        expected = _sklearn_margins(classifier, text)
        assert list(classifier.margins(text)) == pytest.approx(list(expected), rel=0, abs=1e-12)


def test_margins_never_take_scikit_learns_slow_path(
    classifier: TopicClassifier, texts: list[str], monkeypatch
) -> None:
    """The speed comes from not calling decision_function per question (it re-validates the
    vectorisers each call); timings are for `make bench`, not asserts."""

    def slow_path(*args, **kwargs):
        raise AssertionError("decision_function called on the per-question path")

    monkeypatch.setattr(type(classifier._model), "decision_function", slow_path)
    for text in texts[:50]:
        classifier.margins(text)
