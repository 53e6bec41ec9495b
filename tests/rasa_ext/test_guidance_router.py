"""The guidance router on real Messages: a question that mentions a person but asks for
information is answered first (`ask_guidance`), whichever triage-like or unsure intent the
classifier gave it; a worry with no question, a bare "not sure" and a payload keep theirs."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.guidance_router import GUIDANCE_INTENT, GuidanceQuestionRouter


def _message(text: str, intent: str) -> Message:
    message = Message(data={TEXT: text})
    ranking = [{"name": intent, "confidence": 0.6}, {"name": "ask_guidance", "confidence": 0.2}]
    message.set(INTENT, ranking[0])
    message.set(INTENT_RANKING_KEY, ranking)
    return message


@pytest.fixture(scope="module")
def router() -> GuidanceQuestionRouter:
    return GuidanceQuestionRouter()


QUESTIONS = [
    "my year 9 lad has a new flag on his bag - what other signs of engagement are there?",
    "not sure about my 17 year old learner: is Channel voluntary, can she say no to it?",
    "I'm unsure with this pupil, who sits on a Channel panel?",
]


@pytest.mark.parametrize("intent", ["start_triage", "inform", "not_sure", "out_of_scope"])
@pytest.mark.parametrize("text", QUESTIONS)
def test_an_information_question_is_routed_to_the_guidance(router, intent, text) -> None:
    [message] = router.process([_message(text, intent)])
    assert message.get(INTENT)["name"] == GUIDANCE_INTENT, (intent, text)
    assert message.get("guidance_routed_from") == intent
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert names[0] == GUIDANCE_INTENT and names.count(GUIDANCE_INTENT) == 1


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("a year 9 boy keeps sharing far-right memes in the class group chat", "start_triage"),
        ("not sure", "not_sure"),
        ("I'm not sure really", "not_sure"),
        ("should I refer him? he keeps talking about a race war", "start_triage"),
        ('/not_sure{"x": 1}', "not_sure"),
        ("yes", "affirm"),
    ],
)
def test_a_worry_an_unsure_answer_or_a_payload_keeps_its_intent(router, text, intent) -> None:
    [message] = router.process([_message(text, intent)])
    assert message.get(INTENT)["name"] == intent, text
