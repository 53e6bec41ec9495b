"""The NLU components on real Messages: the risk flag, its demotion rule, the unreadable guard."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext import nlu_components as nlu

EMERGENCY = "He has a knife and says he will stab his teacher in the next ten minutes"
POLICE = "She has booked flights next month to travel to Syria to join Islamic State"


def _message(text: str, intent: str = "ask_guidance", *others: str) -> Message:
    message = Message(data={TEXT: text})
    ranking = [{"name": intent, "confidence": 0.6}] + [
        {"name": name, "confidence": 0.2} for name in others
    ]
    message.set(INTENT, ranking[0])
    message.set(INTENT_RANKING_KEY, ranking)
    return message


@pytest.fixture(scope="module")
def risk() -> nlu.ImmediateRiskClassifier:
    return nlu.ImmediateRiskClassifier()


@pytest.mark.parametrize(
    "text, intent", [(EMERGENCY, nlu.EMERGENCY_INTENT), (POLICE, nlu.POLICE_INTENT)]
)
def test_the_rules_set_the_risk_intent_with_the_evidence(risk, text: str, intent: str) -> None:
    [message] = risk.process([_message(text)])
    assert message.get(INTENT) == {"name": intent, "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == intent
    risk_record = message.get("risk")
    assert risk_record["level"] != "none"
    assert all(m["words"] for m in risk_record["matches"]), "each reason names its evidence"


def test_a_risk_intent_the_rules_do_not_back_is_demoted(risk) -> None:
    """The intent classifier alone never decides an emergency (SET 2.5): the rules do."""
    message = _message("what time does the library open?", nlu.EMERGENCY_INTENT, "ask_guidance")
    [message] = risk.process([message])
    assert message.get(INTENT)["name"] == "ask_guidance"
    assert message.get("risk_model_hint")["name"] == nlu.EMERGENCY_INTENT
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert nlu.EMERGENCY_INTENT not in names


def test_a_calm_message_keeps_its_intent(risk) -> None:
    [message] = risk.process([_message("How do I make a Prevent referral?")])
    assert message.get(INTENT)["name"] == "ask_guidance"
    assert message.get("risk") is None


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "?!...", "👍"])
def test_a_message_without_words_is_unreadable(text: str) -> None:
    [message] = nlu.UnreadableInputGuard().process([_message(text)])
    assert message.get(INTENT)["name"] == nlu.UNREADABLE_INTENT


@pytest.mark.parametrize("text", ["ok", "14", "/affirm", "é"])
def test_words_numbers_and_button_payloads_are_readable(text: str) -> None:
    [message] = nlu.UnreadableInputGuard().process([_message(text)])
    assert message.get(INTENT)["name"] == "ask_guidance"


def test_the_risk_model_is_ready_when_the_component_is_built() -> None:
    """The first real report must not wait for the model to train (it once did, for ~12 s)."""
    from bot.risk.model import get_model

    get_model.cache_clear()
    nlu.ImmediateRiskClassifier()
    assert get_model.cache_info().currsize == 1


def test_a_verdict_an_answer_could_explain_away_is_left_to_the_policy(risk) -> None:
    """The NLU cannot see what was asked: "no, he hasn't got a knife on him right now" is
    a 999 alone (a knife, now) and a no to the danger question, so the intent is not forced
    (the safety policy, which sees the question, decides); the assessment is recorded."""
    [message] = risk.process(
        [_message("no, he hasn't got a knife on him right now", "deny")]
    )
    assert message.get(INTENT)["name"] == "deny"
    assert message.get("risk")["level"] == "emergency"
    assert message.get("risk_depends_on_question") is True
    [plain] = risk.process([_message(EMERGENCY)])
    assert plain.get(INTENT)["name"] == nlu.EMERGENCY_INTENT  # no answer changes this one
    assert plain.get("risk_depends_on_question") is None
