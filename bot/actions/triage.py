"""Triage actions: the form's validator, the outcome, "why are you asking?" and stopping."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions._common import (
    NeverRaise,
    bullets,
    deliver_notices,
    intent_payload,
    latest_text,
    user_area,
)
from bot.config import get_config
from bot.guidance import get_service
from bot.referral import get_form
from bot.referral.interruptions import interrupts
from bot.triage import (
    AreaContact,
    TriageFacts,
    get_triage,
    remaining,
)
from bot.triage.conversation import (
    MAX_RETRIES,
    _own_words,
    another_case,
    area_only,
    opening_facts,
    read_reply,
)
from bot.triage.extract import raises_concern
from bot.triage.outcome import Why, area_contact
from bot.wording import phrase

PREFIX = "triage_"
FACT_NAMES = [f.name for f in fields(TriageFacts)]
TRIAGE_SLOTS = [PREFIX + name for name in FACT_NAMES]
#: `last_answer` right after an outcome; the outcome itself is in the slot `triage_outcome`.
OUTCOME_GIVEN = "outcome"


def facts_from_tracker(tracker: Tracker) -> TriageFacts:
    """The facts so far, re-validated (slots are never trusted blindly)."""
    return TriageFacts.from_mapping({n: tracker.get_slot(PREFIX + n) for n in FACT_NAMES})


def _fact_events(old: TriageFacts, new_values: dict[str, Any]) -> list[EventType]:
    """Slot events for the facts that changed (observed facts kept: `TriageFacts.combined`),
    and the area when the message names one (SET Annex B contacts follow it)."""
    merged = old.combined(new_values)
    events: list[EventType] = [
        SlotSet(PREFIX + name, getattr(merged, name))
        for name in FACT_NAMES
        if getattr(merged, name) != getattr(old, name)
    ]
    if new_values.get("area"):
        events.append(SlotSet("area", new_values["area"]))
    return events


def _area_contact(tracker: Tracker) -> AreaContact:
    """The user's area (named in the conversation, else the default) and the configured inbox."""
    config = get_config()
    return area_contact(
        get_service().base, user_area(tracker), config.inbox_address, config.default_area
    )


