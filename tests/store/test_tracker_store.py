"""EncryptedSQLTrackerStore: Rasa's SQL tracker store semantics, with nothing readable at rest.

Real SQLite files in tmp_path and real Rasa objects. The backend-generic tests also run
against a real PostgreSQL: the `postgres_url` fixture (tests/conftest.py) starts a throwaway
server for the session, or uses `PREVENT_TEST_TRACKER_PG_URL` if set (a full SQLAlchemy URL
of a disposable database: the tests drop and recreate the tracker tables in it).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ReminderScheduled,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

import bot.rasa_ext.tracker_store as tracker_store_module
from bot.rasa_ext.tracker_store import (
    CIPHERTEXT_PREFIX,
    EncryptedSQLTrackerStore,
    EncryptedTrackerStoreError,
    TrackerIntegrityError,
)
from bot.services import Services
from bot.store.crypto import MasterKeyMissing
from bot.store.schema import forget_checks
from tests.helpers.settings import reread_settings

SENDER = "telegram-123456789"
OTHER_SENDER = "teams-29:1a2b3c4d5e"
TEXT = "My name is Łukasz Wójcik and the pupil is Callum Brennan"
SENTINELS = [
    b"Callum",
    b"Brennan",
    "Łukasz".encode(),
    "Wójcik".encode(),
    SENDER.encode(),
    b"123456789",
    OTHER_SENDER.encode(),
]

DOMAIN_YAML = """
version: "3.1"
intents:
  - greet
  - start_referral
entities:
  - person
slots:
  pupil_name:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: person
  referral_started:
    type: bool
    influence_conversation: false
    mappings:
      - type: custom
forms:
  vtr_form:
    required_slots:
      - pupil_name
responses:
  utter_greet:
    - text: "Hello, how can I help?"
  utter_ask_pupil_name:
    - text: "What is the pupil's name?"
"""


def run(coro):
    return asyncio.run(coro)


def b64key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh master key (v1) and pepper per test, in settings of the test's own."""
    material = {"v1": b64key(), "v2": b64key(), "pepper": b64key()}
    monkeypatch.setenv("PREVENT_MASTER_KEYS", f"v1:{material['v1']}")
    monkeypatch.setenv("PREVENT_OWNER_PEPPER", material["pepper"])
    reread_settings(monkeypatch)
    return material


