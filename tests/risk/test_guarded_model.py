"""What the guards on the model's verdict may cancel, and what they may not (issue 12, r12gen).

A fake model that always leans one way isolates the guards from the real model's mood:
each test says what the guards do with a verdict they are handed.
"""

from __future__ import annotations

import pytest

from bot.risk import combined
from bot.risk.model import ModelVerdict


class _Fixed:
    """The real model's interface, always giving the verdict it was built with."""

    def __init__(self, verdict: ModelVerdict) -> None:
        self._verdict = verdict

    def verdict(self, text: str) -> ModelVerdict:
        return self._verdict


@pytest.fixture()
def model(monkeypatch: pytest.MonkeyPatch):
    def use(verdict: ModelVerdict) -> None:
        monkeypatch.setattr(combined, "get_model", lambda: _Fixed(verdict))
        combined.assess.cache_clear()

    yield use
    combined.assess.cache_clear()


EMERGENCY = ModelVerdict("emergency", 0.9, ("slumped",), 0.9, ("slumped",))
POLICE = ModelVerdict("police", 0.9, ("join", "people"), 0.0, ())
LEAN = ModelVerdict("calm", 0.4, (), 0.6, ("tablets",))


def test_a_lesson_in_one_sentence_does_not_cancel_a_present_danger_in_another(model) -> None:
    model(EMERGENCY)
    text = (
        "In PSHE last term we covered how to spot someone in trouble near water. "
        "My neighbour's little boy has slipped off the jetty behind the boathouse."
    )
    assert combined.assess(text).level == "emergency"


def test_the_model_999_is_not_cancelled_by_an_everyday_word_elsewhere(model) -> None:
    model(EMERGENCY)
    text = "We were setting up the barbecue for sports day. The caretaker is slumped by the shed."
    assert combined.assess(text).level == "emergency"


def test_a_police_verdict_on_generic_words_alone_is_no_police(model) -> None:
    model(POLICE)
    assert combined.assess("he keeps trying to get people to join the chess group").level == "none"


def test_a_police_verdict_resting_on_a_target_place_names_it(model) -> None:
    model(POLICE)
    text = "he keeps noting down when the synagogue doors open and how many are inside on Saturdays"
    assessment = combined.assess(text)
    assert assessment.level == "police"
    assert "synagogue" in assessment.reasons[0]
    assert "%" not in assessment.reasons[0]


def test_a_lean_with_a_danger_sign_outside_any_calm_frame_asks(model) -> None:
    model(LEAN)
    text = "Assembly was about exam stress today. She has a bottle of tablets in her hand."
    assessment = combined.assess(text)
    assert assessment.level == "none"
    assert assessment.ask_if_in_danger


def test_a_lean_whose_only_danger_sign_a_lesson_covers_does_not_ask(model) -> None:
    model(LEAN)
    text = "In PSHE we discussed why mixing tablets is dangerous."
    assert not combined.assess(text).ask_if_in_danger


def test_the_ablation_switch_restores_every_guard() -> None:
    assert combined.DISABLED == set()
    assert combined.SCOPE == "sentence"


def test_a_police_verdict_resting_on_instructions_names_them(model) -> None:
    model(POLICE)
    text = "he has bookmarked a step by step guide he will not let anyone else see"
    assessment = combined.assess(text)
    assert assessment.level == "police"
    assert "step by step" in assessment.reasons[0]


def test_what_the_message_says_is_over_asks_instead_of_a_model_999(model) -> None:
    model(EMERGENCY)
    text = "He pushed a lad into the lockers at break; it's all resolved now and he is with his mum."
    assessment = combined.assess(text)
    assert assessment.level == "none"
    assert assessment.ask_if_in_danger


def test_a_resolved_frame_does_not_cover_a_time_still_to_come(model) -> None:
    model(EMERGENCY)
    text = "He pushed a lad into the lockers at break and it's been resolved, he says tonight he'll finish it."
    assert combined.assess(text).level == "emergency"