class ValidateTriageForm(NeverRaise, FormValidationAction):
    """Reads facts from every reply and asks only what is still unknown (bot.triage)."""

    def name(self) -> str:
        return "validate_triage_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Extract, then name the next question.

        The SDK's default would drop facts that are no longer "required" once known (the
        age read from the opening message, say); here the core has already validated every
        value (`TriageFacts.from_mapping`), so all of them are kept. Returning no fact makes
        Rasa reject the form for this turn, which lets the interruption rules answer.
        """
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [PREFIX + name for name in remaining(facts_from_tracker(tracker))]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        facts = facts_from_tracker(tracker)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        asked = requested[len(PREFIX) :] if requested and requested.startswith(PREFIX) else None
        if asked is None:  # activation: read everything the opening message says
            return _fact_events(facts, opening_facts(text))
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reading = read_reply(asked, text, not_sure=intent == "not_sure")
        found = dict(reading.values)
        if reading.how != "answer":
            own_words = reading.how in ("own_words", "again") or (
                asked == "immediate_risk" and _own_words(text)  # more of the story: not a question
            )  # "should I make a Prevent referral?" is the triage's question, not guidance's
            if interrupts("triage_form", intent, text, own_words):  # bot.referral.interruptions
                return []  # a question or a request: the form pauses for a rule to answer it
            if intent == "resume":  # "continue" while the form is open: ask again
                return [SlotSet("triage_retries", 0)]
            if reading.how == "new_case":  # about someone else: a new triage, nothing kept
                dispatcher.utter_message(text=phrase("actions.triage.new_case"))
                cleared: list[EventType] = [SlotSet(slot, None) for slot in TRIAGE_SLOTS]
                return [*cleared, *_fact_events(TriageFacts(), found), SlotSet("triage_retries", 0)]
            if reading.how == "again":  # "should I refer?" again: the same triage goes on
                dispatcher.utter_message(text=phrase("actions.triage.carry_on"))
                return _fact_events(facts, found) + [SlotSet("triage_retries", 0)]
            if reading.how == "none":
                return self._retry(dispatcher, tracker, facts, asked, found)
        return _fact_events(facts, found) + [SlotSet("triage_retries", 0)]

    def _retry(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        facts: TriageFacts,
        asked: str,
        found: dict[str, Any],
    ) -> list[EventType]:
        retries = int(tracker.get_slot("triage_retries") or 0) + 1
        if retries > MAX_RETRIES:
            found[asked] = "unsure"
            return _fact_events(facts, found) + [SlotSet("triage_retries", 0)]
        dispatcher.utter_message(response="utter_triage_not_understood")
        return _fact_events(facts, found) + [SlotSet("triage_retries", retries)]


class ActionStartTriage(NeverRaise, Action):
    """Starts a triage: a fresh one (the facts of an earlier, finished one forgotten), or,
    while one is under way, the same one carried on (`begin_triage`)."""

    def name(self) -> str:
        return "action_start_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        deliver_notices(dispatcher, tracker)
        update = area_update(dispatcher, tracker)
        if update is not None:
            return update
        if at_summary(tracker):
            return [
                SlotSet("last_answer", "vtr_summary_again"),
                FollowupAction("action_vtr_summary"),
            ]
        return begin_triage(dispatcher, tracker)


def triage_under_way(tracker: Tracker) -> bool:
    """A triage holds facts and has given no outcome, and its form is running or was paused
    by an interruption: the safety check's 999 reply pauses it (`paused_form`, with
    `requested_slot` cleared). "Stop" (`action_stop_form`) ends it: a request after that
    starts afresh, as one after an outcome does."""
    if tracker.get_slot("triage_outcome") or facts_from_tracker(tracker) == TriageFacts():
        return False
    if (tracker.active_loop or {}).get("name") == "triage_form":
        return True
    # slots only, never the events: the guidance action that calls this gets only the
    # latest turns (bot.runtime.action_payload)
    return (
        tracker.get_slot("paused_form") == "triage_form"
        and tracker.get_slot("stopped_form") != "triage_form"
    )


def begin_triage(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """ "Should I refer?": a new triage, or while one is under way the same one carried on,
    its facts kept and the message's new ones added (`TriageConversation.start`)."""
    if not triage_under_way(tracker) or another_case(
        latest_text(tracker), facts_from_tracker(tracker)
    ):
        return start_triage(dispatcher)  # none under way, or one about someone else
    dispatcher.utter_message(text=phrase("actions.triage.carry_on"))
    facts = facts_from_tracker(tracker)
    events: list[EventType] = []
    paused = (tracker.active_loop or {}).get("name") != "triage_form"
    if paused and facts.immediate_risk is not None:
        # Paused by the safety check's 999 reply: the earlier "nobody is in danger" may no
        # longer hold, so the danger question is asked again first; the rest is kept.
        facts = replace(facts, immediate_risk=None)
        events.append(SlotSet(PREFIX + "immediate_risk", None))
    # requested_slot None: the form, run next, reads this message as an opening (adding
    # what it says) and asks the next open question.
    return (
        events
        + _fact_events(facts, opening_facts(latest_text(tracker)))
        + [
            SlotSet("triage_retries", 0),
            SlotSet("paused_form", None),
            SlotSet("requested_slot", None),
        ]
    )


def at_summary(tracker: Tracker) -> bool:
    """A reply to the draft's summary that raises no new worry ("No, nobody is in danger", a
    name typed again): the summary is shown again, so "confirm" still confirms it, instead of
    a triage that would swallow the "confirm". "Should I refer ...?" or a sign of concern
    still starts one."""
    if tracker.get_slot("last_answer") != "vtr_summary" or not tracker.get_slot("draft_id"):
        return False
    return not raises_concern(latest_text(tracker))


