"""ImmediateRiskPolicy, called directly on trackers: what it forces, and when it stays out."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionReverted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext import safety_policy as sp

CALM = "What does Channel mean?"
EMERGENCY = "He has a knife and says he will stab his teacher in the next ten minutes"
POLICE = "She has booked flights next month to travel to Syria to join Islamic State"


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> sp.ImmediateRiskPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    context = ExecutionContext(GraphSchema({}), "test")
    return sp.ImmediateRiskPolicy.create(
        sp.ImmediateRiskPolicy.get_default_config(), storage, Resource("policy"), context
    )


def _tracker(domain: Domain, *events: Any, form: str | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("tester", [], slots=domain.slots)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    if form:
        tracker.update(ActiveLoop(form))
        tracker.update(ActionExecuted(form))
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    for event in events:
        tracker.update(event)
    return tracker


def _said(text: str, intent: str = "ask_guidance") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9})


def _forced(policy: sp.ImmediateRiskPolicy, tracker: DialogueStateTracker, domain: Domain):
    prediction = policy.predict_action_probabilities(tracker, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    if prediction.probabilities[best] < 1.0:
        return None, prediction
    return domain.action_names_or_texts[best], prediction


def test_an_emergency_is_forced_with_its_reason(policy, domain) -> None:
    action, prediction = _forced(policy, _tracker(domain, _said(EMERGENCY)), domain)
    assert action == sp.EMERGENCY_RESPONSE
    assert prediction.is_no_user_prediction  # outranks an active form's happy path
    reason = {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}
    assert "knife" in reason[sp.RISK_REASON_SLOT].lower()


def test_the_policy_reads_the_text_not_the_intent(policy, domain) -> None:
    """A typed `/greet` payload or a mis-classified intent cannot bypass the rules."""
    tracker = _tracker(domain, _said(EMERGENCY, intent="greet"))
    assert _forced(policy, tracker, domain)[0] == sp.EMERGENCY_RESPONSE


def test_terrorism_that_is_not_imminent_goes_to_the_police(policy, domain) -> None:
    assert _forced(policy, _tracker(domain, _said(POLICE)), domain)[0] == sp.POLICE_RESPONSE


def test_a_calm_message_is_left_to_the_other_policies(policy, domain) -> None:
    action, prediction = _forced(policy, _tracker(domain, _said(CALM)), domain)
    assert action is None
    assert not prediction.events


def test_an_emergency_inside_a_form_pauses_it_and_keeps_its_name(policy, domain) -> None:
    form = domain.form_names[0]
    tracker = _tracker(domain, _said(EMERGENCY, intent="inform"), form=form)
    action, prediction = _forced(policy, tracker, domain)
    assert action == sp.EMERGENCY_RESPONSE
    slots = {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}
    assert slots[sp.PAUSED_FORM_SLOT] == form
    assert slots[REQUESTED_SLOT] is None
    assert any(isinstance(e, ActiveLoop) and e.name is None for e in prediction.events)


def test_after_police_advice_the_form_goes_on_with_the_message(policy, domain) -> None:
    form = domain.form_names[0]
    tracker = _tracker(
        domain, _said(POLICE, intent="inform"), ActionExecuted(sp.POLICE_RESPONSE), form=form
    )
    assert _forced(policy, tracker, domain)[0] == form


def test_after_the_emergency_reply_the_assistant_listens(policy, domain) -> None:
    tracker = _tracker(domain, _said(EMERGENCY), ActionExecuted(sp.EMERGENCY_RESPONSE))
    assert _forced(policy, tracker, domain)[0] == ACTION_LISTEN_NAME


def test_a_weak_sign_of_danger_is_asked_about_once_then_answered(policy, domain) -> None:
    doubtful = "she mentioned something about pills in her bag"
    first, prediction = _forced(policy, _tracker(domain, _said(doubtful)), domain)
    assert first == sp.CHECK_RESPONSE
    reason = {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}
    assert "pills" in reason[sp.RISK_REASON_SLOT].lower()
    asked = _tracker(domain, _said(doubtful), ActionExecuted(sp.CHECK_RESPONSE))
    assert _forced(policy, asked, domain)[0] == sp.RESUME_AFTER_CHECK


def test_inside_a_form_the_answer_goes_to_the_form_after_the_question(policy, domain) -> None:
    """Asked once; the resume action reverts both steps; the form then takes the message."""
    doubtful = "she mentioned something about pills in her bag"
    form = domain.form_names[0]
    resumed = _tracker(
        domain,
        _said(doubtful, intent="inform"),
        ActionExecuted(sp.CHECK_RESPONSE),
        ActionExecuted(sp.RESUME_AFTER_CHECK),
        ActionReverted(),
        ActionReverted(),
        form=form,
    )
    assert resumed.latest_action_name == ACTION_LISTEN_NAME
    assert _forced(policy, resumed, domain)[0] == form


def test_a_failed_custom_action_is_made_visible(policy, domain) -> None:
    ours = next(a for a in domain.user_actions if a.startswith("action_"))
    executed = ActionExecuted(ours, policy="RulePolicy", confidence=1.0)
    tracker = _tracker(domain, _said(CALM), executed)
    assert _forced(policy, tracker, domain)[0] == sp.FAILURE_RESPONSE


def test_an_action_that_left_events_has_not_failed(policy, domain) -> None:
    ours = next(a for a in domain.user_actions if a.startswith("action_"))
    executed = ActionExecuted(ours, policy="RulePolicy", confidence=1.0)
    tracker = _tracker(domain, _said(CALM), executed, SlotSet(sp.RISK_REASON_SLOT, None))
    assert _forced(policy, tracker, domain)[0] is None


def test_replayed_story_actions_are_not_failures(policy, domain) -> None:
    ours = next(a for a in domain.user_actions if a.startswith("action_"))
    tracker = _tracker(domain, _said(CALM), ActionExecuted(ours))  # no policy: replayed
    assert _forced(policy, tracker, domain)[0] is None


# -- a reply read as an answer to what was asked (ctx12, bot/risk/in_context.py) -------------

DENIAL_WITH_CONTEXT = "no, he hasn't got a knife on him right now"
DENIAL_WITH_A_THREAT = "No, but he told me he's bringing a machete to school on Monday"


def _in_triage(domain: Domain, slot: str, *events: Any) -> DialogueStateTracker:
    return _tracker(domain, SlotSet(REQUESTED_SLOT, slot), *events, form="triage_form")


def test_a_denial_answering_the_danger_question_is_no_999(policy, domain) -> None:
    """Alone, the words read as a 999 (a knife, "right now"); as the answer to the
    triage's danger question they are a no, and the form takes them."""
    alone = _tracker(domain, _said(DENIAL_WITH_CONTEXT))
    assert _forced(policy, alone, domain)[0] == sp.EMERGENCY_RESPONSE
    answered = _in_triage(domain, "triage_immediate_risk", _said(DENIAL_WITH_CONTEXT, "deny"))
    assert _forced(policy, answered, domain)[0] != sp.EMERGENCY_RESPONSE


