"""Concern actions: "tell my DSL", the DSL's list, reading, questions and decisions.

Thin adapters over `bot.concerns`: they read who is speaking (tracker sender id), what
the form collected, and say the result in the domain's words (domain/concerns.yml).
Every access rule (school, role, who raised it) is checked in the core.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions._common import (
    NeverRaise,
    intent_payload,
    latest_text,
    owner_id,
    remember_draft_conversation,
)
from bot.actions.form_base import FormBase, Retry, Taken
from bot.concerns import DECISIONS, Concern, ConcernError, NotAllowed, NotFound
from bot.concerns.record import decision_label, to_csv, to_json, to_pdf
from bot.concerns.staff import staff_owner
from bot.concerns.store import MONITOR, REFER, alert_message, pseudonym
from bot.delivery.submit import pickup_link
from bot.services import services
from bot.store.db import utcnow
from bot.wording import phrase

log = logging.getLogger(__name__)
REF = re.compile(r"\bC-?([A-HJ-NP-Z2-9]{6})\b", re.IGNORECASE)
FORM = "concern_form"
TEXT_SLOTS = ["concern_words", "concern_when", "concern_where", "concern_text", "concern_review"]
#: What the form is for: the task (raise, ask, answer, decide, delete), the concern's
#: reference and the decision being recorded (typed slots in domain/concerns.yml).
TASK_SLOTS = ["concern_task", "concern_task_ref", "concern_task_decision"]
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
EXPORT_MINUTES = 30


def concern_ref(tracker: Tracker) -> str | None:
    """The reference from a button's entity, else read from what was typed."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "concern_ref" and isinstance(entity.get("value"), str):
            match = REF.search(entity["value"])
            if match:
                return f"C-{match.group(1).upper()}"
    match = REF.search(latest_text(tracker))
    return f"C-{match.group(1).upper()}" if match else None


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return value if isinstance(value, str) else None


def parse_date(text: str) -> date | None:
    cleaned = text.strip().rstrip(".")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def deliver_concern_alerts(dispatcher: CollectingDispatcher, tracker: Tracker) -> int:
    """Alerts waiting for this member of staff (web chat, REST): a count, then each one."""
    try:
        alerts = services().concerns.take_alerts(owner_id(tracker))
    except Exception as exc:  # noqa: BLE001 - an alert must never break an answer
        log.warning("concern alerts could not be read: %s", type(exc).__name__)
        return 0
    if alerts:
        dispatcher.utter_message(response="utter_concern_alert_count", count=len(alerts))
    for alert in alerts:
        dispatcher.utter_message(**alert_message(alert))
    return len(alerts)


def _refuse(dispatcher: CollectingDispatcher, exc: ConcernError) -> list[EventType]:
    if isinstance(exc, NotFound):
        dispatcher.utter_message(response="utter_concern_not_found")
    elif isinstance(exc, NotAllowed) and "DSL" in str(exc):
        dispatcher.utter_message(response="utter_concern_dsl_only")
    elif isinstance(exc, NotAllowed):
        dispatcher.utter_message(response="utter_concern_not_staff")
    else:
        dispatcher.utter_message(response="utter_action_failed")
    return [SlotSet("last_answer", f"concern_refused:{type(exc).__name__}")]


def _triage_record(tracker: Tracker) -> dict[str, Any]:
    """The facts and outcome of a triage in this conversation, with citations, if any."""
    from bot.actions.triage import _area_contact, facts_from_tracker
    from bot.guidance import get_service
    from bot.triage import get_triage

    facts = facts_from_tracker(tracker)
    known = {k: v for k, v in facts.as_dict().items() if v is not None}
    if not known:
        return {}
    outcome = get_triage().decide(facts, _area_contact(tracker))
    if outcome is None:
        return {"facts": known}
    return {
        "facts": known,
        "outcome": outcome.outcome,
        "headline": outcome.headline,
        "reasons": list(outcome.reasons),
        "steps": list(outcome.steps),
        "citations": get_service().base.cite(outcome.citations),
    }


