"""`take_for` runs on every turn: when nothing waits it is one read, and nothing is cached.

The per-turn check used to open an ORM session and query the sender's routes, then their
undelivered news (py-spy: ~14 % of the action server's CPU). Now one prebuilt Core query
(routes joined to undelivered updates) answers "nothing", and only news found is read and
marked in a transaction, as before. It must see, on the very next call, a route or news
written by another process (another action server, the delivery worker, the review app).
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.referral.updates import SENT, STATUS, ReferrerUpdates, post_update
from bot.store.crypto import KeyRing
from bot.store.db import _factory, _read_engine

UPDATES_KEY = secrets.token_bytes(32)
PEPPER = b"pepper" * 6


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


def _updates(url: str, ring: KeyRing) -> ReferrerUpdates:
    return ReferrerUpdates(url, ring, PEPPER, UPDATES_KEY)


@pytest.fixture()
def ring() -> KeyRing:
    return KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())


class _Statements:
    def __init__(self, url: str) -> None:
        self.seen: list[str] = []
        for engine in (_factory(url).kw["bind"], _read_engine(url)):
            sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args) -> None:
        self.seen.append(" ".join(statement.split()).upper())


def test_nothing_waiting_is_one_select_and_no_write(url, ring):
    updates = _updates(url, ring)
    updates.register("VTR-AAAA1111", "dsl-1", "telegram", "essex")
    post_update(url, UPDATES_KEY, "VTR-AAAA1111", SENT)
    assert [u.kind for u in updates.take_for("dsl-1")] == [SENT]

    statements = _Statements(url)
    for sender in ("dsl-1", "stranger"):  # with a route but no news; with no route
        statements.seen.clear()
        assert updates.take_for(sender) == []
        assert len(statements.seen) == 1 and statements.seen[0].startswith("SELECT")


def test_news_and_routes_written_elsewhere_are_seen_on_the_next_call(url, ring):
    here, elsewhere = _updates(url, ring), _updates(url, ring)  # two processes' objects
    assert here.take_for("dsl-1") == []
    elsewhere.register("VTR-AAAA1111", "dsl-1", "telegram", "essex")
    assert here.take_for("dsl-1") == []  # a route, no news yet
    post_update(url, UPDATES_KEY, "VTR-AAAA1111", STATUS, status="Screening has started.")
    [news] = here.take_for("dsl-1")
    assert (news.reference, news.kind, news.details) == (
        "VTR-AAAA1111", STATUS, {"status": "Screening has started."}
    )
    assert elsewhere.take_for("dsl-1") == [] and here.take_for("dsl-1") == []  # once
    elsewhere.register("VTR-BBBB2222", "dsl-1", "rest", "essex")
    elsewhere.post("VTR-BBBB2222", SENT)
    elsewhere.post("VTR-AAAA1111", SENT)
    assert [(u.reference, u.kind) for u in here.take_for("dsl-1")] == [
        ("VTR-BBBB2222", SENT), ("VTR-AAAA1111", SENT)  # oldest first, across referrals
    ]


def test_news_this_key_cannot_read_stays_waiting(url, ring):
    """As before: one unreadable update is neither shown nor marked delivered."""
    updates = _updates(url, ring)
    updates.register("VTR-AAAA1111", "dsl-1", "telegram", "essex")
    post_update(url, secrets.token_bytes(32), "VTR-AAAA1111", STATUS, status="x")
    assert updates.take_for("dsl-1") == []
    assert [u for u, _ in updates.pending()] == []
    with _factory(url).kw["bind"].connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM referral_updates "
                                    "WHERE delivered_at IS NULL")).scalar_one() == 1