def use_master_keys(monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    monkeypatch.setenv("PREVENT_MASTER_KEYS", spec)
    reread_settings(monkeypatch)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Constructor arguments for one database, empty at the start of the test."""
    if request.param == "sqlite":
        return {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    pg_url = request.getfixturevalue("postgres_url")  # started on first use only
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "DROP TABLE IF EXISTS events, conversation_keys, alembic_version_tracker CASCADE"
            )
        )
    engine.dispose()
    forget_checks()  # migrated again at the store's first use (PREVENT_MIGRATE_ON_START)
    # As endpoints.yml passes it: the whole URL in `url`, empty strings for the rest.
    return {"dialect": "postgresql", "url": pg_url, "db": "", "username": "", "password": ""}


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def make_store(domain: Domain, backend: dict[str, str], **kwargs) -> EncryptedSQLTrackerStore:
    return EncryptedSQLTrackerStore(domain=domain, **backend, **kwargs)


def conversation(domain: Domain, sender_id: str = SENDER, text: str = TEXT) -> DialogueStateTracker:
    """A first session (greeting and the start of a referral) as Rasa records it."""
    tracker = DialogueStateTracker(sender_id, domain.slots)
    events = [
        ActionExecuted("action_session_start", timestamp=1_700_000_000.0),
        SessionStarted(timestamp=1_700_000_000.5),
        ActionExecuted("action_listen", timestamp=1_700_000_000.6),
        UserUttered(
            text,
            intent={"name": "start_referral", "confidence": 0.97},
            entities=[{"entity": "person", "value": "Callum Brennan", "start": 42, "end": 56}],
            timestamp=1_700_000_010.25,
            metadata={"telegram_user": sender_id},
        ),
        SlotSet("pupil_name", "Callum Brennan", timestamp=1_700_000_010.5),
        ActionExecuted("vtr_form", policy="RulePolicy", confidence=1.0, timestamp=1_700_000_011.0),
        ActiveLoop("vtr_form", timestamp=1_700_000_011.1),
        BotUttered(
            "Thank you Łukasz, I have noted Callum Brennan.",
            {"elements": None, "buttons": None},
            {"utter_action": "utter_ask_pupil_name"},
            timestamp=1_700_000_011.2,
        ),
        ActionExecuted("action_listen", timestamp=1_700_000_011.3),
    ]
    for event in events:
        tracker.update(event)
    return tracker


def second_session(tracker: DialogueStateTracker) -> None:
    """Rasa's session start: `action_session_start`, `SessionStarted`, listen, a new turn."""
    for event in [
        ActionExecuted("action_session_start", timestamp=1_700_100_000.0),
        SessionStarted(timestamp=1_700_100_000.5),
        ActionExecuted("action_listen", timestamp=1_700_100_000.6),
        UserUttered(
            "Hello again, it is Łukasz about Callum",
            intent={"name": "greet", "confidence": 0.9},
            timestamp=1_700_100_005.0,
        ),
        ActionExecuted("utter_greet", timestamp=1_700_100_006.0),
        BotUttered("Hello, how can I help?", timestamp=1_700_100_006.1),
    ]:
        tracker.update(event)


def continue_conversation(store, sender_id: str, *events) -> DialogueStateTracker:
    """Rasa's cycle for every message: retrieve the latest session, add events, save.

    (Rasa's SQL store appends by counting the stored events of the latest session, so
    the tracker saved must be one that `retrieve` returned, as in the Rasa server.)
    """
    tracker = run(store.retrieve(sender_id))
    for event in events:
        tracker.update(event)
    run(store.save(tracker))
    return tracker


def dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


def db_rows(store: EncryptedSQLTrackerStore, sql: str, **params) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def db_execute(store: EncryptedSQLTrackerStore, sql: str, **params) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def raw_bytes(db: Path) -> bytes:
    """The database as someone copying the files would see it (main file, WAL, journal)."""
    parts = [db.read_bytes()]
    for suffix in ("-wal", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            parts.append(extra.read_bytes())
    return b"".join(parts)


# --- round trips and Rasa's semantics --------------------------------------------------


def test_save_and_retrieve_round_trip_events_exactly(domain, backend):
    store = make_store(domain, backend)
    tracker = conversation(domain)
    assert tracker.current_slot_values()["pupil_name"] == "Callum Brennan"
    second_session(tracker)
    run(store.save(tracker))

    full = run(store.retrieve_full_tracker(SENDER))
    assert full.sender_id == SENDER
    assert dicts(full) == dicts(tracker)
    assert full.current_slot_values() == tracker.current_slot_values()

    # `retrieve` returns the latest session only, exactly as Rasa's SQLTrackerStore does.
    latest = run(store.retrieve(SENDER))
    assert latest.sender_id == SENDER
    assert dicts(latest) == dicts(tracker)[10:]
    assert latest.events[0] == SessionStarted(timestamp=1_700_100_000.5)


def test_same_results_as_rasas_plain_sql_tracker_store(domain, tmp_path):
    plain = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "plain.db"))
    encrypted = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "e.db"))
    for store in (plain, encrypted):
        run(store.save(conversation(domain)))
        tracker = run(store.retrieve(SENDER))
        second_session(tracker)
        run(store.save(tracker))
        continue_conversation(store, SENDER, BotUttered("Anything else?", timestamp=1.8e9))

    assert dicts(run(encrypted.retrieve(SENDER))) == dicts(run(plain.retrieve(SENDER)))
    assert dicts(run(encrypted.retrieve_full_tracker(SENDER))) == dicts(
        run(plain.retrieve_full_tracker(SENDER))
    )
    assert run(encrypted.exists(SENDER)) and not run(encrypted.exists("nobody"))
    assert run(encrypted.retrieve("nobody")) is None
    assert run(encrypted.retrieve_full_tracker("nobody")) is None


