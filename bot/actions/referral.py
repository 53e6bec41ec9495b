"""VTR draft actions: the form's validator, start, summary, confirm, edit, list and delete.

Thin: the form model, validation, storage and wording of fields live in `bot.referral`
and `referral_forms/`; sentences live in `domain/referral.yml`.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions._common import (
    NeverRaise,
    danger_checked_this_turn,
    deliver_notices,
    forget_draft_words,
    latest_text,
    owner_id,
    remember_draft_conversation,
)
from bot.actions.form_base import FormBase, Refuse, Retry, Taken
from bot.actions.triage import FACT_NAMES
from bot.actions.triage import PREFIX as TRIAGE_PREFIX
from bot.config import get_config
from bot.delivery.outbox import receipt
from bot.delivery.submit import (
    STORAGE_ERRORS,
    NotSent,
    PasswordPickup,
    SubmitSettings,
    pickup_link,
    submit,
)
from bot.guidance import get_service
from bot.referral import (
    CONCERN_MORE,
    Draft,
    DraftNotFound,
    DraftSummary,
    field_shown,
    fields_to_ask,
    get_form,
    link_button_title,
    missing_labels,
    prefill_from_triage,
    sent_status_words,
    summary,
    take_answer,
)
from bot.referral.chat import (
    applying,
    correction,
    edit_answer,
    edit_request,
    is_go_back,
    name_given,
    not_applying,
    now_applies_note,
    previous_field,
)
from bot.referral.interruptions import keeps_it
from bot.referral.opening import details_from_opening
from bot.services import services
from bot.wording import phrase

log = logging.getLogger(__name__)


SLOT = "vtr_"
#: Short free-text fields (a name, an address) that would store any sentence as typed: a
#: message the safety net asked "is anyone in danger?" about is not taken as their answer.
#: Structured fields (yes/no, dates, phones) still take what they can read from it ("No,
#: although she mentioned pills"), and narratives (long_text) keep the worry in the story.
WORRY_NOT_ANSWER = ("text", "postcode")
#: After this many answers that don't fit, the next one is kept as typed and the form moves on.
MAX_RETRIES = 2
#: After this many tries that could not be kept at all (noise), the field is left "not known".
GIVE_UP_AFTER = MAX_RETRIES + 2


def _open_draft(tracker: Tracker) -> Draft | None:
    draft_id = tracker.get_slot("draft_id")
    if not draft_id:
        return None
    try:
        return services().drafts.get(owner_id(tracker), draft_id)
    except DraftNotFound:
        return None


def _next_slot(draft: Draft) -> str | None:
    todo = fields_to_ask(get_form(), draft)
    return SLOT + todo[0] if todo else None


class ValidateVtrForm(FormBase[Draft]):
    """Takes each answer into the encrypted draft and names the next question.

    Retries and interruptions are the form base's (`bot.actions.form_base`); here: which
    draft, how one answer is taken, and what an emergency answer does.
    """

    slot_prefix = SLOT
    retries_slot = "vtr_retries"
    max_retries = MAX_RETRIES

    def name(self) -> str:
        return "validate_vtr_form"

    async def load(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Draft | Refuse:
        draft = _open_draft(tracker)
        if draft is None:
            dispatcher.utter_message(response="utter_no_draft")
            return Refuse(
                [
                    ActiveLoop(None),
                    SlotSet("requested_slot", None),
                    SlotSet("last_answer", "no_draft"),
                ]
            )
        return draft

    def next_slot(self, tracker: Tracker, context: Draft) -> str | None:
        return _next_slot(context)

    async def take(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        context: Draft,
        slot: str,
        text: str,
        *,
        last_try: bool,
    ) -> Taken | Retry:
        """The answer into the draft, or Retry after telling the user what was wrong."""
        draft, field_id = context, slot[len(SLOT) :]
        if danger_checked_this_turn(tracker) and get_form().field(field_id).type in (
            WORRY_NOT_ANSWER
        ):  # a worry, not an answer: the danger question came first; ask ours again
            return Retry(counts=False)
        form = get_form()
        if is_go_back(text):  # "go back": the question before this one, asked again
            return self._go_back(dispatcher, tracker, draft, field_id)
        fix = correction(form, draft, field_id, text)
        if fix is not None:  # "sorry, his surname is actually X": that field, then ours again
            corrected = self._correct(dispatcher, tracker, draft, *fix)
            if corrected is not None:
                return corrected
        named = name_given(form, draft, field_id, text)
        if named:  # "His name is ..." in place of this answer: kept, said, ours asked again
            if not self._saved(dispatcher, tracker, draft):
                return Retry()
            dispatcher.utter_message(response="utter_field_kept_unchecked", note=named)
            kept = [f for f in ("forename", "surname", "date_of_birth") if draft.answered(f)]
            return Taken(
                [SlotSet(SLOT + f, "set") for f in kept]
                + [SlotSet("vtr_age_group", draft.age_group())]
            )
        was_editing = draft.editing == field_id
        applied_before = applying(form, draft)
        result = take_answer(form, draft, field_id, text, last_try=last_try)
        if not result.accepted and self.retries(tracker) >= GIVE_UP_AFTER:
            # Still no answer that can be kept (noise is never kept): "not known", listed as
            # missing if the form needs it, so the conversation is never stuck on one question.
            result = take_answer(form, draft, field_id, "don't know", last_try=True)
        if not result.accepted:
            if result.kept_for_concern and not self._saved(dispatcher, tracker, draft):
                return Retry()  # the words kept for the concern are saved before asking again
            dispatcher.utter_message(response="utter_field_problem", problem=result.problem)
            return Retry()
        try:
            services().drafts.save(owner_id(tracker), draft)
        except STORAGE_ERRORS:
            log.exception("draft save failed (draft %s)", draft.short_id)
            dispatcher.utter_message(response="utter_storage_failed")
            return Retry()
        if result.note:  # kept as typed though it did not pass its check: said, never silent
            dispatcher.utter_message(response="utter_field_kept_unchecked", note=result.note)
        events: list[EventType] = [SlotSet(SLOT + field_id, "set")]
        if was_editing and (said := now_applies_note(
            form, [f for f in fields_to_ask(form, draft) if f not in applied_before]
        )):  # "change the date of birth" made a question apply: said before it is asked
            dispatcher.utter_message(response="utter_field_kept_unchecked", note=said)
        if was_editing and not fields_to_ask(form, draft):
            # the summary then answers with this field only (unless it made a question apply)
            events.append(SlotSet("vtr_edited", field_id))
        if field_id == "date_of_birth":
            events.append(SlotSet("vtr_age_group", draft.age_group()))
        if field_id == "area":
            events.append(SlotSet("area", draft.values.get("area")))
        if result.emergency:  # SET 2.5: imminent risk, call 999 now; the draft is kept
            dispatcher.utter_message(
                response="utter_emergency",
                risk_reason=phrase("actions.referral.emergency_reason"),
            )
            events += [SlotSet("paused_form", self.form_name()), ActiveLoop(None)]
            return Taken(events, ask_next=False)
        return Taken(events)

    def _go_back(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, draft: Draft, field_id: str
    ) -> Taken | Retry:
        """Forget the previous answer so its question comes next (a story is never
        forgotten this way: "change the concern" edits it)."""
        previous = previous_field(get_form(), draft, field_id)
        if previous is None or get_form().field(previous).type == "long_text":
            return Retry(counts=False)
        draft.values.pop(previous, None)
        if not self._saved(dispatcher, tracker, draft):
            return Retry()
        return Taken([SlotSet(SLOT + previous, None), SlotSet("vtr_age_group", draft.age_group())])

    def _correct(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        draft: Draft,
        field_id: str,
        words: str,
    ) -> Taken | None:
        """An earlier answer corrected; None when the new words don't fit that field (the
        reply is then read as the answer to the open question, as before)."""
        form = get_form()
        if not take_answer(form, draft, field_id, words).accepted:
            return None
        if not self._saved(dispatcher, tracker, draft):
            return None
        dispatcher.utter_message(
            response="utter_vtr_corrected",
            label=form.field(field_id).label,
            value=field_shown(form, draft, field_id),
        )
        return Taken([SlotSet(SLOT + field_id, "set"), SlotSet("vtr_age_group", draft.age_group())])

    @staticmethod
    def _saved(dispatcher: CollectingDispatcher, tracker: Tracker, draft: Draft) -> bool:
        try:
            services().drafts.save(owner_id(tracker), draft)
        except STORAGE_ERRORS:
            log.exception("draft save failed (draft %s)", draft.short_id)
            dispatcher.utter_message(response="utter_storage_failed")
            return False
        return True


class ActionStartReferral(NeverRaise, Action):
    """A new encrypted draft, pre-filled with what a triage conversation established."""

    def name(self) -> str:
        return "action_start_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        deliver_notices(dispatcher, tracker)
        store = services().drafts
        try:
            others = [d for d in store.list(owner_id(tracker)) if d.status in ("draft", "ready")]
            draft = store.create(owner_id(tracker))
            remember_draft_conversation(tracker, draft.id)
            # what the opening message says about the person ("I need to refer <name>,
            # born <date>, he has ...") first: it is more exact than the triage's age
            opening = details_from_opening(get_form(), latest_text(tracker))
            for field_id, value in opening.values.items():
                draft.set(field_id, value)
            facts = {n: tracker.get_slot(TRIAGE_PREFIX + n) for n in FACT_NAMES}
            outcome = _last_outcome(tracker)
            prefilled = [*opening.values, *prefill_from_triage(draft, facts, outcome, get_form())]
            store.save(owner_id(tracker), draft)
        except STORAGE_ERRORS:
            log.exception("could not create a draft")
            dispatcher.utter_message(response="utter_storage_failed")
            return [SlotSet("last_answer", "storage_failed")]
        dispatcher.utter_message(response="utter_referral_intro", draft_ref=draft.short_id)
        if prefilled:
            form = get_form()
            dispatcher.utter_message(
                response="utter_referral_prefilled",
                prefilled=", ".join(form.field(f).label.lower() for f in prefilled),
            )
        for problem in opening.problems:  # a date of birth that does not exist: said once
            dispatcher.utter_message(response="utter_field_problem", problem=problem)
        if others:
            dispatcher.utter_message(response="utter_referral_other_drafts", count=len(others))
        resets = [SlotSet(s, None) for s in domain.get("slots", {}) if s.startswith(SLOT)]
        # Fields filled from triage but never asked in chat (indicators) have no slot.
        slots = domain.get("slots", {})
        marks = [SlotSet(SLOT + f, "set") for f in prefilled if SLOT + f in slots]
        return (
            resets
            + marks
            + [
                SlotSet("draft_id", draft.id),
                SlotSet("vtr_age_group", draft.age_group()),
                SlotSet("paused_form", None),
                SlotSet("last_answer", "draft_started"),
            ]
        )


def _last_outcome(tracker: Tracker) -> dict[str, Any] | None:
    """The triage outcome of this conversation with its citations (the payload the outcome
    message carried), else the outcome id alone (slot `triage_outcome`)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and isinstance(
            (event.get("data") or {}).get("custom"), dict
        ):
            custom = event["data"]["custom"]
            if "outcome" in custom:
                return custom
    outcome = tracker.get_slot("triage_outcome")
    return {"outcome": outcome} if outcome else None


