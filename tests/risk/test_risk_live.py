"""Issue 12 through the real Rasa and action servers (REST), as a user meets it."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.servers

CHECK = "Is anyone in danger right now? If so, call 999 now."


def _sender() -> str:
    return f"i12-{uuid.uuid4().hex[:10]}"


def _texts(replies: list[dict]) -> list[str]:
    return [r["text"] for r in replies if r.get("text")]


def _outcomes(replies: list[dict]) -> list[str]:
    return [
        r["custom"]["outcome"]
        for r in replies
        if isinstance(r.get("custom"), dict) and "outcome" in r["custom"]
    ]


def test_risk_to_life_that_is_not_extremist_gets_999_first(assistant):
    replies = assistant.say(
        _sender(), "a year 8 has collapsed in the changing room and won't wake up"
    )
    assert "999" in replies[0]["text"]
    payload = next(r["custom"] for r in replies if "custom" in r)
    assert payload["outcome"] == "emergency"
    assert any("won't wake up" in r and "rule: risk to life" in r for r in payload["reasons"])


def test_a_named_proscribed_organisation_goes_to_the_police_with_the_list_date(assistant):
    replies = assistant.say(_sender(), "one of our learners says he is a member of The Base")
    assert _outcomes(replies) == ["police"]
    assert "0800 789 321" in "\n".join(_texts(replies))
    reasons = next(r["custom"] for r in replies if "custom" in r)["reasons"]
    assert any("'the base'" in r and "read on" in r for r in reasons)


def test_a_club_is_not_a_terrorist_group(assistant):
    replies = assistant.say(_sender(), "how can I get people to join the chess group at lunch?")
    assert not _outcomes(replies)
    assert CHECK not in _texts(replies)


def test_when_in_doubt_the_question_comes_first_then_the_usual_answer(assistant):
    replies = assistant.say(
        _sender(), "a pupil said she has been given some pills by an older boy. what is channel?"
    )
    texts = _texts(replies)
    assert texts[0] == CHECK
    assert len(texts) >= 2 and CHECK not in texts[1:]  # the usual answer follows, once
    assert not _outcomes(replies)


def test_when_in_doubt_inside_a_form_the_form_goes_on(assistant):
    sender = _sender()
    first = _texts(assistant.say(sender, "I want to start a VTR referral"))
    replies = assistant.say(sender, "No, although she did mention pills earlier")
    texts = _texts(replies)
    assert texts[0] == CHECK
    assert len(texts) >= 2, "the form asked nothing after the danger question"
    # The VTR form took "No" as its answer and asked its next question (not a new flow).
    assert "next step together" not in " ".join(texts)
    assert texts[1] != CHECK and texts[1] not in first
