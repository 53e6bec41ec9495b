"""NLU components: the immediate-risk flag and the unreadable-input guard.

The risk flag forces `report_emergency` / `report_terrorism` only when no answer to any
question could change the verdict; otherwise it records the assessment and leaves the
decision to the policy, which knows what was asked (ctx12).

Both run on every message after the intent classifier, so their intent wins. The
emergency path itself is forced by `ImmediateRiskPolicy`, which reads the text again:
a user typing `/greet` cannot bypass it, because the NLU intent is not what decides.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.risk import assess, warm_up
from bot.risk.in_context import AskedQuestion, assess_reply

EMERGENCY_INTENT = "report_emergency"
POLICE_INTENT = "report_terrorism"
UNREADABLE_INTENT = "unreadable"
_HAS_WORD = re.compile(r"\w", re.UNICODE)


def _force_intent(message: Message, name: str) -> None:
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}, *ranking], add_to_output=True
    )


class _NoTraining(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ImmediateRiskClassifier(_NoTraining, IntentClassifier):
    """Sets `report_emergency` / `report_terrorism` when the risk check fires (SET 2.5)."""

    def __init__(self) -> None:
        warm_up()  # build the rules and train the model now, not on the first message

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            assessment = assess(text)
            if assessment.level == "none":
                _demote_risk_intents(message)
                if assessment.ask_if_in_danger:  # for the record; the policy asks
                    message.set("risk", assessment.as_dict(), add_to_output=True)
                continue
            message.set("risk", assessment.as_dict(), add_to_output=True)
            # The NLU does not know what the assistant asked. When an answer to some question
            # could explain the alarm away ("No, he hasn't threatened anyone or said he wants
            # to hurt anyone"), the intent is left alone and the safety policy, which sees the
            # requested slot and the last question, decides (bot/risk/in_context.py).
            if assess_reply(text, AskedQuestion.any_question()).level != assessment.level:
                message.set("risk_depends_on_question", True, add_to_output=True)
                _demote_risk_intents(message)
                continue
            _force_intent(message, EMERGENCY_INTENT if assessment.is_emergency else POLICE_INTENT)
        return messages


def _demote_risk_intents(message: Message) -> None:
    """The classifier alone never decides an emergency: the rules do (SET 2.5).

    When the model guesses a risk intent the rules do not back, the next best intent is
    used instead, and the guess is kept as `risk_model_hint` for review.
    """
    intent = message.get(INTENT) or {}
    if intent.get("name") not in (EMERGENCY_INTENT, POLICE_INTENT):
        return
    ranking = [
        r
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get("name") not in (EMERGENCY_INTENT, POLICE_INTENT)
    ]
    message.set("risk_model_hint", intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    message.set(
        INTENT, ranking[0] if ranking else {"name": None, "confidence": 0.0}, add_to_output=True
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UnreadableInputGuard(_NoTraining, IntentClassifier):
    """Empty, emoji-only or punctuation-only messages get a kind "say that in words"."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # button payloads are handled by Rasa's RegexMessageHandler
            if not _HAS_WORD.search(text):
                _force_intent(message, UNREADABLE_INTENT)
        return messages
