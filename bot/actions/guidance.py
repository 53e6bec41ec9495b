"""Guidance actions: answer a question with its citations, or say "not sure" and offer topics."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions._common import (
    NeverRaise,
    deliver_notices,
    intent_payload,
    latest_entity,
    latest_text,
    user_area,
)
from bot.actions.triage import start_triage
from bot.guidance import GuidanceAnswer, get_service
from bot.wording import phrase


def _topic_buttons(links: Any) -> list[dict[str, str]]:
    return [
        {"title": link.title, "payload": intent_payload("ask_guidance", guidance_topic=link.id)}
        for link in links
    ]


def utter_answer(dispatcher: CollectingDispatcher, answer: GuidanceAnswer) -> None:
    """Send one cited guidance answer (shared by every action that quotes guidance)."""
    dispatcher.utter_message(
        response="utter_guidance_answer_dated" if answer.dated else "utter_guidance_answer",
        guidance_answer=answer.answer,
        guidance_dated=answer.dated,
        guidance_sources="; ".join(answer.citation_labels),
        buttons=_topic_buttons(answer.related),
        json_message={"guidance_topic": answer.topic_id, "citations": list(answer.citations)},
    )


class ActionAnswerGuidance(NeverRaise, Action):
    """Answers from `guidance/`: by button topic id, else by retrieval over the text."""

    def name(self) -> str:
        return "action_answer_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text, topic_id = latest_text(tracker), latest_entity(tracker, "guidance_topic")
        service = get_service()
        in_form = bool(tracker.active_loop.get("name"))
        routing = service.routing(text) if topic_id is None else None
        if routing and routing.start_triage and not in_form:
            # "Should I refer a kid who keeps saying ...?", "should he be referred?" are a
            # triage, not a policy question.
            return [*start_triage(dispatcher), FollowupAction("triage_form")]
        area = user_area(tracker)
        # one search per turn: the routing's result is the answer's
        result = (
            service.answer_from(routing.result, area)
            if routing
            else service.answer(text, topic_id=topic_id, area_id=area)
        )
        if isinstance(result, GuidanceAnswer):
            utter_answer(dispatcher, result)
            if routing and routing.offer_triage and not in_form:
                # The question is answered first; the case can be worked through next.
                dispatcher.utter_message(response="utter_guidance_offer_triage")
            deliver_notices(dispatcher, tracker, reminders=False)
            return [SlotSet("last_answer", result.topic_id)]
        contact = result.area
        dispatcher.utter_message(
            response="utter_guidance_not_sure",
            area_name=contact.name,
            area_contact=_area_contact_line(contact),
            contacts_dated=service.base.contacts_dated,
            buttons=_topic_buttons(result.suggestions),
        )
        return [SlotSet("last_answer", "not_sure")]


class ActionTalkToPerson(NeverRaise, Action):
    """The people to talk to: the DSL first (SET 2.5), then the area's Annex B contacts."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        base = get_service().base
        area = base.area(user_area(tracker))
        dispatcher.utter_message(
            response="utter_talk_to_person",
            area_name=area.name,
            area_contacts="\n".join(_contact_line(c) for c in area.contacts),
            police_phone=base.police.phone,
            police_inbox=base.police.inbox,
            json_message={"citations": [base.contacts_citation, base.police.citation]},
        )
        return [SlotSet("last_answer", "contacts")]


def _contact_line(contact: Any) -> str:
    if contact.email:
        return phrase(
            "actions.guidance.contact_line_email",
            name=contact.name,
            role=contact.role,
            email=contact.email,
        )
    return phrase("actions.guidance.contact_line", name=contact.name, role=contact.role)


def _area_contact_line(area: Any) -> str:
    first = next((c for c in area.contacts if c.email), None)
    if first is None:
        return str(area.prevent_inbox)
    return phrase("actions.guidance.first_contact", name=first.name, email=first.email)
