"""Draft actions that say what a draft holds: the summary by section, "my drafts", and the
delete question that pauses the form and, on "no", goes back to the same question."""

from __future__ import annotations

from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.referral import (
    ActionAskDeleteDraft,
    ActionKeepDraft,
    ActionListDrafts,
    ActionVtrSummary,
)
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn


def _draft(**values: str) -> str:
    store = services().drafts
    owner = owner_id(user_turn("x"))
    draft = store.create(owner)
    draft.values.update(values)
    store.save(owner, draft)
    return draft.id


def test_the_summary_lists_each_section_with_a_line_per_answer(var: Path):
    draft_id = _draft(imminent_risk="no", forename="Zebedee", surname="Quill")
    events, messages = run(ActionVtrSummary(), user_turn("summary", slots={"draft_id": draft_id}))
    assert responses(messages) == ["utter_vtr_summary"]
    said = messages[0]
    sections = said["summary"].split("\n\n")
    assert sections[1].splitlines() == [
        "About the person",
        "• First name(s): Zebedee",
        "• Surname: Quill",
    ]
    assert said["missing"].startswith("Still needed")  # the rest is missing
    assert slots_set(events)["last_answer"] == "vtr_summary"


def test_my_drafts_lists_each_draft_on_a_line_with_its_name(var: Path):
    _draft(forename="Zebedee", surname="Quill")
    _, messages = run(ActionListDrafts(), user_turn("my drafts", "list_drafts"))
    lines = messages[responses(messages).index("utter_my_drafts")]["drafts"].splitlines()
    assert len(lines) == 1 and lines[0].startswith("• ") and "updated" in lines[0]


def test_delete_pauses_the_form_and_no_goes_back_to_the_same_question(var: Path):
    draft_id = _draft(forename="Zebedee", surname="Quill")
    asked = user_turn(
        "delete my draft",
        "delete_draft",
        slots={"draft_id": draft_id, "requested_slot": "vtr_date_of_birth"},
        active_loop="vtr_form",
    )
    events, messages = run(ActionAskDeleteDraft(), asked)
    assert responses(messages) == ["utter_ask_delete"]
    assert "Zebedee Quill" in messages[0]["draft_name"]
    slots = slots_set(events)
    assert slots["pending_delete"] == draft_id and slots["delete_resumes_form"] is True
    kept = user_turn("no", "deny", slots={"draft_id": draft_id, **slots})
    events, messages = run(ActionKeepDraft(), kept)
    assert responses(messages) == ["utter_draft_kept"]
    assert {"event": "followup", "name": "vtr_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert services().drafts.get(owner_id(kept), draft_id).values["forename"] == "Zebedee"
