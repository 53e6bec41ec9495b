"""Master key rotation re-wraps every row kind, and one unreadable row never stops a round.

Issue 11: after rotating as README said, referral routes and download pickups were never
re-wrapped, so once the old key went news could no longer be pushed, and one unreadable route
aborted the whole push round. Pushes go to a loopback fake of the Telegram Bot API.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import secrets
import sqlite3
import subprocess
import sys

import pytest

from bot.channels.push import push_pending
from bot.channels.telegram import TelegramPusher, TelegramSettings
from bot.delivery.pickup import PickupStore
from bot.referral.draft_store import DraftStore
from bot.referral.updates import ReferrerUpdates
from bot.store.crypto import KeyRing, MasterKeyMissing
from bot.store.rotate import rotate_database
from tests.helpers.servers import ROOT
from tests.helpers.telegram_api import running_fake_telegram

TOKEN = "123456:TEST-rotate-token"
PEPPER = b"pepper" * 6
CHATS = [5550001, 5550002, 5550003]


def _key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture()
def world(tmp_path):
    """A bot database with every row kind wrapped by master key v1, and news waiting."""
    k1, k2 = _key(), _key()
    url = f"sqlite:///{tmp_path / 'prevent.db'}"
    updates_key = _key()
    v1 = KeyRing({"v1": k1}, "v1")
    updates = ReferrerUpdates(url, v1, PEPPER, updates_key)
    for n, chat in enumerate(CHATS):
        updates.register(f"VTR-ROT{n:05d}", str(chat), "telegram")
        updates.post(f"VTR-ROT{n:05d}", "status", status=f"Screening {n}")
    token, _ = PickupStore(url, v1).put("VTR-ROT00000", "VTR-ROT00000.pdf", b"%PDF-sealed")
    drafts = DraftStore(url, v1, PEPPER)
    draft = drafts.create("dsl-rotate")
    return {
        "url": url,
        "k1": k1,
        "k2": k2,
        "updates_key": updates_key,
        "pickup": token,
        "draft": draft.id,
        "db": tmp_path / "prevent.db",
    }


def _push(world, ring: KeyRing) -> tuple[int, list[int]]:
    updates = ReferrerUpdates(world["url"], ring, PEPPER, world["updates_key"])
    with running_fake_telegram(TOKEN) as fake:
        pushers = {"telegram": TelegramPusher(TelegramSettings(TOKEN, "secret", fake.base_url))}
        pushed = asyncio.run(push_pending(updates, pushers))
        reached = [chat for chat in CHATS if fake.messages_to(chat)]
    return pushed, reached


def test_rotation_rewraps_every_kind_and_news_still_goes_without_the_old_key(world):
    only_v2 = KeyRing({"v2": world["k2"]}, "v2")
    # Before: dropping v1 without re-wrapping leaves the routes unreadable.
    with pytest.raises(MasterKeyMissing):
        PickupStore(world["url"], only_v2).take(world["pickup"])

    results = rotate_database(world["url"], KeyRing({"v2": world["k2"], "v1": world["k1"]}, "v2"))
    assert {r.kind: (r.rewrapped, r.skipped) for r in results} == {
        "draft": (1, 0),
        "referral route": (3, 0),
        "download pickup": (1, 0),
        "concern": (0, 0),
        "staff route": (0, 0),
    }
    # Now v1 can go: news is pushed, the file link works, the draft opens.
    assert _push(world, only_v2) == (3, CHATS)
    assert PickupStore(world["url"], only_v2).take(world["pickup"]).content == b"%PDF-sealed"
    assert DraftStore(world["url"], only_v2, PEPPER).get("dsl-rotate", world["draft"]).id


def test_an_unreadable_row_is_skipped_and_logged_and_the_rest_still_delivered(world, caplog):
    with sqlite3.connect(world["db"]) as db:  # someone damages one route's wrapped key
        db.execute(
            "UPDATE referral_routes SET wrapped_key = ? WHERE reference = 'VTR-ROT00001'",
            (os.urandom(60),),
        )
    both = KeyRing({"v2": world["k2"], "v1": world["k1"]}, "v2")
    with caplog.at_level(logging.WARNING):
        results = rotate_database(world["url"], both)
    routes = next(r for r in results if r.kind == "referral route")
    assert (routes.rewrapped, routes.skipped) == (2, 1)
    with caplog.at_level(logging.ERROR):
        pushed, reached = _push(world, KeyRing({"v2": world["k2"]}, "v2"))
    assert pushed == 2 and reached == [CHATS[0], CHATS[2]]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "could not be unwrapped" in logged and "cannot be read" in logged
    for chat in CHATS:
        assert str(chat) not in logged  # sender ids never in the log
    assert "Screening" not in logged


def test_the_command_rotates_the_database_and_the_tracker_store(world, tmp_path):
    from rasa.shared.core.domain import Domain

    from bot.config import Config, use_config
    from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore
    from tests.store.test_tracker_store import DOMAIN_YAML, conversation, run

    tracker_db = tmp_path / "tracker.db"
    v1_spec = "v1:" + base64.b64encode(world["k1"]).decode()
    with use_config(Config.from_env({**os.environ, "PREVENT_MASTER_KEYS": v1_spec})):
        domain = Domain.from_yaml(DOMAIN_YAML)
        store = EncryptedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tracker_db))
        run(store.save(conversation(domain)))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PREVENT_", "TRACKER_"))},
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path / "var"),
        "PREVENT_DATABASE_URL": world["url"],
        "PREVENT_MASTER_KEYS": "v2:" + base64.b64encode(world["k2"]).decode() + "," + v1_spec,
        "TRACKER_DB_DIALECT": "sqlite",
        "TRACKER_DB": str(tracker_db),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.store.rotate"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "conversation key: 1 re-wrapped" in done.stdout
    assert "referral route: 3 re-wrapped" in done.stdout
    with sqlite3.connect(tracker_db) as db:
        assert db.execute("SELECT key_version FROM conversation_keys").fetchall() == [("v2",)]


def test_concerns_and_staff_routes_are_rotated_and_their_alerts_still_pushed(tmp_path, caplog):
    """H2: rotation skipped concern and staff rows; once v1 went, every record was lost."""
    from bot.channels.push import push_concern_alerts
    from bot.concerns import Concerns
    from bot.concerns.orgs import Orgs

    url = f"sqlite:///{tmp_path / 'prevent.db'}"
    k1, k2 = _key(), _key()
    pepper = secrets.token_bytes(32)
    Orgs(url).add("St Mary's", "southend")
    concerns = Concerns(url, KeyRing({"v1": k1}, "v1"), pepper)
    concerns.staff.enrol("t-1", "rest", "st-marys", "teacher")
    concerns.staff.enrol("9001", "telegram", "st-marys", "dsl")
    first, _ = concerns.raise_concern("rest:t-1", "ROTATE-SENTINEL words one")
    second, _ = concerns.raise_concern("rest:t-1", "ROTATE-SENTINEL words two")

    results = rotate_database(url, KeyRing({"v2": k2, "v1": k1}, "v2"))
    counts = {r.kind: (r.rewrapped, r.skipped) for r in results}
    assert counts["concern"] == (2, 0) and counts["staff route"] == (2, 0)

    only_v2 = Concerns(url, KeyRing({"v2": k2}, "v2"), pepper)
    assert {c.ref for c in only_v2.list_for("telegram:9001")} == {first.ref, second.ref}
    with sqlite3.connect(tmp_path / "prevent.db") as db:  # one concern's key is damaged
        db.execute("UPDATE concerns SET wrapped_key = ? WHERE id = ?", (os.urandom(60), second.id))
    with running_fake_telegram(TOKEN) as fake, caplog.at_level(logging.WARNING):
        pushers = {"telegram": TelegramPusher(TelegramSettings(TOKEN, "secret", fake.base_url))}
        assert asyncio.run(push_concern_alerts(only_v2, pushers)) == 1  # the readable one
        assert first.ref in fake.messages_to(9001)[0]["text"]
    assert "could not be opened" in "\n".join(r.getMessage() for r in caplog.records)
