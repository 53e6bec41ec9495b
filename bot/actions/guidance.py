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
from bot.actions.triage import begin_triage
from bot.guidance import GuidanceAnswer, get_service
from bot.guidance.areas import named_area
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
        # one reading of the message per turn: route, search and concern, used below
        routing = service.routing(text) if topic_id is None else None
        if routing and not routing.describes_concern and service.declines(text, routing.result):
            # Off topic ("write me a poem"): a kind decline that says what I can help with.
            dispatcher.utter_message(response="utter_out_of_scope")
            return [SlotSet("last_answer", "out_of_scope")]
        if routing and routing.start_triage and not in_form:
            # "Should I refer a kid who keeps saying ...?", "should he be referred?" are a
            # triage, not a policy question.
            return [*begin_triage(dispatcher, tracker), FollowupAction("triage_form")]
        area_events = _area_named(text, tracker)
        area, known_area = user_area(tracker), tracker.get_slot("area") or ""
        # one search per turn: the routing's result is the answer's
        result = (
            service.answer_from(text, routing.result, area, known_area)
            if routing
            else service.answer(text, topic_id=topic_id, area_id=area, known_area=known_area)
        )
        if isinstance(result, GuidanceAnswer):
            utter_answer(dispatcher, result)
            if routing and routing.offer_triage and not in_form:
                # The question is answered first; the case can be worked through next.
                dispatcher.utter_message(response="utter_guidance_offer_triage")
            deliver_notices(dispatcher, tracker, reminders=False)
            return [*area_events, SlotSet("last_answer", result.topic_id)]
        contact = result.area
        dispatcher.utter_message(
            response="utter_guidance_not_sure",
            area_name=contact.name,
            area_contact=_area_contact_line(contact),
            contacts_dated=service.base.contacts_dated,
            buttons=_topic_buttons(result.suggestions),
        )
        return [*area_events, SlotSet("last_answer", "not_sure")]


class ActionTalkToPerson(NeverRaise, Action):
    """The people to talk to: the DSL first (SET 2.5), then the area's Annex B contacts."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        service = get_service()
        base = service.base
        area_events = _area_named(latest_text(tracker), tracker)
        local = base.areas.get(
            named_area(latest_text(tracker), base) or tracker.get_slot("area") or ""
        )
        if local is not None and not local.set_policy and local.topic in base.topics:
            # Outside Southend, Essex and Thurrock neither Annex B nor the Essex police team
            # applies: the area's own contacts topic, with its source and date.
            utter_answer(dispatcher, service.topic_answer(local.topic))
            return [*area_events, SlotSet("last_answer", "contacts")]
        area = base.area(user_area(tracker))
        dispatcher.utter_message(
            response="utter_talk_to_person",
            area_name=area.name,
            area_contacts="\n".join(_contact_line(c) for c in area.contacts),
            police_phone=base.police.phone,
            police_inbox=base.police.inbox,
            json_message={"citations": [base.contacts_citation, base.police.citation]},
        )
        return [*area_events, SlotSet("last_answer", "contacts")]


def _area_named(text: str, tracker: Tracker) -> list[dict[str, Any]]:
    """Remember an area the message names ("I'm in Lewisham"): later contact questions use it."""
    area = named_area(text, get_service().base)
    return [SlotSet("area", area)] if area and area != tracker.get_slot("area") else []


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
