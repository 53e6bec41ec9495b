# ruff: noqa: F811 - the fixtures imported from test_tracker_store are parameters here
"""The tracker cache (bot/runtime/tracker_store.py) on SQLite and a real PostgreSQL: the
same trackers (events and state) as the plain encrypted store reading the database,
only new rows decrypted, never stale when another replica wrote, emptied when rows, the
key or the session change; a turn's own changes and one-time secrets never reach it."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

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
        SlotSet("pupil_name", f"pupil {n}", timestamp=1_700_200_000.05 + n),
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


def state(tracker) -> tuple:
    """What a turn sees besides the events: slots, loop, latest message and action."""
    loop = tracker.active_loop
    return (
        tracker.current_slot_values(),
        (loop.name, loop.is_interrupted, loop.rejected) if loop else None,
        tracker.latest_message.as_dict() if tracker.latest_message else None,
        tracker.latest_action_name,
        tracker.followup_action,
    )


def same_as_database(store, domain, backend, sender=SENDER) -> None:
    got, want = run(store.retrieve(sender)), run(plain(domain, backend).retrieve(sender))
    assert dicts(got) == dicts(want)
    assert state(got) == state(want)


def test_rows_are_decrypted_once_and_a_turn_saved_here_needs_none(
    domain, backend, monkeypatch
) -> None:
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    opened = []
    original = store._open_row
    monkeypatch.setattr(store, "_open_row", lambda row, *a: opened.append(row.id) or original(row, *a))
    run(store.retrieve(SENDER))
    assert len(opened) == len(dicts(run(plain(domain, backend).retrieve(SENDER))))
    opened.clear()
    for n in range(3):  # turns served here: the stored rows are applied, not read back
        continue_conversation(store, SENDER, *turn(n))
        same_as_database(store, domain, backend)
    assert opened == []
    continue_conversation(cached(domain, backend), SENDER, *turn(9))  # another replica
    run(store.retrieve(SENDER))
    assert len(opened) == 5  # its five rows, nothing older


def test_a_turn_changing_its_tracker_does_not_change_the_cache(domain, backend) -> None:
    from rasa.shared.core.events import ActiveLoop

    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    run(store.retrieve(SENDER))
    scratch = run(store.retrieve(SENDER))  # a turn that fails before it is saved
    assert scratch.active_loop_name == "vtr_form"
    scratch.interrupt_loop(True)  # changes the loop in place, as Rasa does
    scratch.reject_action("vtr_form")
    scratch.latest_action["action_name"] = "changed in place"
    scratch.update(SlotSet("pupil_name", "someone else"))
    scratch.slots["referral_started"].value = True
    scratch.events.clear()
    scratch.update(ActiveLoop(None))
    same_as_database(store, domain, backend)


def test_a_one_time_secret_is_not_kept_in_the_cache(domain, backend) -> None:
    from bot.store.conversations import SECRET_SHOWN

    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    run(store.retrieve(SENDER))
    secret = BotUttered("The password is tulip-4471.", {"custom": {"one_time_secret": True}},
                        timestamp=1_700_200_001.0)
    continue_conversation(store, SENDER, secret)
    kept = run(store.retrieve(SENDER))
    assert "tulip-4471" not in str(dicts(kept))
    assert kept.events[-1].text == SECRET_SHOWN
    same_as_database(store, domain, backend)


def test_a_redacting_turn_empties_the_entry(domain, backend) -> None:
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    assert "Callum Brennan" in str(dicts(run(store.retrieve(SENDER))))
    continue_conversation(
        store, SENDER,
        UserUttered("by Peregrine's locker", intent={"name": "greet"}, timestamp=1_700_200_002.0),
        BotUttered("Recorded as C-ABCDEF.", {}, {"utter_action": "utter_concern_receipt"},
                   timestamp=1_700_200_003.0),
    )
    kept = run(store.retrieve(SENDER))
    for gone in ("Callum", "Peregrine", "C-ABCDEF"):
        assert gone not in str(dicts(kept)), gone
    assert kept.get_slot("pupil_name") == "[removed]"
    same_as_database(store, domain, backend)


def test_a_new_session_begun_elsewhere_is_read_as_rasa_reads_it(domain, backend) -> None:
    one, two = cached(domain, backend), cached(domain, backend)
    run(one.save(conversation(domain)))
    continue_conversation(one, SENDER, *turn(1))
    run(one.retrieve(SENDER))
    tracker = run(two.retrieve(SENDER))
    second_session(tracker)
    run(two.save(tracker))
    same_as_database(one, domain, backend)
    same_as_database(two, domain, backend)
    continue_conversation(one, SENDER, *turn(2))
    same_as_database(two, domain, backend)


def test_never_stale_when_another_replica_wrote(domain, backend) -> None:
    one, two = cached(domain, backend), cached(domain, backend)
    run(one.save(conversation(domain)))
    for n in range(3):  # turns alternate between the replicas
        writer = one if n % 2 == 0 else two
        continue_conversation(writer, SENDER, *turn(n))
        for reader in (one, two):
            same_as_database(reader, domain, backend)
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
        "UPDATE events SET data = 'enc1:AAAA' WHERE id = (SELECT max(id) FROM events "
        "WHERE sender_id = :o)",
        o=owner,
    )
    with pytest.raises(TrackerIntegrityError):
        run(store.retrieve(SENDER))


class _Statements:
    """Statements sent to the database, each with whether its connection was in
    autocommit (a statement in a transaction also costs its BEGIN and COMMIT/ROLLBACK)."""

    def __init__(self, *engines) -> None:
        import sqlalchemy as sa

        self.seen: list[tuple[str, bool]] = []
        for engine in set(engines):
            sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, _cursor, statement: str, *_args) -> None:
        self.seen.append((" ".join(statement.split())[:60], bool(conn.connection.autocommit)))


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_turn_served_from_the_cache_is_three_round_trips(domain, backend) -> None:
    """Read: one statement (the key row and the rows' totals); save: one statement (the
    same, and the new row ids), then one INSERT; each in autocommit (no BEGIN, COMMIT or
    ROLLBACK around it). Before: about fourteen round trips, each one holding up the
    Rasa server's event loop. What is read and stored is unchanged (same as the plain
    store; another replica's rows still seen: the tests above)."""
    store = cached(domain, backend)
    run(store.save(conversation(domain)))
    continue_conversation(store, SENDER, *turn(0))  # the entry is made
    statements = _Statements(store.engine, store._autocommit())
    continue_conversation(store, SENDER, *turn(1))
    assert [kind.split()[0] for kind, _ in statements.seen] == ["SELECT", "SELECT", "INSERT"]
    assert all(autocommit for _, autocommit in statements.seen), statements.seen
    same_as_database(store, domain, backend)
    continue_conversation(cached(domain, backend), SENDER, *turn(2))  # another replica
    same_as_database(store, domain, backend)


