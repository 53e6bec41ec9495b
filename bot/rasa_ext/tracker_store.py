"""Rasa's SQL tracker store with the conversation encrypted at rest.

Rasa's `SQLTrackerStore` keeps every event as plain JSON in `events.data`, so whatever
a user typed (a VTR referral, names of pupils and staff) would sit in the database
readable by anyone who copies it. `EncryptedSQLTrackerStore` keeps Rasa's schema, query
logic and session semantics, and changes only what is written:

* ``events.data`` holds ``"enc1:" + base64(AES-256-GCM ciphertext)`` of the event JSON,
  sealed with a data key of its own conversation and bound (associated data) to the
  conversation and to the row id, so a row cannot be moved to another conversation or
  swapped with another row without failing its integrity check on retrieval.
* ``events.sender_id`` holds ``owner_hash(sender_id, pepper)`` (HMAC-SHA256, hex), never
  the channel's user id. Callers keep using the real sender id: it is hashed here on
  the way in, and trackers come back with the real id.
* ``events.intent_name`` / ``events.action_name`` stay plain (Rasa writes them for
  analytics only; it never reads them), but only names the domain defines are written
  (intents, actions, slots, forms); anything else, e.g. an intent name an API client
  made up, is written as NULL, so these columns cannot carry user text.
* One data key per conversation (envelope encryption, `bot.store.crypto`): stored
  wrapped by the master key in the table ``conversation_keys`` (sender hash, key
  version, wrapped key, and the real sender id sealed under the conversation's own key
  so that `keys()` can return real ids), cached unwrapped per process (LRU).

Reading is strict: a row that is not encrypted, fails authentication, or whose plain
columns (type, timestamp) disagree with its sealed content raises
`TrackerIntegrityError`. Rows written by the plain `SQLTrackerStore` are only ever read
by `encrypt_legacy_rows()`, which encrypts them in place (run it once when switching
over, or set ``encrypt_legacy_rows: true`` in endpoints.yml).

Key rotation: put the new master key first in ``PREVENT_MASTER_KEYS`` (keep the old one
loaded), restart, then call `rewrap_conversation_keys()`; afterwards the old master key
can be dropped. Events themselves are never re-encrypted.

Endpoint configuration (Rasa passes ``url`` as ``host``; empty strings from unset
environment variables count as "not set")::

    tracker_store:
      type: bot.rasa_ext.tracker_store.EncryptedSQLTrackerStore
      dialect: ${TRACKER_DB_DIALECT}
      db: ${TRACKER_DB}
      url: ${TRACKER_DB_HOST}
      username: ${TRACKER_DB_USER}
      password: ${TRACKER_DB_PASSWORD}
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    FollowupAction,
    LegacyForm,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event as sa_event

from bot.services import services
from bot.store.conversations import (  # noqa: F401 - SECRET_SHOWN re-exported
    CIPHERTEXT_PREFIX,
    SECRET_SHOWN,
    encrypt_event,
    event_context,
    forget_one_time_secrets,
    forgets_conversation,
    key_record,
    redact_event,
    sender_context,
)
from bot.store.crypto import DecryptionFailed, WrappedKey, decrypt
from bot.store.db import owner_hash
from bot.store.schema import ensure_schema
from bot.store.tables.tracker import ConversationKeyRow

if TYPE_CHECKING:
    from rasa.core.brokers.broker import EventBroker
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from sqlalchemy.orm import Query, Session

logger = logging.getLogger(__name__)

DEFAULT_KEY_CACHE_SIZE = 1024
#: Tries of one save on SQLite when another connection took the row ids it read as free.
_WRITE_ATTEMPTS = 5


def ids_taken_meanwhile(exc: sqlalchemy.exc.DBAPIError) -> bool:
    """Whether a failed SQLite save only lost the race for its row ids, so reading them
    again and retrying is right (review S3-5).

    A clash on the events table's primary key is that race as pysqlite runs it today (no
    BEGIN before the read). Were a BEGIN ever sent first, the read would hold a snapshot and
    the race would surface as "database is locked" instead: retried too. Anything else (a
    NOT NULL or foreign key failure, a missing table) is a real error and is raised at once.
    """
    message = str(exc.orig or exc).lower()
    if isinstance(exc, sqlalchemy.exc.IntegrityError):
        return "unique constraint failed" in message and "events.id" in message
    return "database is locked" in message
#: Plain timestamp column vs. the sealed one: equal on SQLite and PostgreSQL (double
#: precision); the tolerance only absorbs float rendering differences.
_TIMESTAMP_TOLERANCE = 1e-3

_ACTION_EVENTS = {
    ActionExecuted.type_name,
    FollowupAction.type_name,
    ActionExecutionRejected.type_name,
}
_LOOP_EVENTS = {ActiveLoop.type_name, LegacyForm.type_name}


class EncryptedTrackerStoreError(RasaException):
    """The encrypted tracker store cannot do what was asked (configuration or data)."""


class TrackerIntegrityError(EncryptedTrackerStoreError, DecryptionFailed):
    """A stored event or conversation key was tampered with, moved, or is not encrypted."""


def _blank_to_none(value: Any) -> Any:
    """Rasa substitutes unset `${VARS}` in endpoints.yml as empty strings."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