def area_update(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """ "We're in Southend" right after an outcome: note the area and give its contact (SET
    Annex B), keeping the facts, instead of asking every question again (QA B6). The form
    the rule would run next is skipped (FollowupAction): nothing is left to ask."""
    if tracker.get_slot("last_answer") != OUTCOME_GIVEN:
        return None
    area = area_only(latest_text(tracker))
    if area is None:
        return None
    config = get_config()
    contact = area_contact(get_service().base, area, config.inbox_address, config.default_area)
    dispatcher.utter_message(text=get_triage().area_update(contact))
    return [SlotSet("area", area), FollowupAction("action_listen")]


def start_triage(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Say how triage works and forget the facts of any earlier triage."""
    dispatcher.utter_message(response="utter_triage_intro")
    return [SlotSet(slot, None) for slot in TRIAGE_SLOTS] + [
        SlotSet("triage_outcome", None),
        SlotSet("triage_retries", 0),
        SlotSet("stopped_form", None),
        SlotSet("last_answer", "triage_started"),
    ]


class ActionTriageOutcome(NeverRaise, Action):
    """The outcome: one message with reasons, next steps and citations, plus the payload."""

    def name(self) -> str:
        return "action_triage_outcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outcome = get_triage().decide(
            facts_from_tracker(tracker), _area_contact(tracker), triage_turns(tracker.events)
        )
        if outcome is None:  # should not happen: the form ends only when the table decides
            dispatcher.utter_message(response="utter_action_failed")
            return [SlotSet("last_answer", "triage_undecided")]
        base = get_service().base
        buttons = []
        if outcome.outcome in ("refer", "consult_dsl"):
            buttons.append(_button("button_start_referral", "start_referral"))
        buttons.append(_button("button_tell_dsl", "log_concern"))
        buttons.append(_button("button_talk_to_person", "request_human"))
        dispatcher.utter_message(
            response="utter_triage_outcome",
            triage_headline=outcome.headline,
            triage_reasons=bullets(outcome.reasons),
            triage_steps=bullets(outcome.steps),
            triage_notes="".join(f"\n\n{n}" for n in outcome.notes),
            triage_sources="; ".join(base.cite(outcome.citations)),
            buttons=buttons,
            json_message=outcome.payload(),
        )
        return [
            SlotSet("triage_outcome", outcome.outcome),
            SlotSet("last_answer", OUTCOME_GIVEN),
        ]


class ActionExplainQuestion(NeverRaise, Action):
    """ "Why are you asking?": the purpose of the question just asked, with its citation."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot") or ""
        why = get_triage().why(requested.removeprefix(PREFIX))
        if why is None and requested.startswith("vtr_"):
            why = _form_field_why(requested.removeprefix("vtr_"))
        if why is None:
            dispatcher.utter_message(response="utter_ask_why_general")
            return [SlotSet("last_answer", "why_general")]
        base = get_service().base
        dispatcher.utter_message(
            response="utter_explain_question",
            why_text=why.text,
            why_sources=_why_sources(why, base.cite(why.citations)),
        )
        return [SlotSet("last_answer", f"why:{requested}")]


def _why_sources(why: Why, cited: list[str]) -> str:
    """Triage reasons name their section inline (guidance/triage/why.yml); form help texts
    get their sources appended, after a space."""
    if why.text.rstrip(".").endswith(")"):
        return ""
    return " " + phrase("actions.triage.why_sources", sources="; ".join(cited))


def _button(title: str, intent: str) -> dict[str, str]:
    """A button whose title is interface wording (actions.triage.<title>)."""
    return {"title": phrase(f"actions.triage.{title}"), "payload": intent_payload(intent)}


def _form_field_why(field_id: str) -> Why | None:
    """A VTR field's help text and citations (referral_forms/vtr.yml), if it has any."""
    try:
        spec = get_form().field(field_id)
    except KeyError:
        return None
    return Why(spec.help, spec.citations) if spec.help and spec.citations else None


class ActionStopForm(NeverRaise, Action):
    """ "Stop" inside a form: end it kindly; what was said is kept for "continue"."""

    def name(self) -> str:
        return "action_stop_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_form_stopped")
        return [
            SlotSet("paused_form", tracker.active_loop.get("name")),
            SlotSet("stopped_form", tracker.active_loop.get("name")),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
        ]


def triage_turns(events: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    """What was typed since the last triage started, each with the fact it answered (None
    for the opening): the outcome quotes these words as its evidence (bot/triage/evidence.py)."""
    turns: list[tuple[str | None, str]] = []
    last_text, asked = "", None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            last_text = str(event.get("text") or "")
            if turns:
                turns.append((asked, last_text))
        elif kind == "action" and event.get("name") == "action_start_triage":
            turns, asked = [(None, last_text)], None
        elif kind == "slot" and event.get("name") == "requested_slot":
            value = event.get("value")
            asked = (
                value[len(PREFIX) :]
                if isinstance(value, str) and value.startswith(PREFIX)
                else None
            )
    return turns