class ActionVtrSummary(NeverRaise, Action):
    """The draft by section, what is still missing, and how to confirm or change it."""

    def name(self) -> str:
        return "action_vtr_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("paused_form") == "vtr_form":
            return [SlotSet("last_answer", "vtr_paused")]  # an emergency stopped the form
        draft = _open_draft(tracker)
        if draft is None:
            dispatcher.utter_message(response="utter_no_draft")
            return [SlotSet("last_answer", "no_draft")]
        form = get_form()
        missing = missing_labels(form, draft)
        edited = tracker.get_slot("vtr_edited")
        if edited and not missing:  # "change ...": the changed field, not the whole summary
            spec = form.field(edited)
            shown = field_shown(form, draft, spec.part_of or spec.id)
            dispatcher.utter_message(
                response="utter_vtr_field_changed",
                label=form.field(spec.part_of).label if spec.part_of else spec.label,
                value=shown,
            )
            return [SlotSet("vtr_edited", None), SlotSet("last_answer", f"edited:{edited}")]
        text = "\n\n".join(
            phrase(
                "actions.referral.summary_section",
                title=title,
                rows="\n".join(
                    phrase("actions.referral.summary_row", label=label, value=value)
                    for label, value in rows
                ),
            )
            for title, rows in summary(form, draft)
        )
        missing_text = (
            domain_text(domain, "utter_vtr_missing").format(missing=", ".join(missing))
            if missing
            else ""
        )
        dispatcher.utter_message(
            response="utter_vtr_summary",
            draft_ref=draft.short_id,
            summary=text,
            missing=missing_text,
        )
        return [SlotSet("vtr_edited", None), SlotSet("last_answer", "vtr_summary")]


