"""Passive or indirect "should this person be referred?" questions start the should-I-refer
questions; information questions that mention a person are still answered (cold review C1).

Before, "Should he be referred?" and "is she someone who should be referred to Prevent?"
opened like yes/no information questions and got a policy answer; "does this need
referring?" was a decision but, naming no sign of concern, was answered too when the
intent classifier sent it to the guidance action. The CI scenario p-tri-adult-consent-given
failed the same way: "... Should I be raising this?" was answered from the guidance.
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
        "Should he be referred?",
        "does this need referring?",
        "would this count as a referral?",
        "is she someone who should be referred to Prevent?",
        "Should I be raising this?",
        "should this be reported to Prevent?",
        "is it worth referring him?",
        "do you think she should be referred?",
        "is this something I should report?",
        "would you refer him?",
        "A neighbour in her sixties has joined a group that says judges should be hanged. "
        "Should I be raising this?",
    ],
)
def test_a_passive_or_indirect_referral_question_starts_the_triage(service, message):
    routing = service.routing(message)
    assert routing.start_triage and not routing.answer_first, message


@pytest.mark.parametrize(
    "message",
    [
        "what signs of engagement should I look for in my pupil?",
        "do I need a 24-year-old's permission?",
        "how quickly should a referral be made?",
        "who should be referred to Prevent?",
        "can he be referred without his consent?",
        "what happens after he is referred?",
        "should the parents be told before a referral is made?",
        "when should someone be referred to Prevent?",
    ],
)
def test_an_information_question_that_mentions_a_person_is_still_answered(service, message):
    routing = service.routing(message)
    assert routing.answer_first and not routing.start_triage, message
