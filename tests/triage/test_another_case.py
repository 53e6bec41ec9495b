"""A "should I refer?" about someone else, in the middle of a triage, starts a new one.

t21 made a repeated request carry the triage under way on with its facts kept. Session 10's
cold review found a second pupil then inherited the first one's facts (ideology, "nobody is
in danger"). A request that says it is about someone else, or gives another age, starts
afresh; the same case asked again still carries on.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import TriageConversation, another_case, read_reply
from bot.triage.facts import TriageFacts
from bot.triage.outcome import area_contact
from tests.triage._play import BASE, INBOX, TRIAGE


def _under_way() -> TriageConversation:
    conversation = TriageConversation(
        TRIAGE, lambda area: area_contact(BASE, area, INBOX, "essex")
    )
    conversation.start(
        "should I refer a 16 year old boy who shares Islamist videos and says he supports ISIS?"
    )
    conversation.reply("no one is in danger right now")
    assert conversation.under_way and conversation.facts.ideology == "yes"
    return conversation


@pytest.mark.parametrize(
    "text",
    [
        "Separate question - should I refer a different pupil, a 12 year old girl upset about "
        "her parents' divorce?",
        "Also should I refer another boy, he's been quiet and withdrawn",
        "should I refer someone else too? a girl in year 8",
        "new case: should I refer a year 9 who has gone very quiet?",
    ],
)
def test_a_request_about_someone_else_starts_afresh(text):
    conversation = _under_way()
    conversation.reply(text)
    assert conversation.facts.ideology != "yes", conversation.facts
    assert conversation.facts.immediate_risk is None


def test_another_age_is_another_case_and_the_same_case_carries_on():
    held = TriageFacts(age=16)
    assert another_case("should I refer her? she's 12", held)
    assert not another_case("should I refer him? he's 16", held)
    assert not another_case("so should I refer him or not?", held)
    conversation = _under_way()
    conversation.start("so should I refer him or not?")
    assert conversation.facts.ideology == "yes"  # the same case: its facts kept
    conversation.start("should I refer a 12 year old girl who is being bullied?")
    assert conversation.facts.ideology != "yes" and conversation.facts.age == 12


def test_the_reading_of_a_request_about_someone_else_is_a_new_case():
    reading = read_reply("ideology", "should I refer another pupil? a 13 year old boy")
    assert reading.how == "new_case" and reading.values.get("age") == 13
