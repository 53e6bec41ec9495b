"""The per-turn "anything waiting for this user?" check is one statement, one round trip.

Every guidance answer, triage and greeting asks whether reminders, news about a sent
referral or concern alerts wait for the user. Almost always nothing does. The check used
to ask each store on its own pooled connection: a `SELECT 1` ping at checkout, BEGIN, the
SELECT and ROLLBACK, twice or three times per action call (py-spy under load: half of
the action server's busy time, and most of PostgreSQL's statements per turn). Now the
stores are asked together in one SELECT on an autocommit connection, and only what waits
is taken, as before. Every statement SQLite runs is traced here (pings included).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa_sdk.executor import CollectingDispatcher

from bot.actions._common import deliver_notices
from bot.referral.updates import SENT, post_update
from bot.services import services
from tests.actions.conftest import CHANNEL, SENDER, user_turn


class _Traced:
    """Every SQL statement SQLite executes on connections opened from now on."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(self.seen.append)


@pytest.fixture()
def traced() -> Any:
    tracer = _Traced()
    sa.event.listen(sa.engine.Engine, "connect", tracer)
    yield tracer
    sa.event.remove(sa.engine.Engine, "connect", tracer)


def _statements(seen: list[str]) -> list[str]:
    return [" ".join(s.split()).upper() for s in seen if not s.upper().startswith("PRAGMA")]


@pytest.mark.parametrize("reminders", [True, False])
def test_nothing_waiting_is_one_select(var: Path, traced: _Traced, reminders: bool):
    tracker = user_turn("what is prevent?")
    assert deliver_notices(CollectingDispatcher(), tracker, reminders=reminders) == 0
    traced.seen.clear()
    assert deliver_notices(CollectingDispatcher(), tracker, reminders=reminders) == 0
    statements = _statements(traced.seen)
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT") and statements[0].count("EXISTS") == (
        3 if reminders else 2
    )


def test_what_waits_is_still_shown_once(var: Path):
    found = services()
    owner = f"{CHANNEL}:{SENDER}"
    found.updates.register("VTR-AAAA1111", owner, CHANNEL, "essex")
    post_update(found.config.database_url, found.updates_key, "VTR-AAAA1111", SENT)
    tracker = user_turn("what is prevent?")
    dispatcher = CollectingDispatcher()
    assert deliver_notices(dispatcher, tracker, reminders=False) == 1
    assert len(dispatcher.messages) == 1
    assert deliver_notices(CollectingDispatcher(), tracker, reminders=False) == 0
