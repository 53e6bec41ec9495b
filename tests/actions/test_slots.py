"""Conversation state is kept in typed slots, each set by one action and read by another;
no slot holds a string to be parsed back ("outcome:x", "decide:C-…:kind")."""

from __future__ import annotations

from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.concerns import ActionAskConcernText, _slots_for
from bot.actions.referral import ActionEditField, ActionStartReferral
from bot.actions.triage import ActionStartTriage, ActionTriageOutcome
from bot.concerns import DECISIONS
from bot.services import services
from bot.triage.rules import OUTCOMES
from tests.actions.conftest import DOMAIN, responses, run, slots_set, user_turn


def test_the_outcome_is_a_typed_slot_and_last_answer_only_says_one_was_given():
    events, messages = run(
        ActionTriageOutcome(), user_turn("no", "deny", slots={"triage_immediate_risk": "yes"})
    )
    assert responses(messages) == ["utter_triage_outcome"]
    assert slots_set(events) == {"triage_outcome": "emergency", "last_answer": "outcome"}
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles and all(titles)  # interface wording, looked up


def test_every_outcome_the_table_can_give_fits_the_slot_and_a_new_triage_clears_it():
    assert set(DOMAIN["slots"]["triage_outcome"]["values"]) == set(OUTCOMES)
    events, _ = run(ActionStartTriage(), user_turn("should I refer?", "start_triage"))
    assert slots_set(events)["triage_outcome"] is None


def test_the_area_is_a_shortcut_only_right_after_an_outcome():
    slots = {"triage_outcome": "consult_dsl", "triage_immediate_risk": "no"}
    later = {**slots, "last_answer": "prevent_duty"}  # a guidance answer came in between
    _, messages = run(ActionStartTriage(), user_turn("we're in Southend", slots=later))
    assert responses(messages) == ["utter_triage_intro"]


def test_a_draft_started_after_a_triage_carries_the_outcome_from_its_slot(var: Path):
    tracker = user_turn("start a referral", "start_referral", slots={"triage_outcome": "refer"})
    events, _ = run(ActionStartReferral(), tracker)
    draft = services().drafts.get(owner_id(tracker), slots_set(events)["draft_id"])
    assert draft.triage["outcome"] == "refer"


def test_change_a_field_marks_the_draft_and_reopens_the_form(var: Path):
    store = services().drafts
    tracker = user_turn("change the surname", "edit_field")
    draft = store.create(owner_id(tracker))
    store.save(owner_id(tracker), draft)
    tracker.slots["draft_id"] = draft.id
    events, _ = run(ActionEditField(), tracker)
    assert slots_set(events)["last_answer"] == "editing"  # an id; the field is in the draft
    assert slots_set(events)["vtr_surname"] is None
    assert store.get(owner_id(tracker), draft.id).editing == "surname"
    assert {"event": "followup", "name": "vtr_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_the_concern_task_slots_are_typed_and_choose_the_questions(var: Path):
    assert set(DOMAIN["slots"]["concern_task_decision"]["values"]) == set(DECISIONS)
    assert _slots_for("raise", None) == ["concern_words", "concern_when", "concern_where"]
    assert _slots_for("decide", "monitor") == ["concern_text", "concern_review"]
    assert _slots_for("decide", "nfa") == ["concern_text"]
    slots = {
        "concern_task": "decide",
        "concern_task_ref": "C-ABCDEF",
        "concern_task_decision": "monitor",
    }
    events, messages = run(ActionAskConcernText(), user_turn("x", slots=slots))
    assert responses(messages) == ["utter_ask_concern_reasons"]
    assert messages[0]["concern_ref"] == "C-ABCDEF" and messages[0]["decision"]
    assert slots_set(events) == {"last_answer": "concern_ask_text:decide"}
