"""The tracker store the assistant runs with: `EncryptedSQLTrackerStore` plus metrics.

A subclass, so that the encrypted store itself (bot/rasa_ext/tracker_store.py) stays
about storage and keys. What it adds: counting the risk outcomes of each saved turn
(`prevent_risk_outcomes_total{outcome}`: emergency, police, and the triage outcomes), read
from the events being stored, so it covers every channel and every replica.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rasa.shared.core.events import ActionExecuted, BotUttered

from bot.metrics import count_outcome
from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore

if TYPE_CHECKING:
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.orm import Session

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


class ProductionTrackerStore(EncryptedSQLTrackerStore):
    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        new = list(super()._additional_events(session, tracker))
        for outcome in outcomes(new):
            count_outcome(outcome)
        return iter(new)
