"""One turn of a form that takes answers: answer, retry, interruption and resume, in one place.

Why: the VTR referral form and the concern form each had their own way to tell an answer
from an interruption and to ask again after a reply that didn't fit; they had started to
disagree. A form here only says how to take one answer (`take`) and which question comes
next (`next_slot`); this class decides the rest, the same way for both:

- **answer**: the form runs right after the user spoke (`user_just_spoke`) with one of its
  questions open; the reply is its answer unless it is an interruption.
- **interruption** (`bot.referral.interruptions`): no event about the answer is returned,
  so Rasa rejects the form for this turn and a rule answers ("why?", guidance, "stop").
- **resume**: the rule runs the form again; the latest message was the interruption, not
  an answer, so the form only asks its open question again.
- **retry**: a reply that doesn't fit is told what was wrong (by `take`) and the same
  question is asked again; the form's retry slot counts the tries, and from `max_retries`
  on `take` is told it is the last try (the VTR form then keeps the reply as typed).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions._common import NeverRaise, latest_text, user_just_spoke
from bot.referral.interruptions import interrupts

REQUESTED_SLOT = "requested_slot"
Context = TypeVar("Context")


@dataclass(frozen=True)
class Taken:
    """The reply was taken: its events, then the next question unless `ask_next` is False
    (the answer itself closed the form, e.g. "yes, someone is in danger now")."""

    events: list[EventType] = field(default_factory=list)
    ask_next: bool = True


@dataclass(frozen=True)
class Retry:
    """The reply was not taken: the same question again. `counts` False when the reply was
    never an attempt at an answer (a worry the safety net asked about, an empty message)."""

    counts: bool = True


@dataclass(frozen=True)
class Refuse:
    """The form cannot run this turn (its draft is gone): these events, and it closes."""

    events: list[EventType]


class FormBase(NeverRaise, FormValidationAction, Generic[Context]):
    """The validation action of a form that owns its questions (see the module docstring).

    Subclasses set `slot_prefix` (the form's question slots), `retries_slot` (a float slot
    in the domain) and `max_retries` (None: ask until it fits), and implement `take` and
    `next_slot` (abstract: the action server registers only concrete actions); `load`
    may refuse the turn (`Refuse`: the VTR form without its draft).
    """

    slot_prefix: ClassVar[str]
    retries_slot: ClassVar[str]
    max_retries: ClassVar[int | None] = None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        loaded = await self.load(dispatcher, tracker, domain)
        if isinstance(loaded, Refuse):
            return loaded.events
        context: Context = loaded
        requested = tracker.get_slot(REQUESTED_SLOT) or ""
        if not (requested.startswith(self.slot_prefix) and self.answering(tracker)):
            return self._next(tracker, context, [])  # activation, or resume after a pause
        text = latest_text(tracker)
        if self.interrupted(tracker, text):
            return []  # the form pauses for this turn; a rule answers, then it asks again
        outcome = await self.take(
            dispatcher, tracker, domain, context, requested, text, last_try=self.last_try(tracker)
        )
        if isinstance(outcome, Retry):
            return self.ask_again(tracker, requested, counts=outcome.counts)
        events = [*outcome.events, SlotSet(self.retries_slot, 0)]
        if not outcome.ask_next:
            return events
        return self._next(tracker, context, events)

    # -- the shared rules -------------------------------------------------------------

    def answering(self, tracker: Tracker) -> bool:
        """The latest user message is a reply to this form's open question."""
        return user_just_spoke(tracker, self.form_name())

    def interrupted(self, tracker: Tracker, text: str) -> bool:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        return interrupts(self.form_name(), intent, text)

    def retries(self, tracker: Tracker) -> int:
        return int(tracker.get_slot(self.retries_slot) or 0)

    def last_try(self, tracker: Tracker) -> bool:
        return self.max_retries is not None and self.retries(tracker) >= self.max_retries

    def ask_again(self, tracker: Tracker, requested: str, counts: bool = True) -> list[EventType]:
        """The same question again. A slot other than `requested_slot` is always set (the
        retry count), or Rasa would take "nothing extracted" as an interruption."""
        retries = self.retries(tracker) + (1 if counts else 0)
        return [SlotSet(self.retries_slot, retries), SlotSet(REQUESTED_SLOT, requested)]

    def _next(self, tracker: Tracker, context: Context, events: list[EventType]) -> list[EventType]:
        tracker.add_slots([e for e in events if e.get("event") == "slot"])
        return [*events, SlotSet(REQUESTED_SLOT, self.next_slot(tracker, context))]

    # -- what each form says ----------------------------------------------------------

    async def load(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Context | Refuse:
        """What the form works on this turn (the VTR form: its draft); Refuse ends the turn."""
        return None  # type: ignore[return-value]

    @abc.abstractmethod
    async def take(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        context: Context,
        slot: str,
        text: str,
        *,
        last_try: bool,
    ) -> Taken | Retry:
        """Take `text` as the answer for `slot`; on Retry, `take` has said what was wrong."""

    @abc.abstractmethod
    def next_slot(self, tracker: Tracker, context: Context) -> str | None:
        """The next question's slot; None when the form is complete."""
