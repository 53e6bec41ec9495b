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
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.metrics import count_outcome
from bot.rasa_ext.tracker_store import (
    ConversationKeyRow,
    EncryptedSQLTrackerStore,
    _sqlite_secure_delete,
)
from bot.runtime.speedups import apply as apply_speedups

if TYPE_CHECKING:
    from rasa.shared.core.events import Event
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


def _latest_session(entry: _Cached) -> list[str]:
    """The events of the latest session, selected as Rasa's SQL query does: every event
    whose timestamp is at or after the newest `session_started`'s (all, if none)."""
    starts = [
        ts
        for ts, name in zip(entry.timestamps, entry.type_names, strict=True)
        if name == SessionStarted.type_name and ts is not None
    ]
    if not starts:
        return list(entry.plaintexts)
    newest = max(starts)
    return [
        text
        for text, ts in zip(entry.plaintexts, entry.timestamps, strict=True)
        if ts is not None and ts >= newest
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


@dataclass(frozen=True)
class _Cached:
    """What this process has already decrypted of one conversation (all sessions)."""

    last_id: int  # the newest row it covers
    count: int  # rows up to last_id, and the total length of their stored ciphertext:
    length: int  # if either changes, rows were deleted or rewritten: start again
    key_marker: tuple[str, bytes] | None  # the conversation key row as it was
    plaintexts: tuple[str, ...]  # event JSON, in row order (parsed anew for each turn)
    timestamps: tuple[float | None, ...]
    type_names: tuple[str, ...]


class _TrackerCache:
    """A bounded LRU of `_Cached` by sender hash, per process."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self._entries: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owner: str) -> _Cached | None:
        with self._lock:
            entry = self._entries.get(owner)
            if entry is not None:
                self._entries.move_to_end(owner)
            return entry

    def put(self, owner: str, entry: _Cached) -> None:
        if not self.size:
            return
        with self._lock:
            self._entries[owner] = entry
            self._entries.move_to_end(owner)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, owner: str | None = None) -> None:
        with self._lock:
            if owner is None:
                self._entries.clear()
            else:
                self._entries.pop(owner, None)


class ProductionTrackerStore(EncryptedSQLTrackerStore):
    """With an incremental cache: a turn decrypts only the rows written since the last.

    Rasa reads the whole session back for every turn; the encrypted store then fetches,
    authenticates and decrypts every row again, so a turn costs more the longer the
    conversation. Here each process keeps, per conversation, the plaintext event JSON it
    has already opened (bounded LRU, `PREVENT_TRACKER_CACHE_SIZE` conversations, 512) and
    on each turn asks the database only for rows with a higher id — so what another
    replica wrote is always read — plus a check that nothing it holds has changed: the
    count and total length of the older rows, and the conversation's key row (a key that
    was shredded, rewritten or re-wrapped empties the entry). Anything unexpected, and
    the parent's strict reading runs as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        apply_speedups()
        size = os.environ.get("PREVENT_TRACKER_CACHE_SIZE", "").strip()
        self._tracker_cache = _TrackerCache(int(size) if size else 512)
        super().__init__(*args, **kwargs)
        self._pool_sqlite()

    def _pool_sqlite(self) -> None:
        """Keep SQLite connections open between turns.

        SQLAlchemy 1.4 gives a SQLite file no pool (`NullPool`): every session opened a
        new connection, ran the WAL/secure-delete pragmas and closed it again, and
        closing the last connection checkpoints the WAL. Under load (py-spy) that was a
        fifth of the Rasa server's CPU. A small queue pool keeps a few open; SQLite
        itself still allows one writer at a time, as before.
        """
        old = self.engine
        if old.dialect.name != "sqlite" or old.url.database in (None, "", ":memory:"):
            return
        engine = sa.create_engine(
            old.url,
            poolclass=sa.pool.QueuePool,
            pool_size=4,
            max_overflow=8,
            connect_args={"check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _sqlite_secure_delete)
        self.engine = engine
        self.sessionmaker = sa.orm.sessionmaker(bind=engine)
        old.dispose()

    def forget_cached_conversation(self, sender_id: str | None = None) -> None:
        """Drop what this process holds of one conversation (or all): call after redacting,
        purging or shredding one here; other replicas notice by themselves."""
        self._tracker_cache.forget(None if sender_id is None else self.sender_hash(sender_id))

    def forget_cached_keys(self) -> None:
        super().forget_cached_keys()
        self._tracker_cache.forget()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        owner = self.sender_hash(sender_id)
        with self.session_scope() as session:
            key_row = session.get(ConversationKeyRow, owner)
            marker = (key_row.key_version, bytes(key_row.wrapped_key)) if key_row else None
            cached = self._tracker_cache.get(owner)
            if cached is not None and (
                cached.key_marker != marker or not self._unchanged(session, owner, cached)
            ):
                self._tracker_cache.forget(owner)
                cached = None
            since = cached.last_id if cached is not None else 0
            rows = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == owner, self.SQLEvent.id > since)
                .order_by(self.SQLEvent.id)
                .all()
            )
            if not rows and cached is None:
                return None
            new: list[tuple[str, float | None, str, int]] = []
            if rows:
                key = self._stored_data_key(session, owner)
                for row in rows:
                    data = self._open_row(row, owner, key)  # strict: authenticated per row
                    new.append((json.dumps(data), row.timestamp, row.type_name, len(row.data)))
        entry = _Cached(
            last_id=rows[-1].id if rows else since,
            count=(cached.count if cached else 0) + len(new),
            length=(cached.length if cached else 0) + sum(n[3] for n in new),
            key_marker=marker,
            plaintexts=(cached.plaintexts if cached else ()) + tuple(n[0] for n in new),
            timestamps=(cached.timestamps if cached else ()) + tuple(n[1] for n in new),
            type_names=(cached.type_names if cached else ()) + tuple(n[2] for n in new),
        )
        self._tracker_cache.put(owner, entry)
        chosen = entry.plaintexts if fetch_events_from_all_sessions else _latest_session(entry)
        events = [json.loads(text) for text in chosen]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _unchanged(self, session: Session, owner: str, cached: _Cached) -> bool:
        count, length = session.execute(
            sa.select(
                sa.func.count(self.SQLEvent.id),
                sa.func.coalesce(sa.func.sum(sa.func.length(self.SQLEvent.data)), 0),
            ).where(self.SQLEvent.sender_id == owner, self.SQLEvent.id <= cached.last_id)
        ).one()
        return int(count) == cached.count and int(length) == cached.length

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