def domain_text(domain: DomainDict, response: str) -> str:
    """The text of a simple domain response (for sentences composed into another)."""
    variants = domain.get("responses", {}).get(response) or [{}]
    return variants[0].get("text", "")


class ActionConfirmDraft(NeverRaise, Action):
    """An explicit confirmation marks a complete draft ready (sealing comes next)."""

    def name(self) -> str:
        return "action_confirm_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        draft = _open_draft(tracker)
        if draft is None:
            dispatcher.utter_message(response="utter_no_draft")
            return [SlotSet("last_answer", "no_draft")]
        missing = missing_labels(get_form(), draft)
        if missing:
            dispatcher.utter_message(
                response="utter_draft_not_complete", missing=", ".join(missing)
            )
            return [SlotSet("last_answer", "draft_incomplete")]
        draft.status = "ready"
        try:
            services().drafts.save(owner_id(tracker), draft)
        except STORAGE_ERRORS:
            log.exception("could not mark draft %s ready", draft.short_id)
            dispatcher.utter_message(response="utter_storage_failed")
            return [SlotSet("last_answer", "storage_failed")]
        result = submit(
            get_form(), draft, SubmitSettings.from_config(get_config()), services().pickups
        )
        if isinstance(result, NotSent):
            problem = (
                result.detail
                if result.stage == "seal"
                else phrase("actions.referral.protect_failed")
            )
            dispatcher.utter_message(
                response="utter_referral_not_sent",
                draft_ref=draft.short_id,
                problem=problem,
                police_phone=get_service().base.police.phone,
            )
            return [SlotSet("last_answer", "not_sent")]
        if isinstance(result, PasswordPickup):
            _after_sealing(tracker, draft, result.route.reference)
            return _say_password_route(dispatcher, result)
        _after_sealing(tracker, draft, result.receipt.reference)
        # "On its way" only while a delivery worker is alive to send it (its heartbeat).
        dispatcher.utter_message(
            response="utter_referral_queued"
            if result.worker_alive
            else "utter_referral_queued_no_worker",
            reference=result.receipt.reference,
            inbox=", ".join(result.receipt.recipients),
            when=_when(datetime.now(timezone.utc)),
            police_phone=get_service().base.police.phone,
        )
        return [SlotSet("last_answer", "sealed"), SlotSet("draft_id", None)]


