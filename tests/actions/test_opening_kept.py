"""The message that starts a draft keeps what it says about the person: the start action
puts the name, date of birth and concern in the new draft, marks them answered (the form
does not ask them again) and says what it kept; a date that does not exist is said."""

from __future__ import annotations

from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.referral import ActionStartReferral
from bot.referral import fields_to_ask, get_form
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn

OPENING = (
    "I need to refer a pupil, Aled Pritchard, born the fifth of March 2010, he has been "
    "sharing far-right memes in the form group chat"
)


def test_the_opening_fills_the_draft_and_those_questions_are_not_asked(var: Path):
    tracker = user_turn(OPENING, "start_referral")
    events, messages = run(ActionStartReferral(), tracker)
    slots = slots_set(events)
    draft = services().drafts.get(owner_id(tracker), slots["draft_id"])
    assert draft.values["forename"] == "Aled"
    assert draft.values["surname"] == "Pritchard"
    assert draft.values["date_of_birth"] == "05/03/2010"
    assert draft.values["concern"].startswith("he has been sharing far-right memes")
    todo = fields_to_ask(get_form(), draft)  # what the form asks next
    assert not {"forename", "surname", "date_of_birth", "concern"} & set(todo)
    assert slots["vtr_age_group"] == "child"
    said = messages[responses(messages).index("utter_referral_prefilled")]["prefilled"]
    assert "first name" in said.lower() and "date of birth" in said.lower()


def test_a_date_that_does_not_exist_is_said_and_the_rest_is_kept(var: Path):
    tracker = user_turn(
        "I need to refer Aled Pritchard, born 30/02/2010, he has been sharing far-right memes",
        "start_referral",
    )
    events, messages = run(ActionStartReferral(), tracker)
    slots = slots_set(events)
    draft = services().drafts.get(owner_id(tracker), slots["draft_id"])
    assert "date_of_birth" not in draft.values
    assert draft.values["forename"] == "Aled"
    problem = messages[responses(messages).index("utter_field_problem")]["problem"]
    assert "30/02/2010" in problem


def test_a_bare_request_starts_an_empty_draft(var: Path):
    tracker = user_turn("I need to fill in a VTR referral form", "start_referral")
    events, messages = run(ActionStartReferral(), tracker)
    draft = services().drafts.get(owner_id(tracker), slots_set(events)["draft_id"])
    assert draft.values == {}
    assert "utter_referral_prefilled" not in responses(messages)
