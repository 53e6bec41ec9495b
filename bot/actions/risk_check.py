"""After "Is anyone in danger right now?": step back so the usual answer follows (issue 12).

The safety-net policy sends `utter_check_danger` before anything else when a message shows
a weak sign of danger. Rasa's rules then no longer see "the user just spoke", so this
action reverts itself and the question in the dialogue state (the message stays in the
log and on screen): the next prediction is the one the message would have had anyway,
and an active form takes the message as its answer (`_common.SAFETY_REPLIES`).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionReverted, EventType
from rasa_sdk.executor import CollectingDispatcher


class ActionResumeAfterCheck(Action):
    """Undo this action and `utter_check_danger` in the dialogue state, nothing else."""

    def name(self) -> str:
        return "action_resume_after_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [ActionReverted(), ActionReverted()]