def test_saving_again_appends_only_the_new_events_in_order(domain, backend):
    store = make_store(domain, backend)
    tracker = conversation(domain)
    run(store.save(tracker))
    expected = dicts(tracker)
    continue_conversation(store, SENDER)  # nothing new
    assert db_rows(store, "SELECT count(*) FROM events") == [(len(expected),)]

    new = [
        UserUttered("and his school is Hilltop", intent={"name": "greet"}, timestamp=1.70005e9),
        ActionExecuted("utter_greet", timestamp=1.70005e9 + 1),
        BotUttered("Hello, how can I help?", timestamp=1.70005e9 + 2),
    ]
    latest = continue_conversation(store, SENDER, *new)
    expected += [event.as_dict() for event in new]

    assert db_rows(store, "SELECT count(*) FROM events") == [(len(expected),)]
    ids = [row[0] for row in db_rows(store, "SELECT id FROM events ORDER BY id")]
    assert ids == sorted(set(ids))
    assert dicts(run(store.retrieve_full_tracker(SENDER))) == expected
    assert dicts(run(store.retrieve(SENDER))) == dicts(latest)

    # A new session: `retrieve` starts at it, the full tracker keeps everything.
    latest = run(store.retrieve(SENDER))
    second_session(latest)
    run(store.save(latest))
    expected += dicts(latest)[len(expected) - 1 :]
    assert dicts(run(store.retrieve_full_tracker(SENDER))) == expected
    assert dicts(run(store.retrieve(SENDER))) == expected[-5:]


def test_get_or_create_tracker_starts_a_new_conversation(domain, backend):
    store = make_store(domain, backend)
    assert run(store.retrieve(SENDER)) is None
    created = run(store.get_or_create_tracker(SENDER))
    assert [e.type_name for e in created.events] == ["action"]
    assert dicts(run(store.retrieve(SENDER))) == dicts(created)
    assert dicts(run(store.get_or_create_tracker(SENDER))) == dicts(created)


def test_two_senders_are_kept_apart(domain, backend):
    store = make_store(domain, backend)
    first = conversation(domain, SENDER)
    second = conversation(domain, OTHER_SENDER, text="Somebody else entirely")
    run(store.save(first))
    run(store.save(second))

    assert dicts(run(store.retrieve_full_tracker(SENDER))) == dicts(first)
    got = run(store.retrieve_full_tracker(OTHER_SENDER))
    assert got.sender_id == OTHER_SENDER
    assert dicts(got) == dicts(second)
    assert got.latest_message.text == "Somebody else entirely"
    assert got.current_slot_values()["pupil_name"] == "Callum Brennan"

    # Separate data keys, and `keys()` gives the real ids back.
    key_rows = db_rows(store, "SELECT sender_hash, wrapped_key FROM conversation_keys")
    assert len(key_rows) == 2 and key_rows[0][1] != key_rows[1][1]
    assert sorted(run(store.keys())) == sorted([SENDER, OTHER_SENDER])

    # The sender column holds keyed hashes only.
    stored = {row[0] for row in db_rows(store, "SELECT DISTINCT sender_id FROM events")}
    assert stored == {store.sender_hash(SENDER), store.sender_hash(OTHER_SENDER)}
    assert SENDER not in stored and OTHER_SENDER not in stored


def test_event_broker_gets_each_new_event_once_with_the_real_sender_id(domain, backend):
    class Broker:
        def __init__(self) -> None:
            self.published: list[dict] = []

        def publish(self, event: dict) -> None:
            self.published.append(event)

    broker = Broker()
    store = make_store(domain, backend, event_broker=broker)
    tracker = conversation(domain)
    run(store.save(tracker))
    continue_conversation(store, SENDER, BotUttered("One more thing"))
    expected = dicts(run(store.retrieve_full_tracker(SENDER)))

    assert [e["sender_id"] for e in broker.published] == [SENDER] * len(expected)
    published = [{k: v for k, v in e.items() if k != "sender_id"} for e in broker.published]
    assert published == expected


# --- nothing readable at rest ------------------------------------------------------------


def test_database_files_hold_no_user_text_or_sender_id(domain, sqlite_db):
    store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(sqlite_db))
    tracker = conversation(domain)
    run(store.save(tracker))
    run(store.save(conversation(domain, OTHER_SENDER)))
    tracker = run(store.retrieve(SENDER))
    second_session(tracker)
    run(store.save(tracker))
    store.engine.dispose()

    data = raw_bytes(sqlite_db)
    assert len(data) > 0
    for sentinel in SENTINELS:
        assert sentinel not in data, sentinel

    with sqlite3.connect(sqlite_db) as conn:
        values = [row[0] for row in conn.execute("SELECT data FROM events")]
    assert values and all(v.startswith(CIPHERTEXT_PREFIX) for v in values)


def test_plain_name_columns_only_hold_names_the_domain_defines(domain, sqlite_db):
    store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(sqlite_db))
    tracker = conversation(domain)
    # Names an API client (or a future event type) could fill with anything.
    tracker.update(UserUttered("hi", intent={"name": "Callum Brennan", "confidence": 1.0}))
    tracker.update(ActionExecuted("Callum Brennan"))
    tracker.update(ReminderScheduled("greet", datetime(2030, 1, 1), name="Callum"))
    run(store.save(tracker))

    with sqlite3.connect(sqlite_db) as conn:
        rows = conn.execute(
            "SELECT type_name, intent_name, action_name FROM events ORDER BY id"
        ).fetchall()
    assert rows == [
        ("action", None, "action_session_start"),
        ("session_started", None, None),
        ("action", None, "action_listen"),
        ("user", "start_referral", None),
        ("slot", None, "pupil_name"),
        ("action", None, "vtr_form"),
        ("active_loop", None, "vtr_form"),
        ("bot", None, None),
        ("action", None, "action_listen"),
        ("user", None, None),
        ("action", None, None),
        ("reminder", None, None),
    ]
    # ... while the events themselves keep every name.
    restored = run(store.retrieve_full_tracker(SENDER))
    assert dicts(restored) == dicts(tracker)


# --- integrity ------------------------------------------------------------------------------


def flip(value: str, at: int) -> str:
    ch = value[at]
    return value[:at] + ("A" if ch != "A" else "B") + value[at + 1 :]


def test_tampered_data_value_raises(domain, sqlite_db):
    store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(sqlite_db))
    run(store.save(conversation(domain)))

    with sqlite3.connect(sqlite_db) as conn:
        row_id, value = conn.execute(
            "SELECT id, data FROM events WHERE type_name='user'"
        ).fetchone()
        conn.execute("UPDATE events SET data=? WHERE id=?", (flip(value, 30), row_id))

    with pytest.raises(TrackerIntegrityError, match=f"row {row_id}"):
        run(store.retrieve(SENDER))
    with pytest.raises(TrackerIntegrityError):
        run(store.retrieve_full_tracker(SENDER))


