"""Session actions: resume what an emergency or a pause interrupted."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionResume(Action):
    """Re-opens the form the safety net paused (its answers are still in the slots)."""

    def name(self) -> str:
        return "action_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = tracker.get_slot("paused_form")
        if not form or form not in (domain.get("forms") or {}):
            dispatcher.utter_message(response="utter_nothing_to_resume")
            return [SlotSet("last_answer", "nothing_to_resume")]
        return [SlotSet("paused_form", None), ActiveLoop(None), FollowupAction(form)]
