"""Conversations at rest outside Rasa: redact, erase, and purge idle ones (plain Python).

Why: the encrypted tracker store (`bot.rasa_ext.tracker_store`) keeps every event of a
conversation, sealed under a key per conversation that the same server holds. Encryption
protects a copied database file, not the people in it from the server itself; so what the
conversation no longer needs must go:

* after a draft is sealed, deleted or purged, the conversation's events are **redacted**
  in place: what the user typed (message text, entity values, metadata) and what the bot
  said (text, buttons, template values) is replaced by `REDACTED`; intent, action and slot
  names stay so that the conversation goes on (slots hold markers, never answers);
* "Forget me" and the idle purge **erase** the conversation: its events and its key row
  are deleted (crypto-shredding: without the wrapped key, a backup's events are noise);
* `purge_idle` erases conversations whose last event is older than the retention period.

The event format (sealed JSON, associated data binding each row to its conversation and row
id) is defined here and used by the tracker store, so both sides agree. Works on the
tracker database (SQLite or PostgreSQL) with SQLAlchemy Core; imports no Rasa.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.store.crypto import KeyRing, WrappedKey, decrypt, encrypt
from bot.store.db import open_engine, owner_hash
from bot.store.tables.referral import DraftConversationRow

log = logging.getLogger("bot.store.conversations")

#: Marks an encrypted `events.data` value (format version 1).
CIPHERTEXT_PREFIX = "enc1:"
#: What redacted text reads as (the conversation keeps its shape, not its words).
REDACTED = "[removed]"
EVENTS_TABLE = "events"
KEYS_TABLE = "conversation_keys"


def key_record(owner: str) -> str:
    """Associated data of a conversation's wrapped key."""
    return f"rasa-tracker:{owner}"


def sender_context(owner: str) -> str:
    return f"rasa-tracker-sender:{owner}"


def event_context(owner: str, row_id: int) -> str:
    return f"rasa-tracker-event:{owner}:{row_id}"


def encrypt_event(key: bytes, owner: str, row_id: int, data: dict[str, Any]) -> str:
    blob = encrypt(key, json.dumps(data).encode(), event_context(owner, row_id))
    return CIPHERTEXT_PREFIX + base64.b64encode(blob).decode("ascii")


def decrypt_event(key: bytes, owner: str, row_id: int, text: str) -> dict[str, Any]:
    """Raises DecryptionFailed / ValueError on anything but an authentic sealed event."""
    if not text.startswith(CIPHERTEXT_PREFIX):
        raise ValueError("not an encrypted event")
    blob = base64.b64decode(text[len(CIPHERTEXT_PREFIX) :], validate=True)
    return json.loads(decrypt(key, blob, event_context(owner, row_id)))


# --- what is kept of a message ---------------------------------------------------------------

#: Bot message metadata keys that are names, not values (Rasa adds `utter_action`).
_KEPT_BOT_METADATA = ("utter_action",)


def forget_one_time_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """A bot message marked `one_time_secret` keeps neither text nor template values.

    Rasa copies a response's template values (the password, the one-time link) into the
    bot event's `metadata` as well as rendering them into `text`: both must go.
    """
    if data.get("event") != "bot":
        return data
    custom = (data.get("data") or {}).get("custom")
    if isinstance(custom, dict) and custom.get("one_time_secret"):
        return {
            **data,
            "text": SECRET_SHOWN,
            "metadata": _kept_metadata(data.get("metadata")),
            "data": {"custom": {"one_time_secret": True}},
        }
    return data


#: What a message that showed a one-time secret (the SET 2.5 PDF password) is kept as.
SECRET_SHOWN = "[A one-time password was shown here. It is not kept.]"  # noqa: S105


def _kept_metadata(metadata: Any) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        return {}
    return {k: metadata[k] for k in _KEPT_BOT_METADATA if isinstance(metadata.get(k), str)}