@pytest.mark.parametrize(
    "tamper",
    [
        "swap_two_rows",
        "plain_json",
        "type_name",
        "timestamp",
        "move_to_other_sender",
        "wrapped_key",
        "key_moved",
        "key_deleted",
        "not_base64",
    ],
)
def test_any_tampering_is_detected(domain, backend, tamper):
    store = make_store(domain, backend)
    run(store.save(conversation(domain)))
    run(store.save(conversation(domain, OTHER_SENDER)))
    me, other = store.sender_hash(SENDER), store.sender_hash(OTHER_SENDER)
    (user_id, user_data), (slot_id, slot_data) = db_rows(
        store,
        "SELECT id, data FROM events WHERE sender_id=:me AND type_name IN ('user', 'slot') "
        "ORDER BY id",
        me=me,
    )

    if tamper == "swap_two_rows":
        db_execute(store, "UPDATE events SET data=:d WHERE id=:i", d=slot_data, i=user_id)
        db_execute(store, "UPDATE events SET data=:d WHERE id=:i", d=user_data, i=slot_id)
    elif tamper == "plain_json":
        forged = json.dumps(SlotSet("referral_started", True).as_dict())
        db_execute(store, "UPDATE events SET data=:d WHERE id=:i", d=forged, i=slot_id)
    elif tamper == "type_name":
        db_execute(store, "UPDATE events SET type_name='bot' WHERE id=:i", i=user_id)
    elif tamper == "timestamp":
        db_execute(store, "UPDATE events SET timestamp=timestamp - 100000 WHERE id=:i", i=user_id)
    elif tamper == "move_to_other_sender":
        # Someone else's row appended to my conversation.
        db_execute(
            store,
            "UPDATE events SET sender_id=:me WHERE id=(SELECT max(id) FROM events WHERE "
            "sender_id=:other)",
            me=me,
            other=other,
        )
    elif tamper in ("wrapped_key", "key_moved"):
        if tamper == "wrapped_key":
            (blob,) = db_rows(
                store, "SELECT wrapped_key FROM conversation_keys WHERE sender_hash=:me", me=me
            )[0]
            blob = bytes(blob)
            blob = blob[:-1] + bytes([blob[-1] ^ 1])
        else:
            (blob,) = db_rows(
                store, "SELECT wrapped_key FROM conversation_keys WHERE sender_hash=:o", o=other
            )[0]
        db_execute(
            store,
            "UPDATE conversation_keys SET wrapped_key=:b WHERE sender_hash=:me",
            b=blob,
            me=me,
        )
    elif tamper == "key_deleted":
        db_execute(store, "DELETE FROM conversation_keys WHERE sender_hash=:me", me=me)
    elif tamper == "not_base64":
        db_execute(store, "UPDATE events SET data='enc1:@@@' WHERE id=:i", i=user_id)

    fresh = make_store(domain, backend)  # no data keys cached from the saves above
    with pytest.raises(TrackerIntegrityError):
        run(fresh.retrieve_full_tracker(SENDER))
    # The other conversation is unaffected (except when its row was the one moved).
    if tamper != "move_to_other_sender":
        assert dicts(run(fresh.retrieve_full_tracker(OTHER_SENDER))) == dicts(
            conversation(domain, OTHER_SENDER)
        )


# --- keys -------------------------------------------------------------------------------------


def test_key_rotation(domain, backend, keys, monkeypatch):
    store = make_store(domain, backend)
    tracker = conversation(domain)
    run(store.save(tracker))
    assert db_rows(store, "SELECT key_version FROM conversation_keys") == [("v1",)]

    # New master key first, old one still loaded: old conversations read, new ones use v2.
    use_master_keys(monkeypatch, f"v2:{keys['v2']},v1:{keys['v1']}")
    rotated = make_store(domain, backend)
    assert dicts(run(rotated.retrieve_full_tracker(SENDER))) == dicts(tracker)
    continue_conversation(rotated, SENDER, BotUttered("Still here."))
    expected = dicts(tracker) + [dicts(run(rotated.retrieve(SENDER)))[-1]]
    assert expected[-1]["text"] == "Still here."
    run(rotated.save(conversation(domain, OTHER_SENDER)))
    versions = db_rows(store, "SELECT key_version FROM conversation_keys ORDER BY key_version")
    assert versions == [("v1",), ("v2",)]

    # Without re-wrapping, dropping v1 makes the old conversation unreadable ...
    use_master_keys(monkeypatch, f"v2:{keys['v2']}")
    with pytest.raises(MasterKeyMissing):
        run(make_store(domain, backend).retrieve(SENDER))

    # ... so re-wrap first (events untouched), then v1 can go.
    use_master_keys(monkeypatch, f"v2:{keys['v2']},v1:{keys['v1']}")
    events_before = db_rows(store, "SELECT id, data FROM events ORDER BY id")
    assert make_store(domain, backend).rewrap_conversation_keys() == 1
    assert make_store(domain, backend).rewrap_conversation_keys() == 0
    assert db_rows(store, "SELECT id, data FROM events ORDER BY id") == events_before

    use_master_keys(monkeypatch, f"v2:{keys['v2']}")
    only_v2 = make_store(domain, backend)
    assert dicts(run(only_v2.retrieve_full_tracker(SENDER))) == expected
    assert sorted(run(only_v2.keys())) == sorted([SENDER, OTHER_SENDER])


