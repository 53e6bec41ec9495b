"""Is a delivery worker alive? A heartbeat row the worker writes on every round.

The confirm path reads it before telling a DSL their referral "is on its way": with no
worker beating recently, nothing would send it, so the DSL is told it is queued, that the
sending service is not running, and the SET 2.5 phone route. A row in the shared database
(not a file) so it works when the worker runs on another host (PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.db import session_scope, utcnow
from bot.store.tables.delivery import HeartbeatRow

DELIVERY_WORKER = "delivery"


def beat(url: str, name: str = DELIVERY_WORKER, now: datetime | None = None) -> None:
    """Record that the worker `name` is alive now."""
    now = now or utcnow()
    with session_scope(url) as session:
        row = session.get(HeartbeatRow, name)
        if row is None:
            session.add(HeartbeatRow(name=name, beat_at=now))
        else:
            row.beat_at = now


def last_beat(url: str, name: str = DELIVERY_WORKER) -> datetime | None:
    with session_scope(url) as session:
        row = session.get(HeartbeatRow, name)
        return row.beat_at if row else None


def is_alive(
    url: str,
    max_age: timedelta,
    name: str = DELIVERY_WORKER,
    now: datetime | None = None,
) -> bool:
    """Whether the worker beat within `max_age` (a worker stopped or never started: False)."""
    seen = last_beat(url, name)
    return seen is not None and (now or utcnow()) - seen <= max_age


def max_age_for(every_seconds: float) -> timedelta:
    """How old a beat may be for a worker running every `every_seconds`: three rounds, and
    at least two minutes (a round that is sending over a slow relay beats late)."""
    return timedelta(seconds=max(120.0, 3 * every_seconds))
