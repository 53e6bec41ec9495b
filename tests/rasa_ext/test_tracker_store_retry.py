"""The SQLite save retries only when it lost the race for its row ids (review S3-5)."""

from __future__ import annotations

import sqlite3

import sqlalchemy.exc

from bot.rasa_ext.tracker_store import ids_taken_meanwhile


def _integrity(message: str) -> sqlalchemy.exc.IntegrityError:
    return sqlalchemy.exc.IntegrityError("INSERT INTO events ...", {}, sqlite3.IntegrityError(message))


def test_a_clash_on_the_event_row_id_is_retried() -> None:
    assert ids_taken_meanwhile(_integrity("UNIQUE constraint failed: events.id"))


def test_a_locked_database_is_retried() -> None:
    locked = sqlalchemy.exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert ids_taken_meanwhile(locked)


def test_other_failures_are_raised_at_once() -> None:
    assert not ids_taken_meanwhile(_integrity("NOT NULL constraint failed: events.sender_id"))
    assert not ids_taken_meanwhile(_integrity("FOREIGN KEY constraint failed"))
    assert not ids_taken_meanwhile(_integrity("UNIQUE constraint failed: conversation_keys.sender_hash"))
    missing = sqlalchemy.exc.OperationalError("INSERT", {}, sqlite3.OperationalError("no such table: events"))
    assert not ids_taken_meanwhile(missing)
