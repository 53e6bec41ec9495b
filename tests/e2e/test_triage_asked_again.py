"""End to end over REST: "should I refer?" asked again in the middle of the triage carries
on the same case (bot/triage/conversation.py `asks_again`, bot/actions/triage.py
`begin_triage`): no "didn't get that", no question asked twice, the facts kept to the
outcome. Own sentences."""

from __future__ import annotations

import uuid

import pytest

from bot.wording import phrase
from tests.helpers.replies import reply_outcomes as _outcomes
from tests.helpers.replies import reply_text as _text

pytestmark = pytest.mark.servers

OPENING = "Should I refer? A 14 year old in my class keeps drawing swastikas on his books"
CARRY_ON = phrase("actions.triage.carry_on")


def _sender() -> str:
    return f"again-{uuid.uuid4().hex[:10]}"


def _to_the_end(assistant, sender: str, replies: list[dict]) -> tuple[list[str], str]:
    said = ""
    for _ in range(10):
        said += _text(replies)
        if _outcomes(replies):
            return _outcomes(replies), said
        replies = assistant.say(sender, "no")
    return [], said


@pytest.mark.parametrize("again", ["should I refer?", "so do I make a referral or not"])
def test_asking_again_carries_on_with_the_facts_kept(assistant, again: str) -> None:
    sender = _sender()
    assistant.say(sender, OPENING)
    asked = _text(assistant.say(sender, "no"))  # no danger: the next question
    replies = assistant.say(sender, again)
    text = _text(replies)
    assert CARRY_ON in text
    assert "didn't quite get that" not in text
    assert "immediate danger" not in text.lower() and "how old" not in text.lower()
    assert asked.strip().splitlines()[-1] in text  # the same question, asked again
    outcomes, said = _to_the_end(assistant, sender, replies)
    assert outcomes and outcomes[0] in ("consult_dsl", "refer"), said
    assert "how old" not in said.lower()  # the age from the opening was kept


def test_after_a_999_reply_asking_again_keeps_the_facts_and_asks_about_danger_first(
    assistant,
) -> None:
    sender = _sender()
    assistant.say(sender, OPENING)
    assistant.say(sender, "no")
    emergency = assistant.say(
        sender, "he has just pulled a knife on a boy in the playground and says he'll stab him"
    )
    assert "999" in _text(emergency)
    replies = assistant.say(sender, "should I refer?")
    text = _text(replies)
    assert CARRY_ON in text
    assert "immediate danger" in text.lower()  # the danger question again, first
    intro = "Let's work out the next step together"
    assert intro not in text
    outcomes, said = _to_the_end(assistant, sender, assistant.say(sender, "no, police have him"))
    assert "how old" not in said.lower()  # the age from the opening was kept
    assert outcomes, said
