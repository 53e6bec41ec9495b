"""NLU component: "I have to make a Prevent referral" starts the draft, whoever says it.

The intent model learned referral openers mostly from DSLs; a social worker or a college
officer saying the same went to the triage or the guidance. When `bot.referral.openers`
reads a clear request to draft a referral, the intent becomes `start_referral`. Runs
before the risk component, so an emergency still wins; a button payload is never touched.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu_components import _NoTraining
from bot.referral.openers import asks_to_draft

REFERRAL_INTENT = "start_referral"
#: Intents a referral request is taken from (never a risk intent, a button or smalltalk).
FROM_INTENTS = frozenset({"start_triage", "inform", "ask_guidance", "nlu_fallback"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReferralRequestRouter(_NoTraining, IntentClassifier):
    """Re-routes a clear request to draft a referral to `start_referral`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if text.startswith("/") or intent.get("name") not in FROM_INTENTS:
                continue
            if not asks_to_draft(text):
                continue
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != REFERRAL_INTENT
            ]
            routed = {
                "name": REFERRAL_INTENT,
                "confidence": max(float(intent.get("confidence") or 0), 0.9),
            }
            message.set(INTENT, routed, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [routed, *ranking], add_to_output=True)
            message.set("referral_routed_from", intent.get("name"), add_to_output=True)
        return messages
