# ruff: noqa: F811 - the fixtures imported from test_tracker_store are parameters here
"""The incremental tracker cache (bot/runtime/tracker_store.py) on SQLite and a real
PostgreSQL: the same trackers as the plain encrypted store, only new rows decrypted,
never stale when another replica wrote, emptied when rows or the key go."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore, TrackerIntegrityError
from bot.runtime.tracker_store import ProductionTrackerStore
from tests.store.test_tracker_store import (  # noqa: F401 - fixtures
    SENDER,
    backend,
    continue_conversation,
    conversation,
    db_execute,
    dicts,
    domain,
    keys,
    run,
    second_session,
)


def cached(domain, backend) -> ProductionTrackerStore:
    return ProductionTrackerStore(domain=domain, **backend)


def plain(domain, backend) -> EncryptedSQLTrackerStore:
    return EncryptedSQLTrackerStore(domain=domain, **backend)


def turn(n: int) -> list:
    return [
        UserUttered(f"message {n}", intent={"name": "greet", "confidence": 0.9},
                    timestamp=1_700_200_000.0 + n),
        ActionExecuted("utter_greet", timestamp=1_700_200_000.1 + n),
        BotUttered("Hello, how can I help?", timestamp=1_700_200_000.2 + n),
        ActionExecuted("action_listen", timestamp=1_700_200_000.3 + n),
    ]


def test_same_trackers_as_the_encrypted_store_with_sessions(domain, backend) -> None:
    store = cached(domain, backend)
    tracker = conversation(domain)
    second_session(tracker)
    run(store.save(tracker))
    for _ in range(2):  # cold, then from the cache
        assert dicts(run(store.retrieve(SENDER))) == dicts(
            run(plain(domain, backend).retrieve(SENDER))
        )
        assert dicts(run(store.retrieve_full_tracker(SENDER))) == dicts(
            run(plain(domain, backend).retrieve_full_tracker(SENDER))
        )
    assert run(store.retrieve("nobody")) is None


def test_only_new_rows_are_decrypted(domain, backend, monkeypatch) -> None:
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    opened = []
    original = store._open_row
    monkeypatch.setattr(store, "_open_row", lambda row, *a: opened.append(row.id) or original(row, *a))
    run(store.retrieve(SENDER))
    first = len(opened)
    assert first == len(dicts(run(plain(domain, backend).retrieve_full_tracker(SENDER))))
    opened.clear()
    continue_conversation(store, SENDER, *turn(1))
    run(store.retrieve(SENDER))
    assert len(opened) == 4  # the four events of the new turn, nothing older


def test_never_stale_when_another_replica_wrote(domain, backend) -> None:
    one, two = cached(domain, backend), cached(domain, backend)
    run(one.save(conversation(domain)))
    for n in range(3):  # turns alternate between the replicas
        writer = one if n % 2 == 0 else two
        continue_conversation(writer, SENDER, *turn(n))
        for reader in (one, two):
            assert dicts(run(reader.retrieve(SENDER))) == dicts(
                run(plain(domain, backend).retrieve(SENDER))
            )
    texts = [e.text for e in run(two.retrieve(SENDER)).events if isinstance(e, UserUttered)]
    assert texts[-3:] == ["message 0", "message 1", "message 2"]


def test_deleted_rows_or_a_shredded_key_empty_the_entry(domain, backend) -> None:
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    continue_conversation(store, SENDER, *turn(1))
    assert run(store.retrieve(SENDER)) is not None  # cached now
    owner = store.sender_hash(SENDER)
    db_execute(store, "DELETE FROM conversation_keys WHERE sender_hash = :o", o=owner)
    store._key_cache.clear()  # as in another process: the unwrapped key is not cached
    with pytest.raises(TrackerIntegrityError):  # events without their key: as the parent
        run(store.retrieve(SENDER))
    db_execute(store, "DELETE FROM events WHERE sender_id = :o", o=owner)
    assert run(store.retrieve(SENDER)) is None  # purged elsewhere: nothing served


def test_a_rewritten_row_is_not_served_from_the_cache(domain, backend) -> None:
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    assert run(store.retrieve(SENDER)) is not None
    owner = store.sender_hash(SENDER)
    db_execute(
        store,
        "UPDATE events SET data = 'enc1:AAAA' WHERE id = (SELECT min(id) FROM events "
        "WHERE sender_id = :o)",
        o=owner,
    )
    with pytest.raises(TrackerIntegrityError):
        run(store.retrieve(SENDER))
