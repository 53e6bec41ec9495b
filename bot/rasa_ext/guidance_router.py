"""NLU component: a question asking for information goes to the guidance, not the triage.

The intent classifier learns "a person + a worry = start_triage", so "my year 10 has a
new badge: what other signs of engagement should I look for?" would start the
should-I-refer questions. When the message asks for information (`bot.guidance.routing`)
and the guidance answers it confidently, the intent becomes `ask_guidance`; the guidance
action answers first and then offers to work through the case. Runs before the risk
component, so an emergency still wins.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.guidance import get_service
from bot.rasa_ext.nlu_components import _NoTraining

GUIDANCE_INTENT = "ask_guidance"
#: Intents that start the triage; only these are re-routed.
TRIAGE_INTENTS = frozenset({"start_triage", "inform"})
#: ... and the unsure ones: "not sure about my learner: is Channel voluntary?" is heard as
#: `not_sure` (or, for a rare phrasing, `out_of_scope`), yet it asks a question the
#: guidance answers. A bare "not sure" asks nothing and keeps its intent.
ROUTED_INTENTS = TRIAGE_INTENTS | {"not_sure", "out_of_scope"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class GuidanceQuestionRouter(_NoTraining, IntentClassifier):
    """Re-routes information questions from the triage and unsure intents to `ask_guidance`."""

    def __init__(self) -> None:
        get_service()  # load and index guidance/ now, not on the first message

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if text.startswith("/") or intent.get("name") not in ROUTED_INTENTS:
                continue
            if not get_service().routing(text).answer_first:
                continue
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != GUIDANCE_INTENT
            ]
            routed = {"name": GUIDANCE_INTENT, "confidence": float(intent.get("confidence") or 1.0)}
            message.set(INTENT, routed, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [routed, *ranking], add_to_output=True)
            message.set("guidance_routed_from", intent.get("name"), add_to_output=True)
        return messages
