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


def test_each_kind_waiting_is_found_by_the_one_read(var: Path):
    """Reminders, news and alerts are each seen by the combined check (owner hashes and
    tables as their stores use them), and only what waits is taken."""
    from bot.actions._common import _waiting
    from bot.referral.draft_store import PURGE_NOTICE
    from bot.store.db import session_scope
    from bot.store.tables.concerns import ConcernAlertRow
    from bot.store.tables.referral import NoticeRow

    found = services()
    owner = f"{CHANNEL}:{SENDER}"
    assert _waiting(owner, True) == (False, False, False)
    url = found.config.database_url
    with session_scope(url) as session:
        session.add(NoticeRow(owner=found.drafts.owner(owner), kind=PURGE_NOTICE))
    assert _waiting(owner, True) == (True, False, False)
    assert _waiting(owner, False) == (False, False, False)  # guidance: no reminders
    assert deliver_notices(CollectingDispatcher(), user_turn("hi"), reminders=True) == 1
    assert _waiting(owner, True) == (False, False, False)
    found.updates.register("VTR-BBBB2222", owner, CHANNEL, "essex")
    post_update(url, found.updates_key, "VTR-BBBB2222", SENT)
    assert _waiting(owner, True) == (False, True, False)
    with session_scope(url) as session:
        session.add(ConcernAlertRow(recipient=found.concerns.staff.hash_of(owner),
                                    concern_id="c-1", kind="new", body=b"x"))
    assert _waiting(owner, False) == (False, True, True)
    assert _waiting(f"{CHANNEL}:someone-else", True) == (False, False, False)


def test_commits_after_the_check_reach_other_processes(var: Path):
    """The check's own engine on prevent.db must not cost this process its SQLite locks
    (bot.store.db.private_sqlite_file): the draft-to-conversation link written after it
    is what the purge worker, another process, reads to redact the right conversation."""
    import subprocess
    import sys

    from sqlalchemy.engine import make_url

    from bot.actions._common import remember_draft_conversation

    found = services()
    database = make_url(found.config.database_url).database
    tracker = user_turn("start a referral")
    assert deliver_notices(CollectingDispatcher(), tracker) == 0  # both engines are open
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(*[d for (d,) in c.execute('select draft_id from draft_conversations')]); "
        "c.close()"
    )

    def other_process() -> list[str]:  # opens, reads and closes prevent.db
        return subprocess.run([sys.executable, "-c", code, database], capture_output=True,
                              text=True, check=True, timeout=60).stdout.split()

    assert other_process() == []
    remember_draft_conversation(tracker, "draft-1")
    assert other_process() == ["draft-1"]
