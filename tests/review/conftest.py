"""Fixtures for the review app: throwaway inbox keys, a database with sealed referrals, the app.

Keys are made once per test session in a temporary folder; each test gets its own SQLite
database (PostgreSQL ones come from the session's `postgres_url` server).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.referral.updates import ReferrerUpdates, load_updates_key
from bot.review.accounts import ADMIN, REVIEWER, Accounts
from bot.review.settings import ReviewSettings
from bot.sealing import Sealer
from bot.store.crypto import KeyRing
from tests.review.factories import (
    PASSWORD,
    InboxPair,
    make_inbox,
    queue_referral,
    sealed_envelope,
    serving,
    settings_for,
    signed_sealer,
)


@pytest.fixture(scope="session")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> InboxPair:
    return make_inbox(tmp_path_factory.mktemp("review-keys"), "prevent-inbox")


@pytest.fixture(scope="session")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> InboxPair:
    """Another team's key pair: what it seals, our key cannot open."""
    return make_inbox(tmp_path_factory.mktemp("other-keys"), "other-inbox")


@pytest.fixture(scope="session")
def sealer(inbox: InboxPair) -> Sealer:
    return signed_sealer(inbox.cert)


@pytest.fixture(autouse=True)
def _no_shared_updates_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's var/ makes its own updates key (a developer's env must not leak in)."""
    monkeypatch.delenv("PREVENT_UPDATES_KEY", raising=False)
    monkeypatch.delenv("PREVENT_UPDATES_KEY_FILE", raising=False)


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'prevent.db'}"


@pytest.fixture()
def fresh_pg_url(postgres_url: str) -> Iterator[str]:
    """A brand-new database on the session's PostgreSQL server, for one test."""
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    name = f"review_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database or "postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    yield str(url.set(database=name))


@dataclass
class Case:
    """A review app with a database, sealed referrals, accounts and a referrer's route."""

    settings: ReviewSettings
    url: str
    references: list[str]
    updates: ReferrerUpdates
    sender_id: str

    @property
    def routed(self) -> str:
        """A referral whose referrer can be told things in their chat."""
        return self.references[0]

    @property
    def unrouted(self) -> str:
        """A referral with no chat route (e.g. sent before updates existed)."""
        return self.references[1]


def make_case(tmp_path: Path, inbox: InboxPair, sealer: Sealer, count: int = 3) -> Case:
    settings = settings_for(tmp_path, inbox)
    url = settings.database_url
    references = [f"VTR-{n:04d}ABCD" for n in range(1, count + 1)]
    for reference in references:
        queue_referral(url, sealed_envelope(sealer, reference), reference)
    accounts = Accounts(url, settings.scrypt_log2_n, app_key=settings.app_key)
    accounts.create("ada", PASSWORD, ADMIN, "Ada Admin")
    accounts.create("rita", PASSWORD, REVIEWER, "Rita Reviewer")
    updates = ReferrerUpdates(
        url,
        KeyRing({"v1": os.urandom(32)}, "v1"),
        os.urandom(32),
        load_updates_key(settings.var_dir),
    )
    sender_id = "dsl-" + base64.b32encode(os.urandom(5)).decode().lower()
    updates.register(references[0], sender_id, "rest")
    return Case(settings, url, references, updates, sender_id)


@pytest.fixture()
def case(tmp_path: Path, inbox: InboxPair, sealer: Sealer) -> Case:
    return make_case(tmp_path, inbox, sealer)


@pytest.fixture()
def review_url(case: Case) -> Iterator[str]:
    """The review app serving `case`, on a loopback port."""
    from bot.review.app import create_app

    with serving(create_app(case.settings)) as base:
        yield base