def _when(moment: datetime) -> str:
    """A time as every reply shows one (UTC, day first)."""
    return phrase("actions.referral.when", time=moment.strftime("%d/%m/%Y %H:%M"))


def _after_sealing(tracker: Tracker, draft: Draft, reference: str) -> None:
    """Destroy the readable draft; remember who to tell when there is news of it."""
    area = draft.values.get("area", "") or ""
    services().drafts.mark_sealed(owner_id(tracker), draft.id, reference, area)
    forget_draft_words(tracker, draft.id)
    try:
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        address = metadata.get("push_address")
        services().updates.register(
            reference,
            tracker.sender_id,
            tracker.get_latest_input_channel() or "",
            area,
            address if isinstance(address, dict) else None,
            owner_id=owner_id(tracker),
        )
    except STORAGE_ERRORS as exc:  # the referral is safe; only news of it would be missed
        log.error("no route kept for %s: %s", reference, type(exc).__name__)


def _say_password_route(
    dispatcher: CollectingDispatcher, result: PasswordPickup
) -> list[EventType]:
    """SET 2.5 without an inbox certificate: a password-protected PDF and the phone call.

    The password is shown once, in a message the tracker store keeps without it
    (`one_time_secret`), and is stored nowhere else.
    """
    route = result.route
    dispatcher.utter_message(
        response="utter_referral_password_route",
        reference=route.reference,
        link=result.link,
        expires=_when(route.expires_at),
        inbox=get_config().inbox_address,
        police_phone=get_service().base.police.phone,
        password=route.password,  # exactly what the PDF reader wants: no spaces
        json_message={
            "one_time_secret": True,
            "reference": route.reference,
            "link": {"url": result.link, "title": link_button_title()},
        },
    )
    return [SlotSet("last_answer", "password_route"), SlotSet("draft_id", None)]


