"""Server-side sessions: hashed tokens, idle expiry (30 min) and absolute expiry (8 h)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.review.accounts import REVIEWER, Accounts
from bot.review.sessions import SessionStore, StaffSessionRow
from bot.store.db import session_scope, utcnow
from tests.review.factories import CHEAP_SCRYPT, PASSWORD, TEST_APP_KEY

IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=8)


@pytest.fixture()
def store(db_url) -> SessionStore:
    return SessionStore(db_url, IDLE, ABSOLUTE, app_key=TEST_APP_KEY)


@pytest.fixture()
def account(db_url):
    return Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).create("rita", PASSWORD, REVIEWER)


def test_only_the_tokens_hash_is_stored(store, account, db_url):
    token, session = store.start(account)
    assert len(token) >= 40 and session.token_hash == store.token_hash(token)
    with session_scope(db_url) as db:
        stored = [row.token_hash for row in db.query(StaffSessionRow)]
    assert stored == [store.token_hash(token)]
    database = Path(db_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert token.encode() not in data


def test_a_live_session_resolves_to_its_account(store, account):
    token, _ = store.start(account)
    lookup = store.resolve(token)
    assert lookup.session is not None and lookup.session.account.username == "rita"
    assert store.resolve("not-a-token").reason == "unknown"
    assert store.resolve(None).reason == "no_token"


def test_thirty_idle_minutes_end_a_session(store, account):
    start = utcnow()
    token, _ = store.start(account, start)
    assert store.resolve(token, start + timedelta(minutes=29)).session is not None
    lookup = store.resolve(token, start + timedelta(minutes=29) + IDLE)
    assert lookup.session is None and lookup.reason == "idle"
    assert store.resolve(token).reason == "unknown"  # and it is gone for good


def test_eight_hours_end_a_session_however_active(store, account):
    start = utcnow()
    token, _ = store.start(account, start)
    now = start
    while now < start + ABSOLUTE - timedelta(minutes=20):
        now += timedelta(minutes=20)
        assert store.resolve(token, now).session is not None
    lookup = store.resolve(token, start + ABSOLUTE)
    assert lookup.session is None and lookup.reason == "absolute"


def test_disabling_an_account_ends_its_sessions(store, account, db_url):
    token, _ = store.start(account)
    Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).set_disabled("rita", True)
    assert store.resolve(token).reason == "disabled"


def test_sign_out_everywhere(store, account):
    tokens = [store.start(account)[0] for _ in range(3)]
    assert store.end_all_for(account.id) == 3
    assert all(store.resolve(t).session is None for t in tokens)


def test_the_csrf_token_is_per_session_and_compared_safely(store, account):
    _, first = store.start(account)
    _, second = store.start(account)
    assert first.csrf_token != second.csrf_token
    assert first.csrf_matches(first.csrf_token)
    assert not first.csrf_matches(second.csrf_token)
    assert not first.csrf_matches("") and not first.csrf_matches(None)


def test_expired_sessions_are_purged(store, account):
    start = utcnow()
    store.start(account, start - timedelta(hours=9))
    store.start(account, start)
    assert store.purge_expired(start) == 1
