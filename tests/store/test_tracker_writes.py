"""Each new event row is written once: one INSERT per save, no UPDATE afterwards.

The seal of a row is bound to its id, so the store used to insert rows without data,
flush for their ids and then update each one (py-spy: a fifth of the Rasa server's CPU
under load). Now the ids are taken first (PostgreSQL: the column's sequence; SQLite:
max + 1 ..., what it would assign itself) and every row is inserted sealed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.runtime.tracker_store import ProductionTrackerStore
from tests.store import test_tracker_store as base
from tests.store.test_tracker_store import (
    SENDER,
    continue_conversation,
    conversation,
    db_execute,
    db_rows,
    dicts,
    make_store,
    run,
)

# The fixtures of the tracker store's own tests (keys autouse; both databases).
keys, domain, backend = base.keys, base.domain, base.backend



@pytest.fixture(autouse=True)
def _no_rasa_wide_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production store patches Rasa process-wide when built (`speedups.apply`); not
    needed to count writes, and it would leak into later tests of this process
    (tests/runtime/test_action_payload compares with Rasa's unpatched action call)."""
    import bot.runtime.tracker_store as production

    monkeypatch.setattr(production, "apply_speedups", lambda: None)

def _turn(n: int) -> list:
    return [
        UserUttered(f"message {n}", intent={"name": "greet", "confidence": 0.9},
                    timestamp=1_700_000_100.0 + n),
        ActionExecuted("utter_greet", timestamp=1_700_000_100.1 + n),
        BotUttered(f"reply {n}", timestamp=1_700_000_100.2 + n),
        ActionExecuted("action_listen", timestamp=1_700_000_100.3 + n),
    ]


class _Writes:
    """INSERT / UPDATE statements on `events` (an executemany counts once)."""

    def __init__(self, *engines: sa.engine.Engine) -> None:
        self.inserts = self.updates = 0
        for engine in set(engines):  # the production store's autocommit engine too
            sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args) -> None:
        text = " ".join(statement.split()).upper()
        if text.startswith("INSERT INTO EVENTS"):
            self.inserts += 1
        elif text.startswith("UPDATE EVENTS"):
            self.updates += 1


@pytest.mark.parametrize("production", [False, True], ids=["encrypted", "production"])
def test_each_saved_turn_is_one_insert_and_no_update(domain, backend, production):
    store = (ProductionTrackerStore(domain=domain, **backend) if production
             else make_store(domain, backend))
    run(store.save(conversation(domain)))
    writes = _Writes(store.engine, *([store._autocommit()] if production else []))
    for n in range(3):
        continue_conversation(store, SENDER, *_turn(n))
    assert (writes.inserts, writes.updates) == (3, 0)

    # Stored as before: ids ascending in the order of the events, all readable.
    ids = [row[0] for row in db_rows(store, "SELECT id FROM events ORDER BY id")]
    assert len(ids) == 9 + 3 * 4 and ids == sorted(set(ids))
    full = run(store.retrieve_full_tracker(SENDER))
    expected = conversation(domain)
    for n in range(3):
        for event in _turn(n):
            expected.update(event)
    assert dicts(full) == dicts(expected)
    assert dicts(run(store.retrieve(SENDER))) == dicts(expected)[1:]  # latest session


@pytest.mark.parametrize("production", [False, True], ids=["encrypted", "production"])
def test_ids_taken_by_another_writer_meanwhile_are_read_again(domain, tmp_path, production):
    """SQLite: another connection inserting between the id read and the insert makes the
    insert fail on the primary key; the save reads the ids again, and nothing is lost."""
    sqlite = {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    store = (ProductionTrackerStore(domain=domain, **sqlite) if production
             else make_store(domain, sqlite))
    run(store.save(conversation(domain)))
    run(store.retrieve(SENDER))  # the production store caches the conversation here

    take_ids = store._take_ids
    raced = []

    def racing(session, count):
        ids = take_ids(session, count)
        if not raced:  # once: another writer takes the first of them
            raced.append(ids[0])
            db_execute(store, "INSERT INTO events (id, sender_id, type_name, data) "
                       "VALUES (:id, 'other', 'slot', 'enc1:x')", id=ids[0])
        return ids

    store._take_ids = racing
    continue_conversation(store, SENDER, *_turn(0))
    assert raced
    assert db_rows(store, "SELECT sender_id FROM events WHERE id = :id", id=raced[0]) == [
        ("other",)
    ]
    expected = conversation(domain)
    for event in _turn(0):
        expected.update(event)
    assert dicts(run(store.retrieve(SENDER))) == dicts(expected)[1:]  # latest session
    assert dicts(run(store.retrieve_full_tracker(SENDER))) == dicts(expected)