class ActionEditField(NeverRaise, Action):
    """ "Change the date of birth": ask that field again, then back to the summary."""

    def name(self) -> str:
        return "action_edit_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        draft = _draft_or_say(dispatcher, tracker)
        if draft is None:
            return [SlotSet("last_answer", "no_draft")]
        form = get_form()
        said = edit_request(form, latest_text(tracker))
        story = _story_asked(tracker)
        if said is not None and story and not _CHANGE_VERB.match(latest_text(tracker)):
            # "The school should be told ..." answering a story question is its answer
            return self._story_answer(dispatcher, tracker, draft, story)
        if said is not None:  # "change his school to X": the new value is in the message
            return self._change(dispatcher, tracker, draft, *said)
        spec = form.find_field(latest_text(tracker))
        if spec is not None and not spec.ask_in_chat and form.parts(spec.id):
            spec = form.parts(spec.id)[0]  # "change the indicators": its parts, in turn
        if spec is None or not spec.ask_in_chat:
            dispatcher.utter_message(response="utter_which_field")
            return [SlotSet("last_answer", "which_field"), SlotSet("draft_id", draft.id)]
        if said_why := not_applying(form, draft, spec.id):  # capacity for a 14-year-old
            dispatcher.utter_message(response="utter_field_kept_unchecked", note=said_why)
            return [SlotSet("last_answer", "not_applying"), SlotSet("draft_id", draft.id)]
        draft.editing = spec.id
        draft.status = "draft"
        services().drafts.save(owner_id(tracker), draft)
        return [
            SlotSet("draft_id", draft.id),
            SlotSet(SLOT + spec.id, None),
            SlotSet("vtr_edited", None),
            SlotSet("paused_form", None),
            SlotSet("last_answer", "editing"),
            FollowupAction("vtr_form"),
        ]


    @staticmethod
    def _story_answer(
        dispatcher: CollectingDispatcher, tracker: Tracker, draft: Draft, field_id: str
    ) -> list[EventType]:
        result = take_answer(get_form(), draft, field_id, latest_text(tracker))
        events: list[EventType] = [SlotSet("draft_id", draft.id), SlotSet("vtr_retries", 0)]
        if result.accepted:
            services().drafts.save(owner_id(tracker), draft)
            events.append(SlotSet(SLOT + field_id, "set"))
        return events + [FollowupAction("vtr_form")]

    @staticmethod
    def _change(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        draft: Draft,
        field_id: str,
        words: str,
    ) -> list[EventType]:
        """The field changed to `words` if they fit it (said, then the summary again, or back
        to the form's open question); if not, the problem is said, the old answer kept, and
        the form asks that field again."""
        form = get_form()
        in_form = (tracker.active_loop or {}).get("name") == "vtr_form"
        edited = edit_answer(form, draft, field_id, words)
        result = edited.result
        events: list[EventType] = [
            SlotSet("draft_id", draft.id),
            SlotSet("vtr_edited", None),
            SlotSet("paused_form", None),
        ]
        if not result.accepted:
            dispatcher.utter_message(response="utter_field_problem", problem=result.problem)
            draft.editing = field_id
            draft.status = "draft"
            services().drafts.save(owner_id(tracker), draft)
            return events + [
                SlotSet(SLOT + field_id, None),
                SlotSet("last_answer", "editing"),
                FollowupAction("vtr_form"),
            ]
        draft.status = "draft"
        services().drafts.save(owner_id(tracker), draft)
        spec = form.field(field_id)
        dispatcher.utter_message(
            response="utter_vtr_corrected",
            label=form.field(spec.part_of).label if spec.part_of else spec.label,
            value=field_shown(form, draft, spec.part_of or spec.id),
        )
        events += [
            SlotSet(SLOT + field_id, "set"),
            SlotSet("vtr_age_group", draft.age_group()),
            SlotSet("last_answer", f"edited:{field_id}"),
        ]
        if field_id == "area":
            events.append(SlotSet("area", draft.values.get("area")))
        if said := now_applies_note(form, edited.ask):  # why a question comes before the summary
            dispatcher.utter_message(response="utter_field_kept_unchecked", note=said)
        # answers to questions that no longer apply are gone; those that now apply are asked
        events += [SlotSet(SLOT + f, None) for f in edited.dropped + edited.ask]
        # in the middle of the form, or a question now applies: the form; else the summary
        to_form = in_form or bool(edited.ask)
        return events + [FollowupAction("vtr_form" if to_form else "action_vtr_summary")]


