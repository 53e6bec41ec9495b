"""Everything an assistant has stored, decrypted with its own keys (the master-key view).

Used by the attacker tests: someone holding the master keys, the owner pepper and the
updates key (all of the bot server's secrets) and both databases reads every row of every
table; where a column is sealed, it is opened with the key that sealed it. What comes back
is the whole of what the server could still tell anyone about a person.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.referral.updates import load_updates_key
from bot.store.conversations import CIPHERTEXT_PREFIX, event_context, key_record, sender_context
from bot.store.crypto import KeyRing, WrappedKey, decrypt


def keyring_of(var_dir: Path) -> KeyRing:
    return KeyRing.parse((var_dir / "keys" / "master.key").read_text().strip().replace("\n", ","))


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return "" if value is None else str(value)


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = sa.create_engine(url, future=True)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: [dict(row._mapping) for row in conn.execute(sa.select(table))]
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def conversation_events(var_dir: Path) -> list[dict[str, Any]]:
    """Every stored tracker event, decrypted (the plain JSON Rasa would read back)."""
    keys = keyring_of(var_dir)
    tables = _rows(f"sqlite:///{var_dir / 'tracker.db'}")
    data_keys = {
        row["sender_hash"]: keys.unwrap(
            WrappedKey(row["key_version"], bytes(row["wrapped_key"])),
            key_record(row["sender_hash"]),
        )
        for row in tables.get("conversation_keys", [])
    }
    events = []
    for row in tables.get("events", []):
        text = row["data"]
        assert text.startswith(CIPHERTEXT_PREFIX), f"event row {row['id']} is not encrypted"
        key = data_keys[row["sender_id"]]  # every stored event has its conversation's key
        blob = base64.b64decode(text[len(CIPHERTEXT_PREFIX) :])
        plain = decrypt(key, blob, event_context(row["sender_id"], row["id"]))
        events.append(json.loads(plain))
    return events


def everything(var_dir: Path) -> str:
    """All rows of both databases as text, every sealed column opened where a bot key can."""
    keys = keyring_of(var_dir)
    updates_key = load_updates_key(var_dir, environ={})
    parts: list[str] = [json.dumps(e, ensure_ascii=False) for e in conversation_events(var_dir)]
    tracker = _rows(f"sqlite:///{var_dir / 'tracker.db'}")
    for row in tracker.get("conversation_keys", []):
        owner = row["sender_hash"]
        key = keys.unwrap(
            WrappedKey(row["key_version"], bytes(row["wrapped_key"])), key_record(owner)
        )
        parts.append(decrypt(key, bytes(row["sealed_sender"]), sender_context(owner)).decode())
    for table in tracker.values():
        parts += [_text(v) for row in table for v in row.values()]

    prevent = _rows(f"sqlite:///{var_dir / 'prevent.db'}")
    for table in prevent.values():
        parts += [_text(v) for row in table for v in row.values()]

    def unwrap(row: dict[str, Any], record: str) -> bytes:
        return keys.unwrap(WrappedKey(row["key_version"], bytes(row["wrapped_key"])), record)

    for row in prevent.get("drafts", []):
        parts.append(decrypt(unwrap(row, row["id"]), bytes(row["payload"]), row["id"]).decode())
    for row in prevent.get("referral_routes", []):
        ref = row["reference"]
        parts.append(decrypt(unwrap(row, ref), bytes(row["route"]), ref).decode())
    for row in prevent.get("referral_updates", []):
        parts.append(decrypt(updates_key, bytes(row["body"]), f"update:{row['id']}").decode())
    for row in prevent.get("pickups", []):
        digest = row["token_hash"]
        parts.append(_text(decrypt(unwrap(row, digest), bytes(row["blob"]), digest)))
    parts += _concern_rows(prevent, unwrap)
    return "\n".join(parts)


def _concern_rows(prevent: dict[str, list[dict[str, Any]]], unwrap: Any) -> list[str]:
    """Concerns (payload, chronology, alerts) and staff routes, each opened with its key."""
    parts = []
    concern_keys = {}
    for row in prevent.get("concerns", []):
        record = f"concern:{row['id']}"
        concern_keys[row["id"]] = key = unwrap(row, record)
        parts.append(decrypt(key, bytes(row["payload"]), record).decode())
    for table, kind in (("concern_events", "event"), ("concern_alerts", "alert")):
        for row in prevent.get(table, []):
            key = concern_keys[row["concern_id"]]  # no step or alert outlives its concern
            context = f"concern:{row['concern_id']}:{kind}:{row['id']}"
            parts.append(decrypt(key, bytes(row["body"]), context).decode())
    for row in prevent.get("concern_staff", []):
        record = f"staff:{row['staff_hash']}"
        parts.append(decrypt(unwrap(row, record), bytes(row["route"]), record).decode())
    return parts
