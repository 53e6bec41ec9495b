"""End to end: an information question that mentions a person is answered, then the case
is offered; a worry with no question still starts the triage (real Rasa + action server)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.servers


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def _payloads(replies: list[dict]) -> list[str]:
    return [b.get("payload", "") for r in replies for b in r.get("buttons") or []]


def test_question_about_a_person_is_answered_then_triage_offered(assistant):
    replies = assistant.say(
        _sender(),
        "My year 10 student has started wearing a badge with a far-right symbol. "
        "What other signs of engagement should I look for?",
    )
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "recruit" in text.lower() and "SET 2.3" in text
    assert "is anyone in immediate danger" not in text.lower()
    assert "/start_triage" in _payloads(replies)


def test_a_worry_without_a_question_still_starts_the_triage(assistant):
    replies = assistant.say(
        _sender(), "A year 9 boy keeps sharing far-right memes in the class group chat"
    )
    text = "\n".join(r.get("text") or "" for r in replies).lower()
    assert "next step together" in text
    assert not any((r.get("custom") or {}).get("guidance_topic") for r in replies)


def test_not_sure_names_the_contact_with_its_date_caveat(assistant):
    # Issue 13: the Annex B contact is from April 2019; the fallback must say so.
    text = "\n".join(r.get("text") or "" for r in assistant.say(_sender(), "/nlu_fallback"))
    assert "prevent contact" in text.lower() and "April 2019" in text


def test_a_yes_no_question_about_the_person_is_answered_then_triage_offered(assistant):
    # Issue 13: "Do his parents need to ...?" asks for information; it is answered first.
    replies = assistant.say(
        _sender(),
        "A 12 year old in my class keeps drawing swastikas. Do his parents need to give "
        "permission for a referral?",
    )
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "SET 2.4" in text
    assert "next step together" not in text.lower()
    assert "/start_triage" in _payloads(replies)