#: An edit said with a verb of change ("change ...", "update ..."), not a story's words.
_CHANGE_VERB = re.compile(r"^\W*(?:please\s+)?(?:change|update|correct|amend|edit|fix)\b", re.I)


def _story_asked(tracker: Tracker) -> str | None:
    """The story field (long text, or "anything else to add?") the open form question asks."""
    if (tracker.active_loop or {}).get("name") != "vtr_form":
        return None
    requested = tracker.get_slot("requested_slot") or ""
    field_id = requested[len(SLOT) :] if requested.startswith(SLOT) else ""
    if field_id == CONCERN_MORE:
        return field_id
    try:
        return field_id if get_form().field(field_id).type == "long_text" else None
    except KeyError:
        return None


class ActionAddMore(NeverRaise, Action):
    """ "Add more": more words for the concern, appended to what is there."""

    def name(self) -> str:
        return "action_add_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        draft = _draft_or_say(dispatcher, tracker)
        if draft is None:
            return [SlotSet("last_answer", "no_draft")]
        draft.concern_done = False
        draft.status = "draft"
        services().drafts.save(owner_id(tracker), draft)
        return [
            SlotSet("draft_id", draft.id),
            SlotSet(SLOT + CONCERN_MORE, None),
            SlotSet("last_answer", "add_more"),
            FollowupAction("vtr_form"),
        ]


def _latest(tracker: Tracker) -> Draft | None:
    return services().drafts.latest_open(owner_id(tracker))


def _draft_or_say(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str = "utter_no_draft"
) -> Draft | None:
    """The draft in hand (or the latest open one); if none, tell the user so."""
    draft = _open_draft(tracker) or _latest(tracker)
    if draft is None:
        dispatcher.utter_message(response=response)
    return draft


class ActionListDrafts(NeverRaise, Action):
    """ "My drafts": this sender's drafts only."""

    def name(self) -> str:
        return "action_list_drafts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        deliver_notices(dispatcher, tracker)
        everything = services().drafts.list(owner_id(tracker))
        drafts = [d for d in everything if not d.sealed]
        sent = [d for d in everything if d.sealed]
        if not everything:
            dispatcher.utter_message(response="utter_no_drafts")
            return [SlotSet("last_answer", "no_drafts")]
        if drafts:
            lines = [
                phrase(
                    "actions.referral.draft_line_label"
                    if d.label
                    else "actions.referral.draft_line",
                    ref=d.short_id,
                    status=d.status,
                    updated=f"{d.updated_at:%d/%m/%Y %H:%M}",
                    label=d.label,
                )
                for d in drafts
            ]
            dispatcher.utter_message(response="utter_my_drafts", drafts="\n".join(lines))
        else:
            dispatcher.utter_message(response="utter_no_drafts")
        if sent:
            lines = [
                phrase(
                    "actions.referral.sent_line",
                    ref=d.reference or d.short_id,
                    status=_sent_status(d),
                )
                for d in sent
            ]
            dispatcher.utter_message(response="utter_my_sent_referrals", referrals="\n".join(lines))
        return [SlotSet("last_answer", "my_drafts")]


def _sent_status(item: DraftSummary) -> str:
    """Where a sealed referral is: from the outbox (sealed for the inbox) or the fallback."""
    words = sent_status_words()
    found = receipt(get_config().database_url, item.reference) if item.reference else None
    if found is None:
        return words["password_route"]
    when = _when(found.sent_at) if found.sent_at else ""
    return words.get(found.status, found.status).format(when=when)