def test_unwrapped_keys_are_cached_per_process_and_bounded(domain, sqlite_db):
    store = EncryptedSQLTrackerStore(
        domain=domain, dialect="sqlite", db=str(sqlite_db), key_cache_size=2
    )
    for n in range(4):
        run(store.save(conversation(domain, f"sender-{n}")))
    assert len(store._key_cache) == 2
    for n in range(4):
        assert run(store.retrieve_full_tracker(f"sender-{n}")).sender_id == f"sender-{n}"
    store.forget_cached_keys()
    assert len(store._key_cache) == 0


def test_a_different_pepper_finds_nothing(domain, sqlite_db, monkeypatch):
    store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(sqlite_db))
    run(store.save(conversation(domain)))
    monkeypatch.setenv("PREVENT_OWNER_PEPPER", b64key())
    reread_settings(monkeypatch)
    assert run(store.retrieve(SENDER)) is None


# --- configuration and migration ----------------------------------------------------------


def test_created_by_rasa_from_endpoints_yml(domain, tmp_path, monkeypatch):
    """As `make run` configures it: unset host, user and password are empty strings."""
    db = tmp_path / "var" / "tracker.db"
    db.parent.mkdir()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n"
        "  type: bot.rasa_ext.tracker_store.EncryptedSQLTrackerStore\n"
        "  dialect: ${TRACKER_DB_DIALECT}\n"
        "  db: ${TRACKER_DB}\n"
        "  url: ${TRACKER_DB_HOST}\n"
        "  username: ${TRACKER_DB_USER}\n"
        "  password: ${TRACKER_DB_PASSWORD}\n"
    )
    monkeypatch.setenv("TRACKER_DB_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_DB", str(db))
    for name in ("TRACKER_DB_HOST", "TRACKER_DB_USER", "TRACKER_DB_PASSWORD"):
        monkeypatch.setenv(name, "")

    config = read_endpoint_config(str(endpoints), "tracker_store")
    assert config.url == "" and config.kwargs["username"] == ""
    store = TrackerStore.create(config, domain=domain)

    assert type(store) is EncryptedSQLTrackerStore  # not Rasa's in-memory fallback
    assert str(store.engine.url) == f"sqlite:///{db}"
    tracker = conversation(domain)
    run(store.save(tracker))
    assert dicts(run(store.retrieve_full_tracker(SENDER))) == dicts(tracker)
    assert db.exists()


def test_constructor_errors_are_not_swallowed_by_rasa(domain, tmp_path, monkeypatch):
    """Rasa turns AttributeError/ImportError into an in-memory store; none must escape."""
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.delenv("PREVENT_MASTER_KEYS")
    monkeypatch.setenv("PREVENT_MASTER_KEY_FILE", str(tmp_path / "missing.key"))
    reread_settings(monkeypatch)
    config = EndpointConfig(
        url="",
        type="bot.rasa_ext.tracker_store.EncryptedSQLTrackerStore",
        dialect="sqlite",
        db=str(tmp_path / "tracker.db"),
    )
    with pytest.raises(MasterKeyMissing):
        TrackerStore.create(config, domain=domain)

    def broken() -> bytes:
        raise AttributeError("a bug in the key set-up")

    monkeypatch.setenv("PREVENT_MASTER_KEYS", f"v1:{b64key()}")
    reread_settings(monkeypatch)
    monkeypatch.setattr(Services, "pepper", property(lambda _self: broken()))
    with pytest.raises(EncryptedTrackerStoreError, match="a bug in the key set-up"):
        TrackerStore.create(config, domain=domain)


