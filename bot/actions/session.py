"""Session actions: resume what was paused, and start sessions with any pending notices."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from bot.actions._common import NeverRaise
from bot.config import get_config
from bot.referral import get_store
from bot.referral.drafts import PURGE_NOTICE


class ActionResume(NeverRaise, Action):
    """ "Continue": the form an emergency or "stop" paused, else the latest open draft."""

    def name(self) -> str:
        return "action_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = tracker.get_slot("paused_form")
        if form and form in (domain.get("forms") or {}):
            return [SlotSet("paused_form", None), ActiveLoop(None), FollowupAction(form)]
        draft = get_store().latest_open(tracker.sender_id)
        if draft is not None:
            return [
                SlotSet("draft_id", draft.id),
                SlotSet("last_answer", "draft_resumed"),
                FollowupAction("vtr_form"),
            ]
        dispatcher.utter_message(response="utter_nothing_to_resume")
        return [SlotSet("last_answer", "nothing_to_resume")]


class ActionSessionStart(NeverRaise, Action):
    """Rasa's session start, plus reminders due to this user (drafts about to be purged)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        carried = [
            SlotSet(name, value)
            for name, value in tracker.slots.items()
            if value is not None and name != "session_started_metadata"
        ]
        try:
            notices = get_store().take_notices(tracker.sender_id)
        except Exception:  # a reminder must never block a conversation from starting
            notices = []
        days = get_config().draft_retention_days
        for kind, ref, due in notices:
            if kind == PURGE_NOTICE:
                dispatcher.utter_message(
                    response="utter_draft_purge_notice",
                    draft_ref=ref,
                    due=f"{due:%d/%m/%Y}" if due else "soon",
                    days=days,
                )
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]