class ActionResendLink(NeverRaise, Action):
    """ "Send me the link again": a new one-time link to the password-protected PDF.

    Only for this sender's own referrals, while the file is still held (24 hours); the old
    link stops working.
    """

    def name(self) -> str:
        return "action_resend_link"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        public_url = get_config().public_url
        pickups = services().pickups
        for item in services().drafts.list(owner_id(tracker)):  # newest first
            if not item.sealed or not item.reference:
                continue
            issued = pickups.reissue(item.reference)
            if issued is None:
                continue
            token, expires = issued
            link = pickup_link(public_url, token)
            dispatcher.utter_message(
                response="utter_referral_new_link",
                reference=item.reference,
                link=link,
                expires=_when(expires),
                json_message={"link": {"url": link, "title": link_button_title()}},
            )
            return [SlotSet("last_answer", "new_link")]
        dispatcher.utter_message(
            response="utter_referral_no_link", police_phone=get_service().base.police.phone
        )
        return [SlotSet("last_answer", "no_link")]


#: Set while "Delete draft X?" waits for its answer after it paused the VTR form, so "no"
#: takes the user back to the same question.
RESUME_AFTER_DELETE = "delete_resumes_form"


def _asked_delete_last(tracker: Tracker) -> bool:
    """Whether the bot's last move before this message was "Delete draft X?"."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and kind == "action" and event.get("name") != "action_listen":
            return event.get("name") == "action_ask_delete_draft"
    return False


class ActionAskDeleteDraft(NeverRaise, Action):
    """ "Delete my draft": asks first, and that question owns the next turn.

    Asked in the middle of the VTR form, the form pauses (no question of its own in the
    same reply), so "yes" / "no" answer the deletion and never land in a field. Asked again
    while the question is open ("yes, delete it"), that is the confirmation.
    """

    def name(self) -> str:
        return "action_ask_delete_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pending = tracker.get_slot("pending_delete")
        if pending and _asked_delete_last(tracker):
            if keeps_it(latest_text(tracker)):
                return _keep(dispatcher, tracker)
            return _delete(dispatcher, tracker, pending)
        draft = _draft_or_say(dispatcher, tracker, "utter_no_drafts")
        if draft is None:
            return [SlotSet("last_answer", "no_drafts")]
        name = draft.display_name
        dispatcher.utter_message(
            response="utter_ask_delete",
            draft_name=phrase("actions.referral.draft_named", ref=draft.short_id, name=name)
            if name
            else draft.short_id,
        )
        events: list[EventType] = [
            SlotSet("pending_delete", draft.id),
            SlotSet("last_answer", "ask_delete"),
        ]
        if (tracker.active_loop or {}).get("name") == "vtr_form":
            events += [ActiveLoop(None), SlotSet(RESUME_AFTER_DELETE, True)]
        return events


def _delete(
    dispatcher: CollectingDispatcher, tracker: Tracker, draft_id: str | None
) -> list[EventType]:
    """Delete the draft the question named; the paused form (if any) stays closed."""
    events: list[EventType] = [SlotSet(RESUME_AFTER_DELETE, None)]
    try:
        services().drafts.delete(owner_id(tracker), draft_id or "")
    except DraftNotFound:
        dispatcher.utter_message(response="utter_no_drafts")
        return events + [SlotSet("pending_delete", None), SlotSet("last_answer", "no_drafts")]
    forget_draft_words(tracker, draft_id or "")
    dispatcher.utter_message(response="utter_draft_deleted", draft_ref=(draft_id or "")[:8].upper())
    events += [SlotSet("pending_delete", None), SlotSet("last_answer", "deleted")]
    if tracker.get_slot("draft_id") == draft_id:
        events += [
            SlotSet("draft_id", None),
            SlotSet("requested_slot", None),
            SlotSet("paused_form", None),
        ]
    return events


def _keep(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Keep the draft; if the question paused the VTR form, back to the same question."""
    dispatcher.utter_message(response="utter_draft_kept")
    events: list[EventType] = [
        SlotSet("pending_delete", None),
        SlotSet("last_answer", "kept"),
        SlotSet(RESUME_AFTER_DELETE, None),
    ]
    if tracker.get_slot(RESUME_AFTER_DELETE) and _open_draft(tracker) is not None:
        events.append(FollowupAction("vtr_form"))
    return events


class ActionDeleteDraft(NeverRaise, Action):
    def name(self) -> str:
        return "action_delete_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return _delete(dispatcher, tracker, tracker.get_slot("pending_delete"))


class ActionKeepDraft(NeverRaise, Action):
    def name(self) -> str:
        return "action_keep_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return _keep(dispatcher, tracker)