# --- the time limit: a decrypted tracker is dropped once it is older than its time -------------


class _Clock:
    """A monotonic clock the test moves by hand (no sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _entry(n: int):
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.runtime.tracker_store import _Cached

    return _Cached(last_id=n, count=n, length=n, key_marker=None, session_rows=n,
                   tracker=DialogueStateTracker(f"s{n}", []))


def test_an_entry_is_served_until_its_time_and_dropped_when_read_after() -> None:
    from bot.runtime.tracker_store import _TrackerCache

    clock = _Clock()
    cache = _TrackerCache(8, 60, clock)
    cache.put("a", _entry(1))
    clock.now += 59.9
    assert cache.get("a") is not None  # reading does not make it younger...
    clock.now += 0.1
    assert cache.get("a") is None  # ...60 s after it was put it is gone
    assert len(cache) == 0
    cache.put("a", _entry(2))  # read from the database again: a fresh minute
    clock.now += 59
    assert cache.get("a").last_id == 2


def test_expired_entries_nobody_asks_for_are_swept_out_when_another_is_put() -> None:
    from bot.runtime.tracker_store import _TrackerCache

    clock = _Clock()
    cache = _TrackerCache(8, 60, clock)
    cache.put("old", _entry(1))
    cache.put("older", _entry(2))
    clock.now += 30
    cache.put("recent", _entry(3))
    clock.now += 31  # "old" and "older" are 61 s old, "recent" 31 s
    cache.put("new", _entry(4))
    assert len(cache) == 2
    assert cache._entries.keys() == {"recent", "new"}


def test_a_quiet_conversation_leaves_memory_while_another_is_served_from_the_cache() -> None:
    # Review of s18: sweeping only when an entry is put kept a quiet conversation's decrypted
    # events for as long as the busy ones kept hitting the cache.
    from bot.runtime.tracker_store import _TrackerCache

    clock = _Clock()
    cache = _TrackerCache(8, 60, clock)
    cache.put("quiet", _entry(1))
    clock.now += 30
    cache.put("busy", _entry(2))
    clock.now += 31  # "quiet" is past its minute, "busy" is not
    assert cache.get("busy") is not None  # a hit, no put
    assert len(cache) == 1  # "quiet" is gone from memory, not just never served


def test_the_size_bound_still_drops_the_least_recently_used() -> None:
    from bot.runtime.tracker_store import _TrackerCache

    clock = _Clock()
    cache = _TrackerCache(2, 60, clock)
    cache.put("a", _entry(1))
    cache.put("b", _entry(2))
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", _entry(3))
    assert (cache.get("a") is not None, cache.get("b"), cache.get("c") is not None) == (
        True, None, True
    )
    assert not _TrackerCache(8, 0, clock).size  # no time allowed: the cache is off


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_store_takes_the_time_from_the_settings(domain, backend) -> None:
    from dataclasses import replace

    from bot.config import Config, get_config, use_config

    assert Config.from_env({"PREVENT_TRACKER_CACHE_SECONDS": "45"}).tracker_cache_seconds == 45
    assert Config.from_env({}).tracker_cache_seconds == 600
    with use_config(replace(get_config(), tracker_cache_seconds=45, tracker_cache_size=7)):
        store = cached(domain, backend)
    assert (store._tracker_cache.size, store._tracker_cache.seconds) == (7, 45)


def test_after_its_time_the_store_reads_the_conversation_from_the_database_again(
    domain, backend, monkeypatch
) -> None:
    """Turns saved here extend the entry but do not make it younger: once it is older
    than its time, every row is read and decrypted again (and the tracker is the same as
    the database's); before that, none is."""
    from bot.runtime.tracker_store import _TrackerCache

    clock = _Clock()
    store = cached(domain, backend)
    store._tracker_cache = _TrackerCache(512, 60, clock)
    run(store.save(conversation(domain)))
    opened: list[int] = []
    original = store._open_row
    monkeypatch.setattr(store, "_open_row", lambda row, *a: opened.append(row.id) or original(row, *a))
    run(store.retrieve(SENDER))  # cold: the entry is made now
    rows = len(opened)
    assert rows
    for n in range(3):  # 20 s between turns: the last one is 40 s after the entry was made
        opened.clear()
        continue_conversation(store, SENDER, *turn(n))
        assert opened == []
        clock.now += 20
    opened.clear()
    run(store.retrieve(SENDER))  # 60 s: too old to be served
    assert len(opened) == rows + 3 * 5
    opened.clear()
    same_as_database(store, domain, backend)  # and cached afresh
    assert opened == []
