"""Stop and continue around a form: "stop" closes it and remembers it, "continue" opens the
same form again (its validation then re-asks the open question, see test_form_base)."""

from __future__ import annotations

from pathlib import Path

from bot.actions.session import ActionResume
from bot.actions.triage import ActionStopForm
from tests.actions.conftest import DOMAIN, responses, run, slots_set, user_turn


def _kinds(events):
    return [(e.get("event"), e.get("name")) for e in events]


def test_stop_then_continue_goes_back_to_the_same_form(var: Path):
    stopped = user_turn(
        "stop", "stop", slots={"requested_slot": "concern_when"}, active_loop="concern_form"
    )
    events, messages = run(ActionStopForm(), stopped)
    assert responses(messages) == ["utter_form_stopped"]
    assert slots_set(events) == {
        "paused_form": "concern_form",
        "stopped_form": "concern_form",
        "requested_slot": None,
    }
    assert ("active_loop", None) in _kinds(events)
    assert "concern_form" in DOMAIN["forms"]
    resumed = user_turn("continue", "resume", slots={"paused_form": "concern_form"})
    events, _ = run(ActionResume(), resumed)
    assert slots_set(events) == {"paused_form": None, "stopped_form": None}
    assert _kinds(events)[-1] == ("followup", "concern_form")


def test_continue_with_nothing_paused_and_no_draft_says_so(var: Path):
    events, messages = run(ActionResume(), user_turn("continue", "resume"))
    assert responses(messages) == ["utter_nothing_to_resume"]
    assert slots_set(events) == {"last_answer": "nothing_to_resume"}
