"""The referral-request router on real Messages: a clear request becomes `start_referral`;
a question, a button payload or a risk intent is left alone."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.referral_router import REFERRAL_INTENT, ReferralRequestRouter


def _message(text: str, intent: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.5})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.5}])
    return message


def test_a_request_to_draft_heard_as_guidance_starts_the_referral() -> None:
    text = "I work in adult social care and have to refer a service user to Prevent"
    [message] = ReferralRequestRouter().process([_message(text, "ask_guidance")])
    assert message.get(INTENT)["name"] == REFERRAL_INTENT
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == REFERRAL_INTENT
    assert message.get("referral_routed_from") == "ask_guidance"


def test_questions_payloads_and_risk_intents_are_left_alone() -> None:
    router = ReferralRequestRouter()
    cases = [
        ("Should I make a referral for a boy who praises ISIS?", "start_triage"),
        ("/start_triage", "start_triage"),
        ("I have to make a referral: he has a gun in his bag right now", "report_emergency"),
    ]
    for text, intent in cases:
        [message] = router.process([_message(text, intent)])
        assert message.get(INTENT)["name"] == intent, text