def _names_only(entities: Any) -> list[dict[str, Any]]:
    if not isinstance(entities, list):
        return []
    kept = []
    for entity in entities:
        if isinstance(entity, dict) and isinstance(entity.get("entity"), str):
            kept.append({"entity": entity["entity"], "value": REDACTED})
    return kept


#: Slots whose values are markers or categories set by the actions, never words a person
#: typed (the form's answers live in the encrypted draft, see domain/referral.yml): kept so
#: that a redacted conversation goes on where it was. Any other slot's text is redacted.
MARKER_SLOTS = frozenset(
    {"requested_slot", "paused_form", "last_answer", "area", "draft_id", "pending_delete"}
)
MARKER_SLOT_PREFIXES = ("vtr_", "triage_")


def is_marker_slot(data: dict[str, Any]) -> bool:
    name = data.get("name")
    return isinstance(name, str) and (name in MARKER_SLOTS or name.startswith(MARKER_SLOT_PREFIXES))


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event without anything a person typed or was shown; names and shape stay."""
    kind = data.get("event")
    if kind == "user":
        raw_parse = data.get("parse_data")
        parse: dict[str, Any] = raw_parse if isinstance(raw_parse, dict) else {}
        kept_parse = {
            key: parse[key] for key in ("intent", "intent_ranking", "message_id") if key in parse
        }
        kept_parse.update(text=REDACTED, entities=_names_only(parse.get("entities")))
        return {
            **data,
            "text": REDACTED if data.get("text") is not None else None,
            "parse_data": kept_parse,
            "metadata": {},
        }
    if kind == "bot":
        return {
            **data,
            "text": REDACTED if data.get("text") is not None else None,
            "data": {},
            "metadata": _kept_metadata(data.get("metadata")),
        }
    if kind == "entities":
        return {**data, "entities": _names_only(data.get("entities"))}
    if kind == "slot" and isinstance(data.get("value"), str) and not is_marker_slot(data):
        return {**data, "value": REDACTED}
    return data  # actions, loops, session starts, marker slots


#: Responses that say or confirm a concern's words (the teacher's account, a question, an
#: answer, a decision's reasons, the list's snippets; domain/concerns.yml). A turn in which
#: one of them is said is saved with the whole conversation redacted, this turn included:
#: the concern record (`bot.concerns`) is where those words are kept, sealed under the
#: concern's own key and deleted with it, never the conversation. Not the form's questions
#: nor `utter_concern_bad_date`: they are said while the form still needs its slots.
FORGET_AFTER_RESPONSES = frozenset(
    {
        "utter_concern_receipt",
        "utter_concern_no_dsl",
        "utter_concern_question_sent",
        "utter_concern_answer_sent",
        "utter_concern_decided",
        "utter_concern_deleted",
        "utter_concern_list",
        "utter_concern_view",
        "utter_concern_alert_question",
        "utter_concern_alert_answer",
        "utter_concern_not_staff",
        "utter_concern_not_found",
        "utter_concern_dsl_only",
    }
)


def forgets_conversation(data: dict[str, Any]) -> bool:
    """True for a bot message after which the conversation keeps none of its words."""
    if data.get("event") != "bot":
        return False
    metadata = data.get("metadata")
    return isinstance(metadata, dict) and metadata.get("utter_action") in FORGET_AFTER_RESPONSES


# --- which conversation a draft was written in ------------------------------------------------


def link_draft(url: str, draft_id: str, conversation: str) -> None:
    """Remember the conversation (tracker sender hash) a draft is answered in."""
    from bot.store.db import session_scope

    with session_scope(url) as session:
        session.merge(DraftConversationRow(draft_id=draft_id, conversation=conversation))


def unlink_draft(url: str, draft_id: str) -> None:
    from bot.store.db import session_scope

    with session_scope(url) as session:
        session.query(DraftConversationRow).filter_by(draft_id=draft_id).delete()


def conversations_of(url: str, draft_ids: list[str]) -> dict[str, str]:
    """Draft id -> conversation, for the drafts that have a link."""
    from bot.store.db import session_scope

    if not draft_ids:
        return {}
    with session_scope(url) as session:
        rows = session.query(DraftConversationRow).filter(
            DraftConversationRow.draft_id.in_(draft_ids)
        )
        return {row.draft_id: row.conversation for row in rows}


# --- the vault -------------------------------------------------------------------------------


class ConversationVault:
    """Redacts and erases stored conversations in the tracker database."""

    def __init__(self, url: str, keyring: KeyRing, pepper: bytes) -> None:
        self._engine: Engine = _engine(url)
        self._keys = keyring
        self._pepper = pepper

    def owner(self, sender_id: str) -> str:
        """The tracker store's `events.sender_id` for a Rasa sender id."""
        return owner_hash(sender_id, self._pepper)

    def _tables(self) -> tuple[sa.Table, sa.Table] | None:
        meta = sa.MetaData()
        try:
            events = sa.Table(EVENTS_TABLE, meta, autoload_with=self._engine)
            keys = sa.Table(KEYS_TABLE, meta, autoload_with=self._engine)
        except sa.exc.NoSuchTableError:
            return None  # Rasa has not stored a conversation yet
        return events, keys

    def redact(self, owner: str) -> int:
        """Redact every stored event of one conversation in place; returns rows changed."""
        tables = self._tables()
        if tables is None:
            return 0
        events, keys = tables
        changed = 0
        with self._engine.begin() as conn:
            key_row = conn.execute(sa.select(keys).where(keys.c.sender_hash == owner)).first()
            if key_row is None:
                return 0
            key = self._keys.record_key(WrappedKey.of(key_row), key_record(owner)).key
            rows = conn.execute(
                sa.select(events.c.id, events.c.data).where(events.c.sender_id == owner)
            ).all()
            for row_id, text in rows:
                if not isinstance(text, str):
                    continue
                data = decrypt_event(key, owner, row_id, text)
                redacted = redact_event(data)
                if redacted != data:
                    conn.execute(
                        events.update()
                        .where(events.c.id == row_id)
                        .values(data=encrypt_event(key, owner, row_id, redacted))
                    )
                    changed += 1
            if changed:
                # A fresh wrapping of the same key: every process that caches decrypted
                # events (bot.runtime.tracker_store) sees the key row change and reads again.
                fresh = self._keys.wrap(key, key_record(owner))
                conn.execute(
                    keys.update()
                    .where(keys.c.sender_hash == owner)
                    .values(key_version=fresh.version, wrapped_key=fresh.blob)
                )
        return changed

    def erase(self, owner: str) -> int:
        """Delete one conversation: its key first (crypto-shred), then its events."""
        tables = self._tables()
        if tables is None:
            return 0
        events, keys = tables
        with self._engine.begin() as conn:
            conn.execute(keys.delete().where(keys.c.sender_hash == owner))
            return conn.execute(events.delete().where(events.c.sender_id == owner)).rowcount or 0

    def idle_owners(self, days: int, now: datetime | None = None) -> list[str]:
        """Conversations whose latest event is older than `days` days."""
        tables = self._tables()
        if tables is None:
            return []
        events, _ = tables
        now = now or datetime.now(timezone.utc)
        if now.tzinfo is None:  # naive times in this project are UTC (`bot.store.db.utcnow`)
            now = now.replace(tzinfo=timezone.utc)
        cutoff = (now - timedelta(days=days)).timestamp()
        latest = sa.func.max(events.c.timestamp)
        query = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(latest < cutoff)
        with self._engine.connect() as conn:
            return [owner for (owner,) in conn.execute(query)]

    def purge_idle(self, days: int, now: datetime | None = None) -> int:
        """Erase every conversation idle for `days` days; returns how many."""
        owners = self.idle_owners(days, now)
        for owner in owners:
            self.erase(owner)
        return len(owners)


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    engine = open_engine(url, future=True, pool_pre_ping=True)
    if url.startswith("sqlite"):

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine
