"""The tracker store the assistant runs with: `EncryptedSQLTrackerStore` plus metrics and
a refusal instead of Rasa's silent fallback when the database is away.

A subclass, so that the encrypted store itself (bot/rasa_ext/tracker_store.py) stays
about storage and keys. What it adds:

* counting the risk outcomes of each saved turn (`prevent_risk_outcomes_total{outcome}`:
  emergency, police, and the triage outcomes), read from the events being stored, so it
  covers every channel and every replica;
* riding out a database restart: Rasa wraps every tracker store in `FailSafeTrackerStore`,
  which on any error serves the turn from an empty in-memory tracker (a DSL in the middle
  of a referral would be greeted as a stranger, and that turn kept only in one replica's
  memory). Here a database error is retried for `PREVENT_DB_RETRY_SECONDS` (10), and then
  the turn is refused with `TrackerDatabaseUnavailable`, which the fail-safe wrapper does
  not catch (it derives from `asyncio.CancelledError`, like a timed-out turn, which the
  channels already answer with nothing or "please try again").
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy.exc
from rasa.shared.core.events import ActionExecuted, BotUttered

from bot.metrics import count_outcome
from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore

if TYPE_CHECKING:
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Immediate-risk replies (bot/rasa_ext/safety_policy.py) when they carry no outcome payload.
RISK_ACTIONS = {"utter_emergency": "emergency", "utter_police": "police"}


def outcomes(events: list[Event]) -> list[str]:
    """The outcomes said in these events: payload outcomes first, else the risk actions."""
    said: list[str] = []
    for event in events:
        if isinstance(event, BotUttered):
            custom: Any = (event.data or {}).get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("outcome"), str):
                said.append(custom["outcome"])
    if said:
        return said
    return [
        RISK_ACTIONS[e.action_name]
        for e in events
        if isinstance(e, ActionExecuted) and e.action_name in RISK_ACTIONS
    ]


class TrackerDatabaseUnavailable(asyncio.CancelledError):
    """The tracker database did not answer within the retry window: the turn is refused."""


def _retry_seconds() -> float:
    return float(os.environ.get("PREVENT_DB_RETRY_SECONDS", "") or 10)


async def _with_retry(what: str, call: Callable[[], Awaitable[T]]) -> T:
    deadline = time.monotonic() + _retry_seconds()
    while True:
        try:
            return await call()
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as exc:
            if time.monotonic() >= deadline:
                logger.error(
                    "Turn refused: the tracker database cannot be reached (%s while %s).",
                    type(exc).__name__,
                    what,
                )
                raise TrackerDatabaseUnavailable(what) from exc
            await asyncio.sleep(0.5)


class ProductionTrackerStore(EncryptedSQLTrackerStore):
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await _with_retry("reading", lambda: super(ProductionTrackerStore, self)
                                 .retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await _with_retry("reading", lambda: super(ProductionTrackerStore, self)
                                 .retrieve_full_tracker(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await _with_retry("saving", lambda: super(ProductionTrackerStore, self).save(tracker))

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        new = list(super()._additional_events(session, tracker))
        for outcome in outcomes(new):
            count_outcome(outcome)
        return iter(new)
