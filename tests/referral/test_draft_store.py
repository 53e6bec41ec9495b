"""Drafts at rest: encrypted, owned by one sender, deleted for real, purged on time."""

from __future__ import annotations

import base64
import secrets
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.referral import DraftNotFound, DraftStore
from bot.store import DecryptionFailed, KeyRing

SENTINELS = ["Łukasz", "Wójcik", "Callum", "far-right group", "07700 900123", "telegram-555"]


def keyring(*versions: str) -> KeyRing:
    return KeyRing.parse(
        ",".join(f"{v}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for v in versions)
    )


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "drafts.db"


@pytest.fixture()
def store(db: Path) -> DraftStore:
    return DraftStore(f"sqlite:///{db}", keyring("v1"), secrets.token_bytes(32))


def raw_bytes(db: Path) -> bytes:
    data = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def filled(store: DraftStore, sender: str = "telegram-555"):
    draft = store.create(sender)
    draft.values.update(
        forename="Łukasz",
        surname="Wójcik",
        referrer_phone="07700 900123",
        concern="Callum shares videos from a far-right group",
    )
    store.save(sender, draft)
    return draft


def test_no_field_value_or_sender_id_is_readable_in_the_database_file(store, db):
    filled(store)
    data = raw_bytes(db)
    for sentinel in SENTINELS:
        assert sentinel.encode() not in data, sentinel


def test_a_draft_round_trips_for_its_owner(store):
    draft = filled(store)
    again = store.get("telegram-555", draft.id)
    assert again.values["forename"] == "Łukasz" and again.values["concern"].startswith("Callum")


def test_another_sender_cannot_list_read_change_or_delete_a_draft(store):
    draft = filled(store)
    assert store.list("telegram-999") == []
    with pytest.raises(DraftNotFound):
        store.get("telegram-999", draft.id)
    with pytest.raises(DraftNotFound):
        store.save("telegram-999", draft)
    with pytest.raises(DraftNotFound):
        store.delete("telegram-999", draft.id)
    assert store.get("telegram-555", draft.id).values["surname"] == "Wójcik"


def test_delete_removes_the_row(store, db):
    draft = filled(store)
    store.delete("telegram-555", draft.id)
    count = sqlite3.connect(db).execute("select count(*) from drafts").fetchone()[0]
    assert count == 0
    with pytest.raises(DraftNotFound):
        store.get("telegram-555", draft.id)


def test_purge_warns_first_then_removes_idle_drafts(store, db):
    start = datetime(2026, 1, 1)
    draft = store.create("telegram-555", now=start)
    fresh = store.create("telegram-555", now=start + timedelta(days=29))
    report = store.purge(30, 3, now=start + timedelta(days=28))
    assert (report.warned, report.purged) == (1, 0)
    notices = store.take_notices("telegram-555")
    assert notices and notices[0][1] == draft.short_id
    assert store.take_notices("telegram-555") == []  # shown once
    report = store.purge(30, 3, now=start + timedelta(days=31))
    assert report.purged == 1
    rows = {r[0] for r in sqlite3.connect(db).execute("select id from drafts")}
    assert rows == {fresh.id}


def test_working_on_a_draft_restarts_its_retention_clock(store):
    start = datetime(2026, 1, 1)
    draft = store.create("telegram-555", now=start)
    store.save("telegram-555", draft, now=start + timedelta(days=25))
    assert store.purge(30, 3, now=start + timedelta(days=31)).purged == 0


def test_a_tampered_payload_is_refused(store, db):
    draft = filled(store)
    con = sqlite3.connect(db)
    payload = bytearray(con.execute("select payload from drafts").fetchone()[0])
    payload[-1] ^= 1
    con.execute("update drafts set payload = ?", (bytes(payload),))
    con.commit()
    with pytest.raises(DecryptionFailed):
        store.get("telegram-555", draft.id)


def test_key_rotation_rewraps_data_keys_and_old_drafts_still_open(db):
    pepper = secrets.token_bytes(32)
    old = keyring("v1")
    store = DraftStore(f"sqlite:///{db}", old, pepper)
    draft = filled(store)
    new_only = keyring("v2")
    both = KeyRing({**new_only._keys, **old._keys}, "v2")  # v2 current, v1 still readable
    rotated = DraftStore(f"sqlite:///{db}", both, pepper)
    assert rotated.rotate_keys() == 1
    version = sqlite3.connect(db).execute("select key_version from drafts").fetchone()[0]
    assert version == "v2"
    assert rotated.get("telegram-555", draft.id).values["forename"] == "Łukasz"