_key_record = key_record
_sender_context = sender_context
_event_context = event_context


class _KeyCache:
    """A bounded LRU of unwrapped data keys (sender hash -> key), per process."""

    def __init__(self, size: int) -> None:
        self._size = max(0, size)
        self._keys: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owner: str) -> bytes | None:
        with self._lock:
            key = self._keys.get(owner)
            if key is not None:
                self._keys.move_to_end(owner)
            return key

    def put(self, owner: str, key: bytes) -> None:
        if not self._size:
            return
        with self._lock:
            self._keys[owner] = key
            self._keys.move_to_end(owner)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()

    def __len__(self) -> int:
        return len(self._keys)


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that stores only ciphertext and keyed hashes of sender ids.

    `keys()` returns the real sender ids of encrypted conversations (decrypted from
    ``conversation_keys``); rows still in plain (legacy, not yet migrated) are listed by
    the sender id they were stored under, but are not retrievable until
    `encrypt_legacy_rows()` has run.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | str | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: EventBroker | None = None,
        login_db: str | None = None,
        query: dict | None = None,
        key_cache_size: int | str = DEFAULT_KEY_CACHE_SIZE,
        encrypt_legacy_rows: bool | str = False,
        **kwargs: Any,
    ) -> None:
        # Rasa falls back to an in-memory store, with only a warning, when a custom
        # store's constructor raises AttributeError or ImportError
        # (`_load_from_module_name_in_endpoint_config`). Never let that happen silently.
        url = kwargs.pop("url", None)  # accepted as an alias of `host`
        try:
            self._setup(
                domain=domain,
                dialect=dialect,
                host=host if host is not None else url,
                port=port,
                db=db,
                username=username,
                password=password,
                event_broker=event_broker,
                login_db=login_db,
                query=query,
                key_cache_size=key_cache_size,
                **kwargs,
            )
        except (AttributeError, ImportError) as exc:
            raise EncryptedTrackerStoreError(
                f"EncryptedSQLTrackerStore could not start: {type(exc).__name__}: {exc}"
            ) from exc
        if _truthy(encrypt_legacy_rows):
            migrated = self.encrypt_legacy_rows()
            if migrated:
                logger.info(f"Encrypted {migrated} legacy tracker event rows in place.")
        elif self._has_legacy_rows():
            logger.warning(
                "The tracker database still holds plain (unencrypted) event rows from "
                "Rasa's SQLTrackerStore. They are not read; encrypt them in place with "
                "`encrypt_legacy_rows: true` in endpoints.yml (once) or "
                "EncryptedSQLTrackerStore.encrypt_legacy_rows()."
            )

    def _setup(
        self,
        domain: Domain | None,
        dialect: str | None,
        host: str | None,
        port: int | str | None,
        db: str | None,
        username: str | None,
        password: str | None,
        event_broker: EventBroker | None,
        login_db: str | None,
        query: dict | None,
        key_cache_size: int | str,
        **kwargs: Any,
    ) -> None:
        # Fail at start-up, not on the first message, if no key material is available.
        # Key material comes from the process's settings (`bot.services`), built once.
        deps = services()
        deps.keyring  # noqa: B018 - loads (or refuses) now
        deps.pepper  # noqa: B018
        cache_size = _blank_to_none(key_cache_size)
        self._key_cache = _KeyCache(
            DEFAULT_KEY_CACHE_SIZE if cache_size is None else int(cache_size)
        )

        if (_blank_to_none(dialect) or "sqlite") == "sqlite":
            from bot.store.db import private_sqlite_file  # 0600 before Rasa creates it

            private_sqlite_file(_blank_to_none(db) or "rasa.db")
        super().__init__(
            domain=domain,
            dialect=_blank_to_none(dialect) or "sqlite",
            host=_blank_to_none(host),
            port=_blank_to_none(port),
            db=_blank_to_none(db) or "rasa.db",
            username=_blank_to_none(username),
            password=_blank_to_none(password),
            event_broker=event_broker,
            login_db=_blank_to_none(login_db),
            query=query or None,
            **kwargs,
        )

        if self.engine.dialect.name == "sqlite":
            from bot.store.db import private_sqlite_file  # and its -wal/-shm, made since

            private_sqlite_file(self.engine.url.database)
            # Overwrite freed pages, so that rows rewritten by `encrypt_legacy_rows`
            # leave no plain remnants in the file. New connections pick this up.
            sa_event.listen(self.engine, "connect", _sqlite_secure_delete)
            self.engine.dispose()

        # Tables come from migrations (`make migrate`, target "tracker"), never made here.
        ensure_schema(self.engine, "tracker")

    # --- sender ids --------------------------------------------------------------

    @staticmethod
    def sender_hash(sender_id: str) -> str:
        """What `events.sender_id` holds for a conversation: HMAC of the real id."""
        return owner_hash(sender_id, services().pepper)

    def _event_query(
        self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Query:
        """The parent's query (ordered by id, session aware) for the real `sender_id`."""
        return self._owner_event_query(
            session, self.sender_hash(sender_id), fetch_events_from_all_sessions
        )

    def _owner_event_query(
        self, session: Session, owner: str, fetch_events_from_all_sessions: bool
    ) -> Query:
        return super()._event_query(session, owner, fetch_events_from_all_sessions)

    # --- Rasa's tracker store interface -------------------------------------------

    async def keys(self) -> Iterable[str]:
        """Real sender ids of stored conversations (plain ids for unmigrated rows)."""
        with self.session_scope() as session:
            stored = sa.select(self.SQLEvent.sender_id).distinct()
            owners = {owner for (owner,) in session.execute(stored)}
            rows = (
                session.query(ConversationKeyRow)
                .filter(ConversationKeyRow.sender_hash.in_(stored.scalar_subquery()))
                .all()
            )
            senders = [self._open_sender(row) for row in rows]
        legacy = owners - {row.sender_hash for row in rows}
        return senders + sorted(legacy)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        owner = self.sender_hash(sender_id)
        with self.session_scope() as session:
            rows = self._owner_event_query(session, owner, fetch_events_from_all_sessions).all()
            if not rows:
                logger.debug(f"No stored tracker for sender hash {owner[:12]}…; returning None.")
                return None
            key = self._stored_data_key(session, owner)
            events = [self._open_row(row, owner, key) for row in rows]

        if self.domain and events:
            logger.debug(f"Recreating tracker for sender hash {owner[:12]}…")
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events, encrypted, under the hashed sender id."""
        await self.stream_events(tracker)

        owner = self.sender_hash(tracker.sender_id)
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
        if not events:
            return

        key = self._data_key_for_writing(owner, tracker.sender_id)
        allowed = _AllowedNames(self.domain)
        dicts = [event.as_dict() for event in events]
        forget = any(forgets_conversation(data) for data in dicts)
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.session_scope() as session:
                    if forget:  # a concern's words were said: none stay in this conversation
                        self._redact_stored(session, owner, key)
                    rows = []
                    for event, data in zip(events, dicts, strict=True):
                        data = forget_one_time_secrets(data)
                        if forget:
                            data = redact_event(data)
                        intent, action = allowed.plain_columns(event, data)
                        rows.append(
                            {
                                "sender_id": owner,
                                "type_name": event.type_name,
                                "timestamp": data.get("timestamp"),
                                "intent_name": intent,
                                "action_name": action,
                                "data": data,  # sealed below, once the row id is known
                            }
                        )
                    self._insert_sealed(session, key, owner, rows)
                    session.commit()
                break
            except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError) as exc:
                # SQLite: another connection took the ids read as free (max + 1 ...)
                # between the read and the insert; nothing was written. Read them again.
                if (
                    attempt + 1 >= _WRITE_ATTEMPTS
                    or self.engine.dialect.name != "sqlite"
                    or not ids_taken_meanwhile(exc)
                ):
                    raise

        logger.debug(f"Stored {len(events)} events for sender hash {owner[:12]}…")

    def _insert_sealed(
        self, session: Session, key: bytes, owner: str, rows: list[dict[str, Any]]
    ) -> None:
        """Insert `rows` (``data`` still plain) with ``data`` sealed, each row written once.

        The seal is bound to the row id, so the ids are taken before the insert:
        PostgreSQL draws them from the column's own sequence (what its default would
        have drawn, in order); SQLite gets ``max(id) + 1 ...``, which is what it assigns
        itself to an ``INTEGER PRIMARY KEY`` without AUTOINCREMENT (a concurrent writer
        that took them first makes the insert fail on the primary key; `save` retries).
        Any other database keeps the old way: insert, flush for the ids, then update.
        """
        ids = self._take_ids(session, len(rows))
        if ids is None:
            pending = []
            for values in rows:
                row = self.SQLEvent(**{**values, "data": None})
                session.add(row)
                pending.append((row, values["data"]))
            session.flush()
            for row, data in pending:
                row.data = self._seal_row(key, owner, row.id, data)
            return
        session.flush()  # rows redacted in place go first, as before
        for row_id, values in zip(ids, rows, strict=True):
            values["id"] = row_id
            values["data"] = self._seal_row(key, owner, row_id, values["data"])
        session.execute(self.SQLEvent.__table__.insert(), rows)

    def _take_ids(self, session: Session, count: int) -> list[int] | None:
        """Row ids for `count` new event rows, ascending; None where not supported."""
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            drawn = session.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": self.SQLEvent.__tablename__, "count": count},
            ).scalars().all()
            if not drawn or any(value is None for value in drawn):
                return None  # `id` draws from no sequence of its own: the old way
            return sorted(int(value) for value in drawn)
        if dialect == "sqlite":
            newest = session.execute(
                sa.select(sa.func.coalesce(sa.func.max(self.SQLEvent.id), 0))
            ).scalar_one()
            return list(range(int(newest) + 1, int(newest) + 1 + count))
        return None

    def _redact_stored(self, session: Session, owner: str, key: bytes) -> int:
        """Redact every stored event of one conversation in place (as the vault does)."""
        changed = 0
        for row in session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == owner):
            data = self._open_row(row, owner, key)
            redacted = redact_event(data)
            if redacted != data:
                row.data = self._seal_row(key, owner, row.id, redacted)
                changed += 1
        return changed

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        stored = self._event_query(
            session, tracker.sender_id, fetch_events_from_all_sessions=False
        ).count()
        if stored > len(tracker.events):
            # Same outcome as Rasa's SQLTrackerStore (nothing is appended), but said.
            logger.warning(
                f"The tracker to save has {len(tracker.events)} events but the store "
                f"already holds {stored} for this session; nothing new is stored."
            )
        return iter(list(tracker.events)[stored:])

    # --- maintenance ----------------------------------------------------------------

    def _legacy_filter(self) -> Any:
        return sa.and_(
            self.SQLEvent.data.isnot(None),
            sa.not_(self.SQLEvent.data.startswith(CIPHERTEXT_PREFIX)),
        )

    def _has_legacy_rows(self) -> bool:
        with self.session_scope() as session:
            return session.query(self.SQLEvent.id).filter(self._legacy_filter()).first() is not None

    def encrypt_legacy_rows(self) -> int:
        """Encrypt, in place, rows written in plain by Rasa's `SQLTrackerStore`.

        Each plain row's real sender id becomes its hash and its JSON becomes
        ciphertext (row ids, hence order, are kept). Returns how many rows changed.
        Idempotent; safe to run while the bot is up.
        """
        plain = self._legacy_filter()
        with self.session_scope() as session:
            senders = [
                s for (s,) in session.query(self.SQLEvent.sender_id).filter(plain).distinct()
            ]

        migrated = 0
        for sender_id in senders:
            owner = self.sender_hash(sender_id)
            key = self._data_key_for_writing(owner, sender_id)
            allowed = _AllowedNames(self.domain)
            with self.session_scope() as session:
                rows = (
                    session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == sender_id, plain)
                    .order_by(self.SQLEvent.id)
                    .all()
                )
                for row in rows:
                    try:
                        data = json.loads(row.data)
                    except ValueError as exc:
                        raise TrackerIntegrityError(
                            f"Legacy event row {row.id} is not valid JSON."
                        ) from exc
                    row.intent_name, row.action_name = allowed.plain_columns(None, data)
                    row.sender_id = owner
                    row.data = self._seal_row(key, owner, row.id, data)
                session.commit()
                migrated += len(rows)
        return migrated

    def rewrap_conversation_keys(self) -> int:
        """Re-wrap every conversation key under the current master key; returns count.

        Run after putting a new master key first in ``PREVENT_MASTER_KEYS``; once it
        returns, older master keys are no longer needed. Events are not touched.
        """
        keyring = services().keyring
        changed = 0
        with self.session_scope() as session:
            rows = (
                session.query(ConversationKeyRow)
                .filter(ConversationKeyRow.key_version != keyring.current)
                .all()
            )
            for row in rows:
                wrapped = self._rewrap(keyring, row)
                row.key_version, row.wrapped_key = wrapped.version, wrapped.blob
                changed += 1
            session.commit()
        return changed

    def forget_cached_keys(self) -> None:
        """Drop the unwrapped data keys this process holds in memory."""
        self._key_cache.clear()

    # --- keys ---------------------------------------------------------------------

    def _data_key_for_writing(self, owner: str, sender_id: str) -> bytes:
        """The conversation's data key, created (and committed) if it has none yet.

        The key row is always looked up (one primary-key read): "Forget me" and the idle
        purge (`bot.store.conversations`) erase it from other processes, and a cached key
        whose row is gone must never be used to write new events.
        """
        with self.session_scope() as session:
            row = session.get(ConversationKeyRow, owner)
            if row is not None:
                return self._unwrap(row)

            record = services().keyring.new_record_key(_key_record(owner))
            key, wrapped = record.key, record.wrapped
            session.add(
                ConversationKeyRow(
                    sender_hash=owner,
                    key_version=wrapped.version,
                    wrapped_key=wrapped.blob,
                    sealed_sender=record.encrypt(sender_id.encode(), _sender_context(owner)),
                    created_at=datetime.now(timezone.utc).replace(tzinfo=None),
                )
            )
            try:
                session.commit()
            except sqlalchemy.exc.IntegrityError:
                # Another process created this conversation's key first: use theirs.
                session.rollback()
                row = session.get(ConversationKeyRow, owner)
                if row is None:
                    raise
                return self._unwrap(row)
        self._key_cache.put(f"{owner}:{wrapped.blob.hex()}", key)
        return key

    def _stored_data_key(self, session: Session, owner: str) -> bytes:
        row = session.get(ConversationKeyRow, owner)
        if row is None:
            raise TrackerIntegrityError(
                f"Events are stored for sender hash {owner[:12]}… but its conversation "
                f"key is missing from 'conversation_keys'."
            )
        return self._unwrap(row)

    def _unwrap(self, row: ConversationKeyRow) -> bytes:
        # Cached by the wrapped value too: a conversation erased and begun again (or
        # re-wrapped) has a new row, and its old key must not be found.
        cache_key = f"{row.sender_hash}:{bytes(row.wrapped_key).hex()}"
        cached = self._key_cache.get(cache_key)
        if cached is not None:
            return cached
        try:
            record = _key_record(row.sender_hash)
            key = services().keyring.record_key(WrappedKey.of(row), record).key
        except DecryptionFailed as exc:
            raise TrackerIntegrityError(
                f"The conversation key for sender hash {row.sender_hash[:12]}… failed "
                f"its integrity check: tampered, moved from another conversation, or "
                f"wrapped by a different master key loaded as version {row.key_version!r}."
            ) from exc
        self._key_cache.put(cache_key, key)
        return key

    @staticmethod
    def _rewrap(keyring: Any, row: ConversationKeyRow) -> WrappedKey:
        try:
            return keyring.rewrap(WrappedKey.of(row), _key_record(row.sender_hash))
        except DecryptionFailed as exc:
            raise TrackerIntegrityError(
                f"The conversation key for sender hash {row.sender_hash[:12]}… failed "
                f"its integrity check."
            ) from exc

    def _open_sender(self, row: ConversationKeyRow) -> str:
        key = self._unwrap(row)
        try:
            return decrypt(
                key, bytes(row.sealed_sender), _sender_context(row.sender_hash)
            ).decode()
        except DecryptionFailed as exc:
            raise TrackerIntegrityError(
                f"The stored sender id for sender hash {row.sender_hash[:12]}… failed "
                f"its integrity check."
            ) from exc

    # --- rows -----------------------------------------------------------------------

    @staticmethod
    def _seal_row(key: bytes, owner: str, row_id: int, data: dict[str, Any]) -> str:
        """The row's `data` column: the event format of `bot.store.conversations`."""
        return encrypt_event(key, owner, row_id, data)

    def _open_row(self, row: Any, owner: str, key: bytes) -> dict[str, Any]:
        text = row.data
        if not isinstance(text, str) or not text.startswith(CIPHERTEXT_PREFIX):
            raise TrackerIntegrityError(
                f"Event row {row.id} of an encrypted conversation is not encrypted "
                f"(tampered, or a plain row written by another tracker store)."
            )
        try:
            blob = base64.b64decode(text[len(CIPHERTEXT_PREFIX) :], validate=True)
            plaintext = decrypt(key, blob, _event_context(owner, row.id))
        except (binascii.Error, ValueError, DecryptionFailed) as exc:
            raise TrackerIntegrityError(
                f"Event row {row.id} failed its integrity check (tampered, or moved "
                f"from another row or conversation)."
            ) from exc
        try:
            data = json.loads(plaintext)
        except ValueError as exc:  # authentic but unreadable: should never happen
            raise TrackerIntegrityError(f"Event row {row.id} is not valid JSON.") from exc
        if not isinstance(data, dict) or data.get("event") != row.type_name:
            raise TrackerIntegrityError(
                f"Event row {row.id}: its 'type_name' column does not match its content."
            )
        if not _same_timestamp(row.timestamp, data.get("timestamp")):
            raise TrackerIntegrityError(
                f"Event row {row.id}: its 'timestamp' column does not match its content."
            )
        return data


