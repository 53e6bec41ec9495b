"""What Rasa sends the action server with each action call: the whole session, except to
the actions that provably read none of it.

Rasa 3.6 sends every call the tracker's state *with every event of the session*
(`EventVerbosity.ALL`), as JSON: at turn 150 of one conversation about 1,200 events,
serialised by Rasa (`as_dict` + `json.dumps`) and parsed again by the action server, for
every action call. Under py-spy that was the largest cost growing with session length on
both servers (about 40 % of the Rasa server's extra time per turn at turn 150, most of the
action server's).

Most actions never look at past events: they read the slots, the latest message and the
active loop, which the call carries whatever the events. For the actions named in
`RECENT_ONLY` the call carries only the events from the user's previous message on (the
last two user turns: the SDK's `get_latest_input_channel` and `slots_to_validate` read the
latest turn only); every other part of the call (slots, latest message, loop, latest
action, followup action, latest event time, latest input channel) is computed from the
whole tracker exactly as Rasa does. Every other action still gets the whole session.

Why a list, and how it is kept right: `tests/runtime/test_action_payload.py` reads the
source of bot/actions and fails if an action in `RECENT_ONLY` can reach (through its own
methods, its base classes' and any function of bot/actions it calls) code that reads
`tracker.events` or another history method of the SDK, or passes the tracker to code
outside bot/actions; it also runs those actions on long conversations with the whole
session and with the trimmed one and compares what they return and say.
"""

from __future__ import annotations

from typing import Any

#: Actions that read no event older than the user's latest message (checked in the tests).
RECENT_ONLY: frozenset[str] = frozenset(
    {
        "action_add_more",
        "action_answer_guidance",
        "action_ask_concern_text",
        "action_concern_export",
        "action_concern_list",
        "action_concern_open",
        "action_concern_start",
        "action_concern_submit",
        "action_confirm_draft",
        "action_delete_draft",
        "action_edit_field",
        "action_explain_question",
        "action_keep_draft",
        "action_list_drafts",
        "action_referral_news",
        "action_resend_link",
        "action_resume",
        "action_resume_after_check",
        "action_start_triage",
        "action_stop_form",
        "action_talk_to_person",
        "action_vtr_summary",
    }
)

#: User messages whose turns are sent to a `RECENT_ONLY` action (the latest and the one
#: before it: a margin, the actions read back to the latest one at most).
USER_TURNS_SENT = 2


def recent_events(events: Any, user_turns: int = USER_TURNS_SENT) -> list[Any]:
    """The events from the `user_turns`-th last user message on (all, if fewer), found by
    walking back from the end: its cost does not grow with the session."""
    from rasa.shared.core.events import UserUttered

    kept: list[Any] = []
    seen = 0
    for event in reversed(events):
        kept.append(event)
        if isinstance(event, UserUttered):
            seen += 1
            if seen >= user_turns:
                break
    kept.reverse()
    return kept


def apply() -> None:
    """Send trimmed events to `RECENT_ONLY` actions (Rasa server only)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    original = RemoteAction._action_call_format
    if getattr(original, "_prevent_trimmed", False):
        return

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        if self.name() not in RECENT_ONLY:
            return original(self, tracker, domain)
        # Everything as Rasa computes it, events aside (NONE skips only their serialising).
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in recent_events(tracker.events)]
        # The call as Rasa makes it (domain included or not, version), with this state.
        result = original(self, _StateOnly(tracker, state), domain)
        return result

    _action_call_format._prevent_trimmed = True  # type: ignore[attr-defined]
    RemoteAction._action_call_format = _action_call_format


class _StateOnly:
    """Stands in for the tracker in Rasa's `_action_call_format`, which asks it only for
    its sender id and its state."""

    def __init__(self, tracker: Any, state: dict[str, Any]) -> None:
        self.sender_id = tracker.sender_id
        self._state = state

    def current_state(self, event_verbosity: Any = None) -> dict[str, Any]:
        return self._state
