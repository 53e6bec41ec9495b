"""A date of birth changed in words from the summary: a question that now applies (capacity
from 16) is asked before the summary; an answer that no longer applies is dropped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.referral import ActionEditField, ValidateVtrForm
from bot.referral import Draft, get_form
from bot.referral.progress import applies
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn


def _born(years: int) -> str:
    today = date.today()
    day = 1 if (today.month, today.day) == (2, 29) else today.day
    return f"{day:02d}/{today.month:02d}/{today.year - years}"


def _draft(years: int, capacity: str = "") -> str:
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    draft.values.update({"forename": "Zebedee", "surname": "Quill", "date_of_birth": _born(years)})
    if capacity:
        draft.values["capacity"] = capacity
    store.save(owner, draft)
    return draft.id


def _followup(events: list[dict]) -> str | None:
    return next((e["name"] for e in events if e.get("event") == "followup"), None)


def test_a_dob_now_16_plus_goes_to_the_form_for_the_capacity_question(var: Path):
    draft_id = _draft(14)
    tracker = user_turn(
        f"actually his date of birth is {_born(17)}", "edit_field", slots={"draft_id": draft_id}
    )
    events, messages = run(ActionEditField(), tracker)
    assert "utter_vtr_corrected" in responses(messages)
    assert _followup(events) == "vtr_form"  # the new question first, then the summary
    note = messages[responses(messages).index("utter_field_kept_unchecked")]["note"]
    assert "Capacity" in note
    assert slots_set(events).get("vtr_capacity", "absent") is None


def test_a_dob_now_under_16_drops_capacity_and_shows_the_summary(var: Path):
    draft_id = _draft(17, capacity="Some doubt about his capacity.")
    tracker = user_turn(
        f"change his date of birth to {_born(15)}", "edit_field", slots={"draft_id": draft_id}
    )
    events, _ = run(ActionEditField(), tracker)
    values = services().drafts.get(owner_id(tracker), draft_id).values
    assert "capacity" not in values
    assert _followup(events) == "action_vtr_summary"
    assert slots_set(events).get("vtr_capacity", "absent") is None


def test_crossing_18_keeps_capacity_and_shows_the_summary(var: Path):
    draft_id = _draft(17, capacity="Some doubt about his capacity.")
    tracker = user_turn(
        f"change his date of birth to {_born(19)}", "edit_field", slots={"draft_id": draft_id}
    )
    events, _ = run(ActionEditField(), tracker)
    values = services().drafts.get(owner_id(tracker), draft_id).values
    assert values["capacity"] == "Some doubt about his capacity."
    assert _followup(events) == "action_vtr_summary"
    assert slots_set(events)["vtr_age_group"] == "adult"


def _complete(years: int) -> str:
    """A draft at the summary: every question that applies answered."""
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    probe = Draft(values={"date_of_birth": _born(years)})
    draft.values["date_of_birth"] = _born(years)
    for spec in get_form().fields:
        if spec.ask_in_chat and applies(spec, probe) and not draft.answered(spec.id):
            draft.values[spec.id] = "yes" if spec.type == "yes_no" else "unknown"
    draft.values.update(referrer_phone="01702 123456", forename="Zebedee")
    draft.concern_done = True
    draft.editing = "date_of_birth"  # "change the date of birth": the form asks it again
    store.save(owner, draft)
    return draft.id


def test_change_the_dob_then_the_form_asks_the_new_question_and_the_whole_summary(var: Path):
    draft_id = _complete(14)
    slots = {"draft_id": draft_id, "requested_slot": "vtr_date_of_birth"}
    events, messages = run(
        ValidateVtrForm(), user_turn(_born(17), slots=slots, active_loop="vtr_form")
    )
    set_ = slots_set(events)
    assert set_["requested_slot"] == "vtr_capacity"
    note = messages[responses(messages).index("utter_field_kept_unchecked")]["note"]
    assert "Capacity" in note
    assert not set_.get("vtr_edited")  # the summary afterwards is the whole summary


def test_change_the_dob_with_nothing_new_to_ask_shows_that_field_changed(var: Path):
    draft_id = _complete(17)
    slots = {"draft_id": draft_id, "requested_slot": "vtr_date_of_birth"}
    events, _ = run(ValidateVtrForm(), user_turn(_born(19), slots=slots, active_loop="vtr_form"))
    set_ = slots_set(events)
    assert set_.get("requested_slot") is None
    assert set_["vtr_edited"] == "date_of_birth"


def test_a_name_in_place_of_the_first_answer_is_kept_and_the_question_asked_again(var: Path):
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    store.save(owner, draft)
    slots = {"draft_id": draft.id, "requested_slot": "vtr_imminent_risk"}
    events, messages = run(
        ValidateVtrForm(), user_turn("His name is Kofi Mensah", slots=slots, active_loop="vtr_form")
    )
    values = store.get(owner, draft.id).values
    assert values["forename"] == "Kofi" and values["surname"] == "Mensah"
    said = responses(messages)
    assert "utter_field_problem" not in said
    assert "Kofi Mensah" in messages[said.index("utter_field_kept_unchecked")]["note"]
    assert slots_set(events)["requested_slot"] == "vtr_imminent_risk"


def test_change_capacity_for_a_younger_person_says_why_and_asks_nothing(var: Path):
    draft_id = _draft(14)
    tracker = user_turn("change the capacity", "edit_field", slots={"draft_id": draft_id})
    events, messages = run(ActionEditField(), tracker)
    assert "utter_field_kept_unchecked" in responses(messages)
    assert _followup(events) is None
    assert services().drafts.get(owner_id(tracker), draft_id).editing is None
