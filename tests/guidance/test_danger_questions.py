"""Only a message that reports danger is read as the 999 question (cold review C2).

The retrieval rewrites danger words toward the 999 topic, and dropped danger only where it
was denied in one exact shape ("no immediate danger"). "nobody's in immediate danger",
"no one is in danger right now", "not a 999 situation" or "the danger isn't immediate"
were still read as an emergency and answered with "Call 999 straight away".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance import GuidanceService, load_guidance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), 0.45)


@pytest.mark.parametrize(
    "message",
    [
        "worried but nobody's in immediate danger - what now?",
        "no one is in danger right now, what do I do",
        "not a 999 situation, what do I do?",
        "I don't think it's a 999 thing, who do I tell?",
        "no need for 999, but what should I do next?",
        "the danger isn't immediate, what should I do?",
        "nobody is in any danger at the moment but I'm concerned, what's the next step?",
    ],
)
def test_denied_danger_or_999_is_not_the_999_answer(service, message):
    best = service.search(message).best
    assert best is not None and best.topic.id != "emergency_999", message


@pytest.mark.parametrize(
    "message",
    [
        "a boy says he'll stab someone after school today, is that a 999 call or a referral?",
        "there's a threat to someone's life right now, do I ring 999 or fill in the form?",
        "a pupil has a knife and is threatening others now, who do I ring first?",
        "when should I dial 999 rather than go to the DSL?",
    ],
)
def test_reported_danger_and_the_999_question_still_find_the_999_answer(service, message):
    assert service.search(message).best.topic.id == "emergency_999", message


@pytest.mark.parametrize(
    "message",
    [
        "not sure whether to call 999 or the police prevent team",
        "I'm not sure if I should ring 999 or make a referral",
        "don't know whether this needs 999 or the DSL",
        "I can't decide if it's a 999 matter or a referral",
        "not certain it's an emergency, should it be 999?",
        "i'm not sure if anyone is in immediate danger",
    ],
)
def test_doubt_about_999_is_not_denial_and_keeps_the_999_answer(service, message):
    """Doubt isn't denial: "not sure whether to call 999" asks about the emergency route;
    only a plain "no" ("not a 999 situation") drops it (safety first, SET 2.5)."""
    best = service.search(message).best
    assert best is not None and best.topic.id == "emergency_999", message
