"""End to end over REST: a reply to the triage's danger question is read as its answer
(bot/risk/in_context.py via the safety policy): a denial with context is no 999, and a
denial that adds a real threat is 999 in the very first reply. Own sentences."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.replies import reply_outcomes as _outcomes
from tests.helpers.replies import reply_text as _text

pytestmark = pytest.mark.servers

OPENING = (
    "Should I refer? A 15 year old boy has a swastika drawn on his pencil case and says it's a joke"
)


def _sender() -> str:
    return f"ctx-{uuid.uuid4().hex[:10]}"


def test_a_denial_with_context_goes_on_to_a_referral_outcome(assistant) -> None:
    sender = _sender()
    first = _text(assistant.say(sender, OPENING)).lower()
    assert "immediate danger" in first
    replies = assistant.say(sender, "Not right now, he's in his maths lesson this morning")
    assert _outcomes(replies) == [], _text(replies)
    assert "call 999 now" not in _text(replies).lower()
    outcomes: list[str] = []
    for _ in range(8):
        outcomes = _outcomes(replies)
        if outcomes:
            break
        replies = assistant.say(sender, "no")
    assert outcomes and outcomes[0] in ("consult_dsl", "refer"), _text(replies)


def test_a_denial_that_adds_a_threat_is_999_in_the_first_reply(assistant) -> None:
    sender = _sender()
    assistant.say(sender, OPENING)
    replies = assistant.say(
        sender, "No, but he told me he's bringing a machete to school on Monday"
    )
    assert "999" in replies[0]["text"]
    assert _outcomes(replies) == ["emergency"]
    payload = next(r["custom"] for r in replies if "custom" in r)
    assert any("machete" in reason for reason in payload["reasons"])
