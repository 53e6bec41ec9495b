"""The referral-request router on real Messages: a clear request becomes `start_referral`;
a question, a button payload or a risk intent is left alone."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.referral_router import EDIT_INTENT, REFERRAL_INTENT, ReferralRequestRouter


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


def test_an_edit_with_its_new_value_becomes_edit_field() -> None:
    """ "actually his date of birth is ...", "the address should be ...": the model heard an
    answer (inform) or a question; it is a change to the draft, whatever the model said."""
    router = ReferralRequestRouter()
    cases = [
        ("actually his date of birth is 4/5/2010", "inform"),
        ("the address should be 4 Elm Row, Basildon SS14 1AA", "ask_guidance"),
        ("change his school to Riverside Free School", "start_triage"),
    ]
    for text, intent in cases:
        [message] = router.process([_message(text, intent)])
        assert message.get(INTENT)["name"] == EDIT_INTENT, text
        assert message.get(INTENT_RANKING_KEY)[0]["name"] == EDIT_INTENT


def test_an_edit_is_never_taken_from_a_risk_intent_or_a_story() -> None:
    router = ReferralRequestRouter()
    cases = [
        ("actually his date of birth is 4/5/2010", "report_emergency"),
        ("he said his school should be burnt down with everyone in it", "inform"),
        ("the address is 12 Mill Lane", "inform"),
    ]
    for text, intent in cases:
        [message] = router.process([_message(text, intent)])
        assert message.get(INTENT)["name"] == intent, text