def test_legacy_plain_rows_are_encrypted_in_place(domain, backend, caplog):
    if backend["dialect"] == "sqlite":
        plain = SQLTrackerStore(domain=domain, dialect="sqlite", db=backend["db"])
    else:
        plain = SQLTrackerStore(domain=domain, host=backend["url"])
    tracker = conversation(domain)
    run(plain.save(tracker))
    run(plain.save(conversation(domain, OTHER_SENDER)))
    plain.engine.dispose()

    with caplog.at_level(logging.WARNING, logger=tracker_store_module.__name__):
        store = make_store(domain, backend)
    assert "plain (unencrypted) event rows" in caplog.text
    # Before migration the plain rows are neither returned nor trusted.
    assert run(store.retrieve(SENDER)) is None
    assert sorted(run(store.keys())) == sorted([SENDER, OTHER_SENDER])

    migrated = make_store(domain, backend, encrypt_legacy_rows="true")
    assert migrated.encrypt_legacy_rows() == 0  # idempotent
    assert dicts(run(migrated.retrieve_full_tracker(SENDER))) == dicts(tracker)

    # The conversation continues after the migrated rows, in order.
    more = UserUttered("more about Callum", intent={"name": "greet"})
    continue_conversation(migrated, SENDER, more)
    assert dicts(run(migrated.retrieve_full_tracker(SENDER))) == dicts(tracker) + [more.as_dict()]
    assert sorted(run(migrated.keys())) == sorted([SENDER, OTHER_SENDER])

    values = db_rows(migrated, "SELECT sender_id, data FROM events")
    assert all(d.startswith(CIPHERTEXT_PREFIX) for _, d in values)
    assert {s for s, _ in values} == {store.sender_hash(SENDER), store.sender_hash(OTHER_SENDER)}
    if backend["dialect"] == "sqlite":
        migrated.engine.dispose()
        data = raw_bytes(Path(backend["db"]))
        for sentinel in SENTINELS:
            assert sentinel not in data, sentinel


def test_a_message_with_a_one_time_secret_is_stored_without_its_text():
    from bot.rasa_ext.tracker_store import SECRET_SHOWN, forget_one_time_secrets

    shown = {
        "event": "bot",
        "text": "password: abcd efgh",
        "data": {"custom": {"one_time_secret": True}},
    }
    assert forget_one_time_secrets(shown)["text"] == SECRET_SHOWN
    assert shown["text"] == "password: abcd efgh"  # the message already sent is untouched
    ordinary = {"event": "bot", "text": "hello", "data": {"custom": {"outcome": "refer"}}}
    assert forget_one_time_secrets(ordinary) == ordinary
    user = {"event": "user", "text": "x", "data": {"custom": {"one_time_secret": True}}}
    assert forget_one_time_secrets(user) == user


def test_a_turn_that_says_a_concerns_words_is_saved_with_the_conversation_redacted(
    domain, sqlite_db
):
    """Issue 17: the concern record keeps the words; the conversation keeps none of them,
    neither the turns before nor the turn in which the concern was recorded."""
    store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(sqlite_db))
    tracker = conversation(domain)
    run(store.save(tracker))
    tracker = run(store.retrieve(SENDER))
    tracker.update(UserUttered("just a greeting", intent={"name": "greet", "confidence": 1.0}))
    tracker.update(BotUttered("Hello, how can I help?", {}, {"utter_action": "utter_greet"}))
    run(store.save(tracker))  # an ordinary turn: nothing is redacted
    assert "Callum Brennan" in json.dumps(run(store.retrieve(SENDER)).as_dialogue().as_dict())

    tracker = run(store.retrieve(SENDER))
    tracker.update(UserUttered("by Peregrine's locker", intent={"name": "inform"}))
    tracker.update(
        BotUttered("Recorded as C-ABCDEF.", {}, {"utter_action": "utter_concern_receipt"})
    )
    run(store.save(tracker))
    kept = run(store.retrieve(SENDER))
    stored = json.dumps([event.as_dict() for event in kept.events], ensure_ascii=False)
    for gone in ("Callum", "Łukasz", "Peregrine", "C-ABCDEF"):
        assert gone not in stored, gone
    assert kept.get_slot("pupil_name") == "[removed]"
    assert [e.intent_name for e in kept.events if isinstance(e, UserUttered)] == [
        "start_referral",
        "greet",
        "inform",
    ]
    store.engine.dispose()
