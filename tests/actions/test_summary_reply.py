"""A reply to the draft's summary that is neither "confirm" nor a change (a persona's "No,
nobody is in immediate danger", a name typed again) shows the summary again instead of
starting a triage that swallowed the "confirm" after it (t13b probe class)."""

from __future__ import annotations

from pathlib import Path

from rasa_sdk.events import FollowupAction

from bot.actions.triage import ActionStartTriage
from tests.actions.conftest import responses, run, slots_set, user_turn

AT_SUMMARY = {"last_answer": "vtr_summary", "draft_id": "d-1"}


def test_a_stray_reply_at_the_summary_shows_it_again(var: Path) -> None:
    for text in ("No, nobody is in immediate danger", "Dana Whitfield", "ok"):
        events, messages = run(ActionStartTriage(), user_turn(text, slots=AT_SUMMARY))
        assert FollowupAction("action_vtr_summary") in events, text
        assert "utter_triage_intro" not in responses(messages)


def test_a_worry_at_the_summary_still_starts_the_triage(var: Path) -> None:
    text = "Should I refer another pupil? A girl in year 8 keeps praising the Taliban"
    events, messages = run(ActionStartTriage(), user_turn(text, slots=AT_SUMMARY))
    assert "utter_triage_intro" in responses(messages)
    assert slots_set(events)["last_answer"] == "triage_started"


def test_without_a_summary_open_the_triage_starts(var: Path) -> None:
    events, messages = run(ActionStartTriage(), user_turn("No, nobody is in danger"))
    assert "utter_triage_intro" in responses(messages)
