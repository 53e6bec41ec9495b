""" "Should I refer?" again in the middle of the triage, through the Rasa actions: the
form's validator carries on (no "didn't get that", no retry counted, no fact dropped), and
the start action, run by the rule when the form was paused (the safety check's 999 reply),
keeps the facts and adds the message's instead of starting afresh."""

from __future__ import annotations

from pathlib import Path

from bot.actions.triage import ActionStartTriage, ValidateTriageForm
from bot.wording import phrase
from tests.actions.conftest import responses, run, slots_set, user_turn

UNDER_WAY = {
    "requested_slot": "triage_intent",
    "triage_immediate_risk": "no",
    "triage_age": 15,
    "triage_age_group": "child",
    "triage_ideology": "yes",
    "triage_engagement": "yes",
    "last_answer": "triage_started",
}
FACTS = {k: v for k, v in UNDER_WAY.items() if k.startswith("triage_")}


def _texts(messages: list[dict]) -> list[str]:
    return [m.get("text") or "" for m in messages]


def test_the_form_carries_on_when_asked_again(var: Path) -> None:
    for intent in ("start_triage", "inform", "ask_guidance"):
        tracker = user_turn(
            "so should I refer him or not?", intent, slots=UNDER_WAY, active_loop="triage_form"
        )
        events, messages = run(ValidateTriageForm(), tracker)
        slots = slots_set(events)
        assert "utter_triage_not_understood" not in responses(messages), intent
        assert phrase("actions.triage.carry_on") in _texts(messages), intent
        assert slots.get("triage_retries") == 0
        assert slots["requested_slot"] == "triage_intent"  # the open question, asked again
        assert all(slots.get(k, v) == v for k, v in FACTS.items())
        assert slots.get("triage_intent") is None


#: What the safety check's 999 reply leaves behind (bot/rasa_ext/safety_policy.py): the form
#: paused, its question closed.
PAUSED = {**UNDER_WAY, "requested_slot": None, "paused_form": "triage_form"}
STARTED = [{"event": "action", "name": "action_start_triage"}]


def test_the_start_action_keeps_the_facts_of_a_paused_triage(var: Path) -> None:
    tracker = user_turn(
        "Should I refer? He's also been telling his friends that soldiers deserve to die",
        "start_triage",
        slots=PAUSED,
        before=STARTED,
    )
    events, messages = run(ActionStartTriage(), tracker)
    slots = slots_set(events)
    assert "utter_triage_intro" not in responses(messages)
    assert phrase("actions.triage.carry_on") in _texts(messages)
    kept = {k: v for k, v in FACTS.items() if k != "triage_immediate_risk"}
    assert all(slots.get(k, v) == v for k, v in kept.items()), slots
    assert slots.get("triage_intent") == "yes"  # what the repeated message adds
    assert slots["paused_form"] is None and slots["requested_slot"] is None
    # after a 999 reply the earlier "nobody is in danger" is not trusted: asked again first
    assert slots["triage_immediate_risk"] is None
    # the form then runs as on an opening: it keeps every fact and asks what is still open
    resumed = {**PAUSED, **slots}
    tracker = user_turn(tracker.latest_message["text"], "start_triage", slots=resumed)
    events, _ = run(ValidateTriageForm(), tracker)
    after = {**resumed, **slots_set(events)}
    assert all(after.get(k) == v for k, v in kept.items())
    assert after["requested_slot"] == "triage_immediate_risk"
    answered = {**after, "requested_slot": "triage_immediate_risk"}
    tracker = user_turn("no, he's been sent home", slots=answered, active_loop="triage_form")
    events, _ = run(ValidateTriageForm(), tracker)
    after = {**answered, **slots_set(events)}
    assert after["requested_slot"] not in ("triage_age_group", "triage_intent")  # not again


def test_after_an_outcome_a_new_request_starts_afresh(var: Path) -> None:
    done = {**FACTS, "last_answer": "outcome", "triage_outcome": "refer"}
    tracker = user_turn("should I refer?", "start_triage", slots=done, before=STARTED)
    events, messages = run(ActionStartTriage(), tracker)
    slots = slots_set(events)
    assert "utter_triage_intro" in responses(messages)
    assert all(slots[k] is None for k in FACTS)


def test_after_stop_a_new_request_starts_afresh(var: Path) -> None:
    # "stop" sets stopped_form (a slot: the guidance action sees only the latest turns)
    stopped = [*STARTED, {"event": "action", "name": "action_stop_form"}]
    slots = {**PAUSED, "stopped_form": "triage_form"}
    tracker = user_turn("should I refer?", "start_triage", slots=slots, before=stopped)
    events, messages = run(ActionStartTriage(), tracker)
    assert "utter_triage_intro" in responses(messages)
    assert all(slots_set(events)[k] is None for k in FACTS)
