"""On the last try, a phone number that still does not fit is kept as typed and the reply
says so (marked not checked), never silently."""

from __future__ import annotations

from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.referral import MAX_RETRIES, ValidateVtrForm
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn


def test_a_bad_phone_kept_on_the_last_try_is_said(var: Path):
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    draft.values.update(imminent_risk="no", forename="Zebedee", surname="Quill")
    store.save(owner, draft)
    slots = {"draft_id": draft.id, "requested_slot": "vtr_referrer_phone"}
    tracker = user_turn(
        "0770 12", slots={**slots, "vtr_retries": MAX_RETRIES}, active_loop="vtr_form"
    )
    events, messages = run(ValidateVtrForm(), tracker)
    said = responses(messages)
    assert "utter_field_kept_unchecked" in said
    note = messages[said.index("utter_field_kept_unchecked")]["note"]
    assert "0770 12" in note and "not checked" in note
    assert store.get(owner, draft.id).values["referrer_phone"] == "0770 12"
    assert slots_set(events)["requested_slot"] != "vtr_referrer_phone"  # it moves on
