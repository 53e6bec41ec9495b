"""Edits from the summary in the user's own words: the field changes (validated), the
reply says so and the summary is shown again; a value that does not fit is told, the old
answer is kept and that question is asked again."""

from __future__ import annotations

from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.referral import ActionEditField
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn

VALUES = {"forename": "Zebedee", "surname": "Quill", "school": "Old School",
          "date_of_birth": "03/04/2010"}  # fmt: skip


def _draft() -> str:
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    draft.values.update(VALUES)
    store.save(owner, draft)
    return draft.id


def _values(draft_id: str) -> dict[str, str]:
    return services().drafts.get(owner_id(user_turn("x")), draft_id).values


def _followup(events: list[dict]) -> str | None:
    return next((e["name"] for e in events if e.get("event") == "followup"), None)


def test_change_with_its_value_changes_the_field_and_shows_the_summary_again(var: Path):
    draft_id = _draft()
    tracker = user_turn(
        "change his school to Riverside Free School", "edit_field", slots={"draft_id": draft_id}
    )
    events, messages = run(ActionEditField(), tracker)
    assert _values(draft_id)["school"] == "Riverside Free School"
    said = responses(messages)
    assert "utter_vtr_corrected" in said
    assert messages[said.index("utter_vtr_corrected")]["value"] == "Riverside Free School"
    assert _followup(events) == "action_vtr_summary"
    assert slots_set(events).get("vtr_edited") is None  # the whole summary, not one line


def test_a_date_of_birth_in_words_from_the_summary(var: Path):
    draft_id = _draft()
    tracker = user_turn(
        "actually his date of birth is the fourth of May 2010", "inform",
        slots={"draft_id": draft_id},
    )
    events, _ = run(ActionEditField(), tracker)
    assert _values(draft_id)["date_of_birth"] == "04/05/2010"
    assert slots_set(events)["vtr_age_group"] == "child"


def test_a_value_that_does_not_fit_is_told_and_that_question_asked_again(var: Path):
    draft_id = _draft()
    tracker = user_turn(
        "actually his date of birth is 31/02/2010", "edit_field", slots={"draft_id": draft_id}
    )
    events, messages = run(ActionEditField(), tracker)
    assert _values(draft_id)["date_of_birth"] == "03/04/2010"  # the old answer is kept
    problem = messages[responses(messages).index("utter_field_problem")]["problem"]
    assert "31/02/2010" in problem
    assert _followup(events) == "vtr_form"
    assert services().drafts.get(owner_id(tracker), draft_id).editing == "date_of_birth"


def test_an_edit_in_the_middle_of_the_form_goes_back_to_the_form(var: Path):
    draft_id = _draft()
    tracker = user_turn(
        "the address should be 4 Elm Row, Basildon SS14 1AA",
        "edit_field",
        slots={"draft_id": draft_id, "requested_slot": "vtr_gender"},
        active_loop="vtr_form",
    )
    events, _ = run(ActionEditField(), tracker)
    assert _values(draft_id)["address"] == "4 Elm Row, Basildon SS14 1AA"
    assert _followup(events) == "vtr_form"


def test_naming_the_field_alone_still_asks_it_again(var: Path):
    draft_id = _draft()
    tracker = user_turn("change the date of birth", "edit_field", slots={"draft_id": draft_id})
    events, _ = run(ActionEditField(), tracker)
    assert _followup(events) == "vtr_form"
    assert _values(draft_id)["date_of_birth"] == "03/04/2010"


def test_a_story_question_keeps_a_reply_that_reads_like_should_be(var: Path):
    """ "The school should be told ..." answering "what has been done about it?" is that
    answer, not a change of the school field."""
    draft_id = _draft()
    typed = "the school should be keeping a closer eye on his phone use at lunch"
    tracker = user_turn(
        typed,
        "edit_field",
        slots={"draft_id": draft_id, "requested_slot": "vtr_action_taken"},
        active_loop="vtr_form",
    )
    events, _ = run(ActionEditField(), tracker)
    values = _values(draft_id)
    assert values["school"] == "Old School"
    assert values["action_taken"] == typed
    assert _followup(events) == "vtr_form"
