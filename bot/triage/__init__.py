""" "Should I refer?": facts from the conversation, a decision table, cited advice (SET 2.2-2.5)."""

from bot.triage.conversation import TriageConversation, read_reply
from bot.triage.extract import (
    age_from_text,
    answer_facts,
    area_from_text,
    describes_concern,
    mentioned_facts,
    names_a_sign,
    yes_no,
)
from bot.triage.facts import TriageFacts
from bot.triage.outcome import AreaContact, Triage, TriageOutcome, area_contact, get_triage
from bot.triage.questions import next_question, remaining
from bot.triage.rules import DecisionTable, DecisionTableError, Row, indicator_state

__all__ = [
    "AreaContact",
    "DecisionTable",
    "DecisionTableError",
    "Row",
    "Triage",
    "TriageConversation",
    "TriageFacts",
    "TriageOutcome",
    "age_from_text",
    "answer_facts",
    "area_contact",
    "area_from_text",
    "describes_concern",
    "get_triage",
    "indicator_state",
    "mentioned_facts",
    "names_a_sign",
    "next_question",
    "read_reply",
    "remaining",
    "yes_no",
]