def _same_timestamp(column: float | None, sealed: Any) -> bool:
    if column is None or sealed is None:
        return column is None and sealed is None
    try:
        return math.isclose(float(column), float(sealed), abs_tol=_TIMESTAMP_TOLERANCE)
    except (TypeError, ValueError):
        return False


def _sqlite_secure_delete(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    # WAL with synchronous=NORMAL: a commit no longer waits for fsync (the WAL is still
    # crash-safe; at worst the last commits before a power cut are lost, never corrupted).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _AllowedNames:
    """Names the domain defines: the only values written to the plain name columns."""

    def __init__(self, domain: Domain | None) -> None:
        if domain is None:
            self.intents: set[str] = set()
            self.actions: set[str] = set()
            self.slots: set[str] = set()
            self.loops: set[str] = set()
            return
        self.intents = set(domain.intents)
        self.actions = set(domain.action_names_or_texts) - set(domain.action_texts)
        self.slots = {slot.name for slot in domain.slots}
        self.loops = set(domain.form_names) | self.actions

    def plain_columns(
        self, event: Event | None, data: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """(intent_name, action_name) as Rasa would write them, minus unknown names."""
        type_name = event.type_name if event is not None else data.get("event")
        intent = None
        if type_name == UserUttered.type_name:
            parsed = (data.get("parse_data") or {}).get("intent") or {}
            name = parsed.get(INTENT_NAME_KEY) if isinstance(parsed, dict) else None
            intent = name if name in self.intents else None

        name = data.get("name")
        if not isinstance(name, str):
            return intent, None
        if type_name in _ACTION_EVENTS:
            allowed = self.actions
        elif type_name == SlotSet.type_name:
            allowed = self.slots
        elif type_name in _LOOP_EVENTS:
            allowed = self.loops
        else:  # reminders and anything new: their names may be made up at run time
            return intent, None
        return intent, (name if name in allowed else None)
