"""Session actions: resume what an emergency or "stop" paused, or the latest draft."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActiveLoop,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from bot.actions._common import NeverRaise, deliver_notices, owner_id
from bot.services import services


class ActionResume(NeverRaise, Action):
    """ "Continue": the form an emergency or "stop" paused, else the latest open draft."""

    def name(self) -> str:
        return "action_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        deliver_notices(dispatcher, tracker)
        form = tracker.get_slot("paused_form")
        if form and form in (domain.get("forms") or {}):
            resumed: list[EventType] = [SlotSet("paused_form", None), SlotSet("stopped_form", None)]
            return [*resumed, ActiveLoop(None), FollowupAction(form)]
        draft = services().drafts.latest_open(owner_id(tracker))
        if draft is not None:
            return [
                SlotSet("draft_id", draft.id),
                SlotSet("last_answer", "draft_resumed"),
                FollowupAction("vtr_form"),
            ]
        dispatcher.utter_message(response="utter_nothing_to_resume")
        return [SlotSet("last_answer", "nothing_to_resume")]


class ActionReferralNews(NeverRaise, Action):
    """News of referrals already sent (delivered, status, questions); said after a greeting too.

    Asked for ("any news?"), it says so when there is none; after a greeting it stays quiet.
    """

    def name(self) -> str:
        return "action_referral_news"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        shown = deliver_notices(dispatcher, tracker)
        asked = (tracker.latest_message or {}).get("intent", {}).get("name") == "referral_news"
        if not shown and asked:
            dispatcher.utter_message(response="utter_no_referral_news")
        return [SlotSet("last_answer", f"news:{shown}")]
