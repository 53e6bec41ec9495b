"""When a calm frame overrules the model's 999, the assistant asks instead of staying silent."""

from __future__ import annotations

import pytest

from bot.risk import combined
from bot.risk.model import ModelVerdict

RESOLVED = "last week he waved some scissors at a friend in DT, it was all resolved now"


class _Leaning:
    """The real model's interface, leaning to an emergency on any text."""

    def verdict(self, text: str) -> ModelVerdict:
        return ModelVerdict("emergency", 0.9, ("scissors",), 0.9, ("scissors",))


@pytest.fixture()
def leaning_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(combined, "get_model", lambda: _Leaning())
    combined.assess.cache_clear()
    yield
    combined.assess.cache_clear()


def test_a_resolved_incident_is_no_999_but_the_danger_question_is_asked(leaning_model) -> None:
    features = set(combined.get_detector().features(combined.normalise(RESOLVED)))
    assert "resolved" in features or combined._STORY_FRAMES & features
    assessment = combined.assess(RESOLVED)
    assert assessment.level == "none"
    assert assessment.ask_if_in_danger
    assert "scissors" in assessment.doubts[0].reason
