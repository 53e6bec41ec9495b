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
  given up with a `TrackerDatabaseUnavailable`, which the fail-safe wrapper does not catch
  (it derives from `asyncio.CancelledError`, like a timed-out turn): `TrackerNotRead`
  before the turn (refused: the channels say the assistant is busy, send it again) or
  `TrackerNotSaved` after it ran (the channels say it may not be remembered;
  `bot.channels.refusals`, `bot.runtime.turn_errors`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
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
from rasa.core.tracker_store import create_engine_kwargs as rasa_engine_kwargs
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import get_config
from bot.metrics import count_outcome
from bot.rasa_ext.tracker_store import (
    ConversationKeyRow,
    EncryptedSQLTrackerStore,
    _AllowedNames,
    _sqlite_secure_delete,
)
from bot.runtime.speedups import apply as apply_speedups
from bot.runtime.speedups import clone_tracker
from bot.runtime.turn_errors import (  # re-exported: where the store raises them
    TrackerDatabaseUnavailable,
    TrackerNotRead,
    TrackerNotSaved,
)
from bot.store.conversations import forget_one_time_secrets, forgets_conversation

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


def _retry_seconds() -> float:
    return get_config().db_retry_seconds


async def _with_retry(
    what: str, call: Callable[[], Awaitable[T]], gives_up: type[TrackerDatabaseUnavailable]
) -> T:
    """`call`, retried for `PREVENT_DB_RETRY_SECONDS` on a lost database; then `gives_up`
    (`TrackerNotRead` refuses the turn before it runs, `TrackerNotSaved` says it ran)."""
    deadline = time.monotonic() + _retry_seconds()
    while True:
        try:
            return await call()
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as exc:
            if time.monotonic() >= deadline:
                logger.error(
                    "%s: the tracker database cannot be reached (%s while %s).",
                    "Turn refused" if gives_up is TrackerNotRead else "Turn not saved",
                    type(exc).__name__,
                    what,
                )
                raise gives_up(what) from exc
            await asyncio.sleep(0.5)


@dataclass
class _Cached:
    """One conversation as this process last read or wrote it.

    `tracker` is the latest session rebuilt from the *stored* events (after one-time
    secrets were dropped), never a tracker Rasa worked on: each turn gets a copy
    (`clone_tracker`), and new rows are applied to it, not replayed from the start.
    """

    last_id: int  # the newest row of the conversation (all sessions)
    count: int  # rows up to last_id, and the total length of their stored ciphertext:
    length: int  # if either changes, rows were deleted or rewritten: read again
    key_marker: tuple[str, bytes] | None  # the conversation key row as it was
    session_rows: int  # rows of the latest session (what Rasa's save counts)
    tracker: DialogueStateTracker


class _TrackerCache:
    """A bounded, expiring LRU of `_Cached` by sender hash, per process.

    Bounded in two ways: at most `size` conversations (the least recently used goes
    first), and each for at most `seconds` after it was put (read from the database):
    every older entry is swept out whenever the cache is read or written. So a decrypted
    tracker is never served past that age, one nobody asks about again does not wait for
    the LRU to push it out (the next read or put of any conversation drops it), and a
    busy one is read afresh from the database now and
    then rather than only ever extended. Rows saved here extend an entry but do not make
    it younger. `clock` is injectable for tests (monotonic seconds).
    """

    def __init__(
        self, size: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size = max(0, size) if seconds > 0 else 0
        self.seconds = seconds
        self._clock = clock
        #: owner -> (when it was put, the entry); in least- to most-recently used order.
        self._entries: OrderedDict[str, tuple[float, _Cached]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _expired(self, put_at: float, now: float) -> bool:
        return now - put_at >= self.seconds

    def _sweep(self, now: float) -> None:
        """Drop every expired entry (the caller holds the lock). Run on every read and
        write, so a conversation that has gone quiet leaves memory at the next turn of any
        other (review of s18: sweeping only on a miss kept quiet ones while hits went on)."""
        for stale in [o for o, (at, _) in self._entries.items() if self._expired(at, now)]:
            del self._entries[stale]

    def get(self, owner: str) -> _Cached | None:
        with self._lock:
            self._sweep(self._clock())
            found = self._entries.get(owner)
            if found is None:
                return None
            self._entries.move_to_end(owner)
            return found[1]

    def put(self, owner: str, entry: _Cached) -> None:
        if not self.size:
            return
        with self._lock:
            now = self._clock()
            self._sweep(now)
            self._entries[owner] = (now, entry)
            self._entries.move_to_end(owner)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, owner: str | None = None) -> None:
        with self._lock:
            if owner is None:
                self._entries.clear()
            else:
                self._entries.pop(owner, None)


def _keep_replay_snapshot(turn: DialogueStateTracker, cached: DialogueStateTracker) -> None:
    """Hand the replay snapshot RulePolicy left on this turn's tracker to the cached one,
    so that the next turn's copy starts from it (`speedups._recent_prior_trackers`). It
    covers events of earlier turns, which the cached tracker shares with this turn's; it
    is used only if they are the very same event objects, so a stale one is ignored."""
    snapshot = turn.__dict__.get("_prevent_prior")
    if snapshot is not None:
        cached._prevent_prior = snapshot  # type: ignore[attr-defined]


class ProductionTrackerStore(EncryptedSQLTrackerStore):
    """With a tracker cache: a turn's cost does not grow with the conversation.

    Rasa reads the latest session back for every turn and rebuilds the tracker by
    replaying every event; the encrypted store fetched, authenticated and decrypted every
    row again. Here each process keeps, per conversation (bounded LRU,
    `PREVENT_TRACKER_CACHE_SIZE` conversations, 512; 0 turns it off; each for at most
    `PREVENT_TRACKER_CACHE_SECONDS`, 600, after it was read), the tracker of the
    latest session as stored, and hands each turn a copy of it. On each turn it asks the
    database, in one aggregate query, for the conversation's row count, total ciphertext
    length and newest id, and reads the conversation's key row: rows another replica
    wrote are read, decrypted and applied (never served stale); older rows deleted or
    rewritten (same count and length expected), a key shredded, rewritten or re-wrapped,
    or a new session begun elsewhere, and the entry is dropped and the parent's strict
    reading runs as before. After a save, the rows just stored are applied to the entry
    as they were stored (one-time secrets already dropped); a save that redacts the
    conversation drops it. The full history (`retrieve_full_tracker`) is always read
    from the database.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        apply_speedups()
        config = get_config()
        self._tracker_cache = _TrackerCache(
            config.tracker_cache_size, config.tracker_cache_seconds
        )
        # Per conversation during one save: the rows sealed, and the entry they extend.
        self._sealed: dict[str, list[tuple[int, dict[str, Any], int]]] = {}
        self._continuing: dict[str, _Cached] = {}
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
        if fetch_events_from_all_sessions or not self._tracker_cache.size or not self.domain:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        owner = self.sender_hash(sender_id)
        entry = self._tracker_cache.get(owner)
        if entry is not None:
            marker, count, length, newest, _, _ = self._probe(owner)
            if (marker, newest, count, length) == (
                entry.key_marker, entry.last_id, entry.count, entry.length
            ):
                return clone_tracker(entry.tracker, sender_id)  # nothing written elsewhere
        with self.session_scope() as session:
            key_row = session.get(ConversationKeyRow, owner)
            marker = (key_row.key_version, bytes(key_row.wrapped_key)) if key_row else None
            count, length, newest = self._totals(session, owner)
            entry = self._tracker_cache.get(owner)
            try:
                fresh = entry is not None and self._advance(
                    session, owner, entry, marker, count, length, newest
                )
            except BaseException:
                self._tracker_cache.forget(owner)
                raise
            if not fresh:
                self._tracker_cache.forget(owner)
                entry = None
            if entry is None:
                entry = self._read_latest_session(session, sender_id, owner, marker,
                                                  count, length, newest)
                if entry is None:
                    return None
                self._tracker_cache.put(owner, entry)
        return clone_tracker(entry.tracker, sender_id)

    def _probe(
        self, owner: str, draw: int = 0
    ) -> tuple[tuple[str, bytes] | None, int, int, int, ConversationKeyRow | None, list[int]]:
        """In one statement, in autocommit (one round trip: no BEGIN, no ROLLBACK): the
        key row's marker, the conversation's row count, total ciphertext length and newest
        id, the key row itself, and `draw` new row ids from the events' sequence
        (PostgreSQL only). What a turn served from the cache asks of the database."""
        events, keys = self.SQLEvent.__table__, ConversationKeyRow.__table__
        totals = (
            sa.select(
                sa.func.count(events.c.id).label("count"),
                sa.func.coalesce(sa.func.sum(sa.func.length(events.c.data)), 0).label("length"),
                sa.func.coalesce(sa.func.max(events.c.id), 0).label("newest"),
            )
            .where(events.c.sender_id == owner)
            .subquery()
        )
        columns = [totals.c.count, totals.c.length, totals.c.newest, keys.c.key_version,
                   keys.c.wrapped_key]
        if draw:
            columns.append(sa.text(
                "ARRAY(SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :draw))"
            ).bindparams(table=events.name, draw=draw))
        statement = sa.select(*columns).select_from(
            totals.outerjoin(keys, keys.c.sender_hash == sa.literal(owner))
        )
        with self._autocommit().connect() as connection:
            row = connection.execute(statement).one()
        count, length, newest, version, wrapped = row[:5]
        key_row = marker = None
        if version is not None:
            marker = (version, bytes(wrapped))
            key_row = ConversationKeyRow(sender_hash=owner, key_version=version,
                                         wrapped_key=bytes(wrapped))
        ids = sorted(int(i) for i in row[5]) if draw else []
        return marker, int(count), int(length), int(newest), key_row, ids

    def _autocommit(self) -> sa.engine.Engine:
        """An engine on this store's database whose connections stay in autocommit: a
        pool of its own (switching a pooled connection in and out of autocommit costs a
        `SET default_transaction_isolation` round trip each time on PostgreSQL)."""
        found = getattr(self, "_autocommit_engine", None)
        if found is None or found[0] is not self.engine:
            old = self.engine
            if old.dialect.name == "sqlite" and old.url.database in (None, "", ":memory:"):
                return old  # one private database per connection pool: keep it
            options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}
            if old.dialect.name == "sqlite":
                options.update(poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=8,
                               connect_args={"check_same_thread": False})
            elif old.dialect.name == "postgresql":
                options.update(rasa_engine_kwargs(old.url))
            engine = sa.create_engine(old.url, **options)
            if old.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_secure_delete)
            found = self._autocommit_engine = (old, engine)
        return found[1]

    def _append_from_cache(self, tracker: DialogueStateTracker, owner: str) -> bool:
        """Save a turn's new events in two round trips (PostgreSQL), when the cache says
        which they are: one probe (the key row, the rows stored, the new ids) and one
        INSERT of the sealed rows. False, with nothing written, when this is not the
        plain case (no entry, another process wrote meanwhile, a new session, a turn
        that redacts the conversation, the key changed): `save` then goes the long way.
        """
        entry = self._tracker_cache.get(owner)
        if (
            entry is None
            or self.engine.dialect.name != "postgresql"
            or entry.session_rows > len(tracker.events)
        ):
            return False
        new = list(itertools.islice(tracker.events, entry.session_rows, None))
        if not new:
            return False
        dicts = [event.as_dict() for event in new]
        if any(
            forgets_conversation(data) or data.get("event") == SessionStarted.type_name
            for data in dicts
        ):
            return False
        marker, count, length, newest, key_row, ids = self._probe(owner, draw=len(new))
        if key_row is None or (marker, newest, count, length) != (
            entry.key_marker, entry.last_id, entry.count, entry.length
        ):
            return False  # the drawn ids stay unused (a sequence may have gaps)
        key = self._unwrap(key_row)
        allowed = _AllowedNames(self.domain)
        rows, stored = [], []
        for row_id, event, data in zip(ids, new, dicts, strict=True):
            data = forget_one_time_secrets(data)
            intent, action = allowed.plain_columns(event, data)
            sealed = EncryptedSQLTrackerStore._seal_row(key, owner, row_id, data)
            rows.append({
                "id": row_id, "sender_id": owner, "type_name": event.type_name,
                "timestamp": data.get("timestamp"), "intent_name": intent,
                "action_name": action, "data": sealed,
            })
            stored.append((data, len(sealed)))
        engine = self._autocommit() if len(rows) <= 500 else self.engine  # one statement
        with engine.begin() as connection:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
        for outcome in outcomes(new):
            count_outcome(outcome)
        for event in deserialise_events([data for data, _ in stored]):
            entry.tracker.update(event)
        entry.tracker.applied_events()
        _keep_replay_snapshot(tracker, entry.tracker)
        entry.last_id, entry.count = ids[-1], entry.count + len(rows)
        entry.length += sum(size for _, size in stored)
        entry.session_rows += len(rows)
        return True

    def _totals(self, session: Session, owner: str) -> tuple[int, int, int]:
        """Rows of the conversation, the total length of their ciphertext, newest id."""
        count, length, newest = session.execute(
            sa.select(
                sa.func.count(self.SQLEvent.id),
                sa.func.coalesce(sa.func.sum(sa.func.length(self.SQLEvent.data)), 0),
                sa.func.coalesce(sa.func.max(self.SQLEvent.id), 0),
            ).where(self.SQLEvent.sender_id == owner)
        ).one()
        return int(count), int(length), int(newest)

    def _advance(
        self,
        session: Session,
        owner: str,
        entry: _Cached,
        marker: tuple[str, bytes] | None,
        count: int,
        length: int,
        newest: int,
    ) -> bool:
        """Bring `entry` up to the database; False when it cannot be (read it again).

        Only rows newer than the entry are read (another replica may have written them);
        the older rows must be exactly as they were (same count and total length), the
        key row too, and no new session may have begun in between.
        """
        if entry.key_marker != marker or newest < entry.last_id:
            return False
        if newest == entry.last_id:
            return (count, length) == (entry.count, entry.length)
        rows = (
            session.query(self.SQLEvent)
            .filter(self.SQLEvent.sender_id == owner, self.SQLEvent.id > entry.last_id)
            .order_by(self.SQLEvent.id)
            .all()
        )
        added = sum(len(row.data or "") for row in rows)
        if (count - len(rows), length - added) != (entry.count, entry.length):
            return False
        if any(row.type_name == SessionStarted.type_name for row in rows):
            return False  # the latest session changed: read it as Rasa would
        key = self._stored_data_key(session, owner)
        datas = [self._open_row(row, owner, key) for row in rows]  # strict, per row
        for event in deserialise_events(datas):
            entry.tracker.update(event)
        entry.tracker.applied_events()  # extends the memo the turns' copies start from
        entry.last_id, entry.count, entry.length = rows[-1].id, count, length
        entry.session_rows += len(rows)
        return True

    def _read_latest_session(
        self,
        session: Session,
        sender_id: str,
        owner: str,
        marker: tuple[str, bytes] | None,
        count: int,
        length: int,
        newest: int,
    ) -> _Cached | None:
        """The parent's strict reading of the latest session, kept as a cache entry."""
        rows = [
            row
            for row in self._owner_event_query(session, owner, False).all()
            if row.id <= newest  # rows written after the totals wait for the next turn
        ]
        if not rows:
            return None
        key = self._stored_data_key(session, owner)
        datas = [self._open_row(row, owner, key) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, datas, self.domain.slots)
        tracker.applied_events()  # the memo the turns' copies start from (speedups.py)
        return _Cached(
            last_id=newest, count=count, length=length, key_marker=marker,
            session_rows=len(rows), tracker=tracker,
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await _with_retry("reading", lambda: super(ProductionTrackerStore, self)
                                 .retrieve(sender_id), TrackerNotRead)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await _with_retry("reading", lambda: super(ProductionTrackerStore, self)
                                 .retrieve_full_tracker(conversation_id), TrackerNotRead)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await _with_retry("saving", lambda: self._save_and_remember(tracker), TrackerNotSaved)

    async def _save_and_remember(self, tracker: DialogueStateTracker) -> None:
        """The parent's save; then the rows just stored are applied to the cached tracker
        (when the cache was up to date before them), as they were stored."""
        owner = self.sender_hash(tracker.sender_id)
        try:
            if self._append_from_cache(tracker, owner):
                await self.stream_events(tracker)
                return
        except BaseException:
            self._tracker_cache.forget(owner)
            raise
        self._sealed[owner] = []
        self._continuing.pop(owner, None)
        try:
            await super().save(tracker)
            sealed = self._sealed.get(owner) or []
            entry = self._continuing.pop(owner, None)
            if entry is None or not sealed:
                return
            if any(data.get("event") == SessionStarted.type_name for _, data, _ in sealed):
                self._tracker_cache.forget(owner)  # a new session: read it as Rasa would
                return
            for event in deserialise_events([data for _, data, _ in sealed]):
                entry.tracker.update(event)
            entry.tracker.applied_events()  # extends the memo the next turn starts from
            _keep_replay_snapshot(tracker, entry.tracker)
            entry.last_id = max(row_id for row_id, _, _ in sealed)
            entry.count += len(sealed)
            entry.length += sum(length for _, _, length in sealed)
            entry.session_rows += len(sealed)
        except BaseException:
            self._tracker_cache.forget(owner)
            raise
        finally:
            self._sealed.pop(owner, None)
            self._continuing.pop(owner, None)

    def _seal_row(  # type: ignore[override]
        self, key: bytes, owner: str, row_id: int, data: dict[str, Any]
    ) -> str:
        text = EncryptedSQLTrackerStore._seal_row(key, owner, row_id, data)
        sealed = self._sealed.get(owner)
        if sealed is not None:
            sealed.append((row_id, data, len(text)))
        return text

    def _insert_sealed(
        self, session: Session, key: bytes, owner: str, rows: list[dict[str, Any]]
    ) -> None:
        if owner in self._sealed:
            self._sealed[owner] = []  # a retried write: only its own rows count
        super()._insert_sealed(session, key, owner, rows)

    def _redact_stored(self, session: Session, owner: str, key: bytes) -> int:
        self._tracker_cache.forget(owner)  # every row rewritten: read again next turn
        self._continuing.pop(owner, None)
        return super()._redact_stored(session, owner, key)

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """The events to store: those after the rows of the latest session. Counted from
        the cached tracker when the database still holds exactly what it covers (same
        row count, same newest row), otherwise by the parent's query."""
        owner = self.sender_hash(tracker.sender_id)
        entry = self._tracker_cache.get(owner)
        new: list[Event] | None = None
        if entry is not None:
            count, newest = session.execute(
                sa.select(
                    sa.func.count(self.SQLEvent.id),
                    sa.func.coalesce(sa.func.max(self.SQLEvent.id), 0),
                ).where(self.SQLEvent.sender_id == owner)
            ).one()
            if (int(count), int(newest)) == (entry.count, entry.last_id) and (
                entry.session_rows <= len(tracker.events)
            ):
                new = list(itertools.islice(tracker.events, entry.session_rows, None))
                self._continuing[owner] = entry
            else:
                self._tracker_cache.forget(owner)
        if new is None:
            new = list(super()._additional_events(session, tracker))
        for outcome in outcomes(new):
            count_outcome(outcome)
        return iter(new)