def test_a_denial_after_the_danger_check_is_no_999(policy, domain) -> None:
    """Outside a form, the question asked was "Is anyone in danger right now?" itself."""
    earlier = "she mentioned something about pills in her bag"
    tracker = _tracker(
        domain,
        _said(earlier),
        ActionExecuted(sp.CHECK_RESPONSE),
        ActionExecuted(sp.RESUME_AFTER_CHECK),
        ActionReverted(),
        ActionReverted(),
        ActionExecuted("action_answer_guidance"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _said(DENIAL_WITH_CONTEXT, "deny"),
    )
    assert sp.asked_before(tracker).kinds == {"danger"}  # type: ignore[union-attr]
    assert _forced(policy, tracker, domain)[0] != sp.EMERGENCY_RESPONSE


def test_a_denial_that_adds_a_threat_still_gets_999_and_pauses_the_form(policy, domain) -> None:
    tracker = _in_triage(domain, "triage_immediate_risk", _said(DENIAL_WITH_A_THREAT, "deny"))
    action, prediction = _forced(policy, tracker, domain)
    assert action == sp.EMERGENCY_RESPONSE
    reason = {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}
    assert "machete" in reason[sp.RISK_REASON_SLOT].lower()


def test_the_question_comes_from_the_vtr_form_too(policy, domain) -> None:
    tracker = _tracker(domain, SlotSet(REQUESTED_SLOT, "vtr_intent"), _said("no"), form="vtr_form")
    assert sp.asked_before(tracker).kinds == {"threat"}  # type: ignore[union-attr]
