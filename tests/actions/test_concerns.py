"""Concern actions with real stores: a DSL's list, a concern opened with its buttons, a
decision recorded through the typed task slots. Button titles come from interface wording."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.actions.concerns import (
    ActionConcernList,
    ActionConcernOpen,
    ActionConcernStart,
    ActionConcernSubmit,
)
from bot.services import services
from tests.actions.conftest import CHANNEL, responses, run, slots_set, user_turn

TEACHER, DSL = "teacher-1", "dsl-1"


@pytest.fixture()
def concern_ref(var: Path) -> str:
    org = services().orgs.add("St Mary's", "southend")
    concerns = services().concerns
    concerns.staff.enrol(TEACHER, CHANNEL, org.id, "teacher")
    concerns.staff.enrol(DSL, CHANNEL, org.id, "dsl")
    concern, _ = concerns.raise_concern(
        f"{CHANNEL}:{TEACHER}", "He drew a flag and said it starts at the fete", "Tuesday", "hall"
    )
    return concern.ref


def _ref_entity(ref: str) -> list[dict[str, str]]:
    return [{"entity": "concern_ref", "value": ref}]


def test_the_dsl_sees_the_list_with_an_open_button_for_each(concern_ref: str):
    events, messages = run(
        ActionConcernList(), user_turn("new concerns", "list_concerns", sender=DSL)
    )
    listing = messages[responses(messages).index("utter_concern_list")]
    assert concern_ref in listing["lines"] and listing["lines"].startswith("• ")
    assert [b["title"] for b in listing["buttons"]] == [f"Open {concern_ref}"]
    assert slots_set(events) == {"last_answer": "concerns:1"}


def test_opening_a_concern_offers_the_dsl_its_actions(concern_ref: str):
    tracker = user_turn(
        f"open {concern_ref}", "concern_open", entities=_ref_entity(concern_ref), sender=DSL
    )
    _, messages = run(ActionConcernOpen(), tracker)
    assert responses(messages) == ["utter_concern_view", "utter_concern_actions"]
    assert "Tuesday" in messages[0]["when"] and messages[0]["steps"].startswith("• ")
    titles = [b["title"] for b in messages[1]["buttons"]]
    assert len(titles) == 4 and all(titles)


def test_a_monitoring_decision_goes_through_the_typed_task_slots(concern_ref: str):
    tracker = user_turn(
        "monitor",
        "concern_decide",
        entities=[*_ref_entity(concern_ref), {"entity": "concern_decision", "value": "monitor"}],
        sender=DSL,
    )
    events, _ = run(ActionConcernStart(), tracker)
    task = slots_set(events)
    assert (task["concern_task"], task["concern_task_ref"], task["concern_task_decision"]) == (
        "decide",
        concern_ref,
        "monitor",
    )
    review = date.today() + timedelta(days=14)
    slots = {**task, "concern_text": "Watch and review", "concern_review": review.isoformat()}
    events, messages = run(ActionConcernSubmit(), user_turn("x", slots=slots, sender=DSL))
    assert responses(messages) == ["utter_concern_decided"]
    assert f"{review:%d/%m/%Y}" in messages[0]["extra"]
    cleared = slots_set(events)
    assert cleared["concern_task"] is None and cleared["concern_task_ref"] is None
    assert cleared["last_answer"] == "concern_decide"
    decision = services().concerns.open(f"{CHANNEL}:{DSL}", concern_ref).decision
    assert decision is not None and decision.data["decision"] == "monitor"
