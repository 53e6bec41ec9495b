""" "Should I refer?" asked again while its questions are under way carries on the same
triage: the facts already given are kept, what the repeated message adds is taken, and the
request is never read as the answer to the question open (nor as a reply not understood)."""

from __future__ import annotations

import pytest

from bot.triage.conversation import TriageConversation, asks_again, read_reply
from bot.triage.outcome import area_contact
from tests.triage._play import BASE, INBOX, TRIAGE

OPENING = "Should I refer? A 14 year old in my tutor group keeps drawing swastikas on his books"


def _conversation() -> TriageConversation:
    conv = TriageConversation(TRIAGE, lambda area: area_contact(BASE, area, INBOX, "essex"))
    conv.start(OPENING)
    assert conv.asked == "immediate_risk"
    assert conv.reply("no")
    return conv


def test_asking_again_keeps_the_facts_and_the_open_question() -> None:
    conv = _conversation()
    facts, asked = conv.facts, conv.asked
    assert facts.age == 14 and facts.immediate_risk == "no" and facts.engagement == "yes"
    conv.start("should I refer?")
    assert conv.facts == facts
    assert conv.asked == asked


def test_asking_again_adds_what_the_repeated_message_tells() -> None:
    conv = _conversation()
    assert conv.facts.intent is None
    conv.start(
        "Should I make a referral? He also told a classmate that Jewish people deserve to die"
    )
    assert conv.facts.age == 14 and conv.facts.immediate_risk == "no"
    assert conv.facts.engagement == "yes"
    assert conv.facts.intent == "yes"


def test_a_repeated_request_is_not_the_open_questions_answer_nor_a_retry() -> None:
    conv = _conversation()
    asked = conv.asked
    for _ in range(4):  # more than MAX_RETRIES: never turned into "not sure"
        assert conv.reply("so should I refer him or not")
        assert conv.asked == asked
        assert getattr(conv.facts, asked) is None
    assert conv.not_understood == 0


@pytest.mark.parametrize("asked", ["immediate_risk", "age_group", "ideology", "intent"])
@pytest.mark.parametrize(
    "text",
    [
        "should I refer?",
        "so do I make a Prevent referral or not?",
        "I just need to know whether to refer her",
        "can you just tell me if I should refer this lad",
    ],
)
def test_the_request_in_other_words_is_read_as_asked_again(asked: str, text: str) -> None:
    reading = read_reply(asked, text)
    assert reading.how == "again"
    assert asked not in reading.values


@pytest.mark.parametrize(
    "text",
    [
        "how do I make a referral?",
        "who do we report it to?",
        "yes, and I reported it to our DSL yesterday",
        "he says it's just a joke",
        "no",
    ],
)
def test_questions_about_referring_and_answers_are_not_a_repeated_request(text: str) -> None:
    assert not asks_again(text)


def test_an_answer_given_with_the_request_still_counts() -> None:
    reading = read_reply("age_group", "he's 15, so should I refer him?")
    assert reading.how == "answer"
    assert reading.values["age"] == 15


def test_after_an_outcome_a_new_request_starts_afresh() -> None:
    conv = _conversation()
    for _ in range(20):
        if conv.asked is None:
            break
        conv.reply("no")
    assert conv.outcome() is not None
    conv.start("Should I refer? A colleague's 30 year old brother is collecting knives")
    assert conv.facts.immediate_risk is None
    assert conv.facts.age == 30
