"""NLU component: "I have to make a Prevent referral" starts the draft, whoever says it;
"change his school to ...", "actually his date of birth is ..." is a change to the draft.

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
from bot.referral.chat import edit_request
from bot.referral.form import FormSpec, get_form
from bot.referral.openers import asks_to_draft

REFERRAL_INTENT = "start_referral"
#: Intents a referral request is taken from (never a risk intent, a button or smalltalk).
FROM_INTENTS = frozenset({"start_triage", "inform", "ask_guidance", "nlu_fallback"})
EDIT_INTENT = "edit_field"
#: Intents a change with its new value ("actually his date of birth is ...") is taken from:
#: answers, questions and the draft's own intents; never a risk intent or a concern note.
EDIT_FROM_INTENTS = FROM_INTENTS | {
    "affirm",
    "deny",
    "not_sure",
    "out_of_scope",
    "start_referral",
    "add_more",
}


def _form() -> FormSpec | None:
    try:
        return get_form()
    except Exception:  # settings unreadable here: the action still reads the edit itself
        return None


def _route(message: Message, intent: dict, name: str, key: str) -> None:
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    routed = {"name": name, "confidence": max(float(intent.get("confidence") or 0), 0.9)}
    message.set(INTENT, routed, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [routed, *ranking], add_to_output=True)
    message.set(key, intent.get("name"), add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReferralRequestRouter(_NoTraining, IntentClassifier):
    """Re-routes a clear request to draft a referral to `start_referral`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if text.startswith("/"):
                continue
            if intent.get("name") in EDIT_FROM_INTENTS:
                form = _form()
                if form is not None and edit_request(form, text) is not None:
                    _route(message, intent, EDIT_INTENT, "edit_routed_from")
                    continue
            if intent.get("name") in FROM_INTENTS and asks_to_draft(text):
                _route(message, intent, REFERRAL_INTENT, "referral_routed_from")
        return messages
