"""The model's verdict reads its fitted parts directly (issue 16, speed).

`Pipeline.predict_proba` on one text costs milliseconds of validation and joblib overhead
per call, more than the arithmetic; `RiskModel.probabilities` computes the same tf-idf
features and the same softmax from the fitted vectorisers and classifier. Same numbers,
checked here against the pipeline on a few hundred texts of the training data and odd
inputs, and faster.
"""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.risk.model import _labelled, _ordinary_examples, _reading, get_model, training_files


@pytest.fixture(scope="module")
def texts() -> list[str]:
    labelled, _ = _labelled(training_files())
    ordinary = _ordinary_examples(PROJECT_ROOT / "data" / "nlu")
    sample = labelled[::7][:250] + ordinary[::11][:100]
    odd = [
        "",
        " ",
        "?!",
        "zzqxv wbblt",  # no known n-gram at all
        "ÉCOLE été à l'église",  # accents
        "KNIFE KNIFE KNIFE knife knife",  # repeated terms (sublinear tf)
        "he is hanging around with older lads",  # an idiom the model reads as its meaning
        "a" * 3000,
        "I am worried about a pupil who keeps talking about the group. " * 50,
    ]
    # word orders and halves the model has not seen
    mixed = [" ".join(reversed(t.split())) for t in labelled[3::41][:40]]
    halves = [t[: len(t) // 2] for t in labelled[5::37][:40]]
    return sample + odd + mixed + halves


def test_probabilities_equal_the_pipelines(texts: list[str]) -> None:
    model = get_model()
    assert len(texts) > 300
    for text in texts:
        expected = model._pipeline.predict_proba([_reading(text)])[0]
        got = model.probabilities(_reading(text))
        assert list(got) == pytest.approx(list(expected), rel=0, abs=1e-12), text


def test_top_words_unchanged(texts: list[str]) -> None:
    """The words shown as the model's reasons come from the same word features."""
    model = get_model()
    for text in texts[:120]:
        reading = _reading(text)
        vector = model._words.transform([reading]).tocoo()
        weights = model._word_coefficients["emergency"]
        scored = sorted(
            ((v * weights[c], c) for c, v in zip(vector.col, vector.data, strict=True)),
            reverse=True,
        )
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        names = model._word_names
        expected = tuple(
            names[c]
            for s, c in scored
            if s > 0 and not set(names[c].split()) <= ENGLISH_STOP_WORDS
        )[:3]
        assert model._top_words(reading, "emergency") == expected, text


def test_verdict_never_takes_the_pipelines_slow_path(texts: list[str], monkeypatch) -> None:
    """The speed comes from not calling Pipeline.predict_proba per message (its input
    validation costs more than the arithmetic); timings are for `make bench`, not asserts."""
    model = get_model()

    def slow_path(*args, **kwargs):
        raise AssertionError("Pipeline.predict_proba called on the per-message path")

    monkeypatch.setattr(type(model._pipeline), "predict_proba", slow_path)
    for text in texts[:50]:
        model.probabilities(_reading(text))