class ActionConcernStart(NeverRaise, Action):
    """Checks who is asking and for what, then opens the concern form for it."""

    def name(self) -> str:
        return "action_concern_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        concerns = services().concerns
        remember_address(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        me = concerns.whoami(owner_id(tracker))
        if me is None:
            return _refuse(dispatcher, NotAllowed("not staff"))
        task, ref, decision = "raise", None, None
        if intent != "log_concern":
            ref = concern_ref(tracker)
            if ref is None:
                return _refuse(dispatcher, NotFound("no reference"))
            try:
                concern = concerns.open(owner_id(tracker), ref)
            except ConcernError as exc:
                return _refuse(dispatcher, exc)
            if intent == "concern_answer":
                if concern.raised_by != me.staff_hash:
                    return _refuse(dispatcher, NotFound(ref))
                task = "answer"
            elif not me.is_dsl:
                return _refuse(dispatcher, NotAllowed("only the school's DSL"))
            elif intent == "concern_ask":
                task = "ask"
            elif intent == "concern_delete":
                task = "delete"
            else:
                decision = _entity(tracker, "concern_decision")
                if decision not in DECISIONS:
                    return _decision_buttons(dispatcher, ref)
                task = "decide"
        return [
            *[SlotSet(slot, None) for slot in TEXT_SLOTS],
            SlotSet("concern_task", task),
            SlotSet("concern_task_ref", ref),
            SlotSet("concern_task_decision", decision),
            SlotSet("concern_retries", 0),
            SlotSet("last_answer", f"concern_form:{task}"),
            FollowupAction(FORM),
        ]


def _button(title: str, intent: str, ref: str) -> dict[str, str]:
    """A button about one concern; its title is interface wording (actions.concerns.*),
    which may name the concern ({ref})."""
    return {
        "title": phrase(f"actions.concerns.{title}", ref=ref),
        "payload": intent_payload(intent, concern_ref=ref),
    }


def _decision_buttons(dispatcher: CollectingDispatcher, ref: str) -> list[EventType]:
    dispatcher.utter_message(
        response="utter_concern_actions",
        concern_ref=ref,
        buttons=[
            {
                "title": decision_label(kind),
                "payload": intent_payload("concern_decide", concern_ref=ref, concern_decision=kind),
            }
            for kind in DECISIONS
        ],
    )
    return [SlotSet("last_answer", "concern_decision_choices")]


def _slots_for(task: str | None, decision: str | None) -> list[str]:
    """The questions of the concern form for its task (slot `concern_task`)."""
    if task in (None, "raise"):
        return ["concern_words", "concern_when", "concern_where"]
    if task == "decide" and decision == MONITOR:
        return ["concern_text", "concern_review"]
    return ["concern_text"]


class ValidateConcernForm(FormBase[None]):
    """Takes the reply as the answer to what was asked.

    Retries and interruptions ("stop" lets the stop rule run) are the form base's
    (`bot.actions.form_base`); which questions depends on the task (`concern_task`).
    """

    slot_prefix = "concern_"
    retries_slot = "concern_retries"
    max_retries = None  # a date after today, or any words: asked until it fits

    def name(self) -> str:
        return "validate_concern_form"

    def next_slot(self, tracker: Tracker, context: None) -> str | None:
        todo = _slots_for(
            tracker.get_slot("concern_task"), tracker.get_slot("concern_task_decision")
        )
        return next((slot for slot in todo if tracker.get_slot(slot) is None), None)

    async def take(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        context: None,
        slot: str,
        text: str,
        *,
        last_try: bool,
    ) -> Taken | Retry:
        text = text.strip()
        if not text or text.startswith("/"):
            return Retry(counts=False)  # a button or nothing: the question again
        if slot == "concern_review":
            when = parse_date(text)
            if when is None or when <= utcnow().date():
                dispatcher.utter_message(response="utter_concern_bad_date")
                return Retry()
            return Taken([SlotSet(slot, when.isoformat())])
        return Taken([SlotSet(slot, text)])


class ActionAskConcernText(NeverRaise, Action):
    """The question for `concern_text`, which depends on what the form is for."""

    def name(self) -> str:
        return "action_ask_concern_text"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = tracker.get_slot("concern_task") or ""
        ref = tracker.get_slot("concern_task_ref") or ""
        decision = tracker.get_slot("concern_task_decision") or ""
        if kind == "ask":
            dispatcher.utter_message(response="utter_ask_concern_question", concern_ref=ref)
        elif kind == "answer":
            dispatcher.utter_message(response="utter_ask_concern_answer", concern_ref=ref)
        elif kind == "delete":
            dispatcher.utter_message(response="utter_ask_concern_delete_reason", concern_ref=ref)
        else:
            previous = _previous_decision(owner_id(tracker), ref)
            if previous and previous != decision:
                dispatcher.utter_message(
                    response="utter_ask_concern_change_reasons",
                    concern_ref=ref,
                    decision=decision_label(decision),
                    previous=decision_label(previous),
                )
            else:
                dispatcher.utter_message(
                    response="utter_ask_concern_reasons",
                    concern_ref=ref,
                    decision=decision_label(decision),
                )
        return [SlotSet("last_answer", f"concern_ask_text:{kind}")]


def _previous_decision(owner: str, ref: str) -> str | None:
    try:
        current = services().concerns.open(owner, ref).decision
    except ConcernError:
        return None
    return current.data.get("decision") if current else None


class ActionConcernSubmit(NeverRaise, Action):
    """Stores what the form collected (encrypted, in the core) and clears the slots."""

    def name(self) -> str:
        return "action_concern_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        concerns = services().concerns
        kind = tracker.get_slot("concern_task") or "raise"
        ref = tracker.get_slot("concern_task_ref") or ""
        decision = tracker.get_slot("concern_task_decision") or ""
        text = tracker.get_slot("concern_text") or ""
        clear = [SlotSet(slot, None) for slot in [*TEXT_SLOTS, *TASK_SLOTS]]
        follow: list[EventType] = []
        try:
            if kind == "raise":
                self._raise(dispatcher, tracker)
            elif kind == "ask":
                concerns.ask(owner_id(tracker), ref, text)
                dispatcher.utter_message(response="utter_concern_question_sent", concern_ref=ref)
            elif kind == "answer":
                concerns.answer(owner_id(tracker), ref, text)
                dispatcher.utter_message(response="utter_concern_answer_sent", concern_ref=ref)
            elif kind == "delete":
                concerns.delete(owner_id(tracker), ref, text)
                dispatcher.utter_message(response="utter_concern_deleted", concern_ref=ref)
            elif kind == "decide":
                review = tracker.get_slot("concern_review")
                review_on = date.fromisoformat(review) if review else None
                concern = concerns.decide(owner_id(tracker), ref, decision, text, review_on)
                extra = (
                    phrase("actions.concerns.review_on", date=f"{review_on:%d/%m/%Y}")
                    if review_on
                    else ""
                )
                dispatcher.utter_message(
                    response="utter_concern_decided",
                    concern_ref=ref,
                    decision=decision_label(decision),
                    extra=extra,
                )
                if decision == REFER:
                    follow = _start_referral(dispatcher, tracker, domain, concern)
        except ConcernError as exc:
            return clear + _refuse(dispatcher, exc)
        return clear + [SlotSet("last_answer", f"concern_{kind}")] + follow

    @staticmethod
    def _raise(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        concerns = services().concerns
        concern, alerted = concerns.raise_concern(
            owner_id(tracker),
            tracker.get_slot("concern_words") or "",
            tracker.get_slot("concern_when") or "",
            tracker.get_slot("concern_where") or "",
            _triage_record(tracker),
        )
        school = _school_name(concern.org_id)
        response = "utter_concern_receipt" if alerted else "utter_concern_no_dsl"
        dispatcher.utter_message(
            response=response, concern_ref=concern.ref, dsl_count=alerted, school=school
        )


def remember_address(tracker: Tracker) -> None:
    """Keep where a member of staff can be pushed to (Teams: the conversation's address).

    A Teams user not linked yet is linked from the configured tenant → school mapping.
    """
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    address = metadata.get("push_address")
    channel = tracker.get_latest_input_channel() or ""
    if channel == "teams":
        _link_teams_user(tracker.sender_id, metadata, address)
    if isinstance(address, dict) and address:
        try:
            services().concerns.staff.refresh_address(
                tracker.sender_id, tracker.get_latest_input_channel() or "", address
            )
        except Exception as exc:  # noqa: BLE001 - alerts then wait for the next message
            log.warning("no push address kept: %s", type(exc).__name__)


def _link_teams_user(sender_id: str, metadata: dict[str, Any], address: Any) -> None:
    from bot.concerns.teams_map import teams_role
    from bot.config import get_config

    config = get_config()
    if not config.teams_school_tenants:
        return
    concerns = services().concerns
    if concerns.whoami(staff_owner("teams", sender_id)) is not None:
        return
    tenant = str(((metadata.get("teams") or {}).get("tenant_id")) or "")
    found = teams_role(tenant, sender_id, config.teams_school_tenants, config.teams_dsl_users)
    if found is not None:
        org_id, role = found
        concerns.staff.enrol(
            sender_id, "teams", org_id, role, address if isinstance(address, dict) else None
        )


def _school_name(org_id: str) -> str:

    org = services().orgs.get(org_id)
    return org.name if org else org_id


def _start_referral(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, concern: Concern
) -> list[EventType]:
    """A VTR draft for the DSL, filled in from the concern and its triage (existing flow)."""
    from bot.referral import get_form, prefill_from_triage

    store = services().drafts
    draft = store.create(owner_id(tracker))
    remember_draft_conversation(tracker, draft.id)
    triage = concern.details.get("triage") or {}
    filled = prefill_from_triage(
        draft,
        triage.get("facts") or {},
        {"outcome": triage.get("outcome"), "citations": triage.get("citations", [])}
        if triage.get("outcome")
        else None,
        get_form(),
    )
    details = concern.details
    story = [details.get("words", "")]
    if details.get("when"):
        story.append(phrase("actions.concerns.story_when", when=details["when"]))
    if details.get("where"):
        story.append(phrase("actions.concerns.story_where", where=details["where"]))
    for step in concern.steps:
        if step.kind in ("question", "answer"):
            story.append(
                phrase(f"actions.concerns.story_{step.kind}", text=step.data.get("text", ""))
            )
    org = services().orgs.get(concern.org_id)
    for field_id, value in (
        ("concern", "\n\n".join(s for s in story if s)),
        ("dsl_discussed", phrase("actions.concerns.story_dsl_discussed", ref=concern.ref)),
        ("school", org.name if org else ""),
        ("referrer_organisation", org.name if org else ""),
        ("area", org.area if org else ""),
    ):
        if value and not draft.values.get(field_id):
            draft.values[field_id] = value
            filled.append(field_id)
    store.save(owner_id(tracker), draft)
    dispatcher.utter_message(response="utter_concern_refer_next", concern_ref=concern.ref)
    dispatcher.utter_message(response="utter_referral_intro", draft_ref=draft.short_id)
    slots = domain.get("slots", {})
    resets = [SlotSet(s, None) for s in slots if s.startswith("vtr_")]
    marks = [SlotSet(f"vtr_{f}", "set") for f in filled if f"vtr_{f}" in slots]
    return (
        resets
        + marks
        + [
            SlotSet("draft_id", draft.id),
            SlotSet("vtr_age_group", draft.age_group()),
            ActiveLoop(None),
            FollowupAction("vtr_form"),
        ]
    )


class ActionConcernList(NeverRaise, Action):
    """ "New concerns" (a DSL: the school's; a teacher: their own), with open buttons."""

    def name(self) -> str:
        return "action_concern_list"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        deliver_concern_alerts(dispatcher, tracker)
        remember_address(tracker)
        concerns = services().concerns
        only_new = "new" in latest_text(tracker).lower()
        try:
            found = concerns.list_for(owner_id(tracker), only_new=only_new)
        except ConcernError as exc:
            return _refuse(dispatcher, exc)
        if not found:
            which = "new_concerns" if only_new else "all_concerns"
            dispatcher.utter_message(
                response="utter_concern_none", which=phrase(f"actions.concerns.{which}")
            )
            return [SlotSet("last_answer", "concerns:0")]
        lines = "\n".join(
            phrase(
                "actions.concerns.list_line",
                ref=c.ref,
                status=c.status,
                date=f"{c.created_at:%d/%m/%Y}",
                snippet=c.snippet(),
            )
            for c in found
        )
        dispatcher.utter_message(
            response="utter_concern_list",
            count=len(found),
            lines=lines,
            buttons=[_button("button_open", "concern_open", c.ref) for c in found[:10]],
        )
        return [SlotSet("last_answer", f"concerns:{len(found)}")]


class ActionConcernOpen(NeverRaise, Action):
    """One concern in full, with its chronology; a DSL's first read tells the raiser."""

    def name(self) -> str:
        return "action_concern_open"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        concerns = services().concerns
        remember_address(tracker)
        ref = concern_ref(tracker)
        try:
            if ref is None:
                raise NotFound("no reference")
            me = concerns.whoami(owner_id(tracker))
            concern = concerns.open(owner_id(tracker), ref)
        except ConcernError as exc:
            return _refuse(dispatcher, exc)
        dispatcher.utter_message(response="utter_concern_view", **view_values(concern))
        buttons = []
        if me is not None and me.is_dsl:
            buttons += [
                _button("button_ask", "concern_ask", ref),
                _button("button_decide", "concern_decide", ref),
                _button("button_delete", "concern_delete", ref),
            ]
        elif concern.raised_by == (me.staff_hash if me else None):
            buttons.append(_button("button_answer", "concern_answer", ref))
        buttons.append(_button("button_record", "concern_export", ref))
        dispatcher.utter_message(response="utter_concern_actions", concern_ref=ref, buttons=buttons)
        return [SlotSet("last_answer", f"concern_open:{concern.status}")]


def view_values(concern: Concern) -> dict[str, str]:
    from bot.concerns.record import wording

    steps_wording = wording()["steps"]
    triage = concern.details.get("triage") or {}
    advice = ""
    if triage.get("headline"):  # on a line of its own, after a blank line
        advice = "\n" + phrase(
            "actions.concerns.advice",
            headline=triage["headline"],
            sources="; ".join(triage.get("citations", [])),
        )
    lines = []
    for step in concern.steps:
        detail = step.data.get("text") or ""
        if step.kind == "decision":
            detail = phrase(
                "actions.concerns.decision_detail_review"
                if step.data.get("review_on")
                else "actions.concerns.decision_detail",
                decision=decision_label(step.data.get("decision", "")),
                reasons=step.data.get("reasons", ""),
                date=step.data.get("review_on"),
            )
        lines.append(
            phrase(
                "actions.concerns.step_line_detail" if detail else "actions.concerns.step_line",
                at=f"{step.at:%d/%m/%Y %H:%M}",
                kind=steps_wording.get(step.kind, step.kind),
                who=pseudonym(step.actor, step.actor_role),
                detail=detail,
            )
        )
    raiser = next((s for s in concern.steps if s.kind == "raised"), None)
    return {
        "concern_ref": concern.ref,
        "status": concern.status,
        "raised_at": f"{concern.created_at:%d/%m/%Y %H:%M}",
        "raised_by": pseudonym(concern.raised_by, raiser.actor_role if raiser else ""),
        "words": concern.details.get("words", ""),
        "when": concern.details.get("when") or wording()["labels"]["not_said"],
        "where": concern.details.get("where") or wording()["labels"]["not_said"],
        "advice": advice,
        "steps": "\n".join(lines),
    }


class ActionConcernExport(NeverRaise, Action):
    """The decision record as one-time links: PDF, JSON and CSV (audited in the core)."""

    def name(self) -> str:
        return "action_concern_export"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        from bot.config import get_config

        ref = concern_ref(tracker)
        try:
            if ref is None:
                raise NotFound("no reference")
            concern, org = services().concerns.record(owner_id(tracker), ref)
        except ConcernError as exc:
            return _refuse(dispatcher, exc)
        pickups = services().pickups
        public_url = get_config().public_url
        links = []
        for suffix, render in (("pdf", to_pdf), ("json", to_json), ("csv", to_csv)):
            token, _ = pickups.put(
                ref,
                f"concern-{ref}.{suffix}",
                render(concern, org),
                lifetime=timedelta(minutes=EXPORT_MINUTES),
            )
            links.append(
                phrase(
                    "actions.concerns.export_link",
                    kind=suffix.upper(),
                    link=pickup_link(public_url, token),
                )
            )
        dispatcher.utter_message(
            response="utter_concern_export",
            concern_ref=ref,
            minutes=EXPORT_MINUTES,
            links="\n".join(links),
        )
        return [SlotSet("last_answer", "concern_export")]
