"""News for referrers: kept per referral, encrypted, delivered once, only to the sender."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from bot.referral.updates import (
    MESSAGE,
    SENT,
    STATUS,
    ReferrerUpdates,
    UnknownReference,
    load_updates_key,
    post_update,
)
from bot.store.crypto import KeyRing

UPDATES_KEY = secrets.token_bytes(32)


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture()
def updates(url: str) -> ReferrerUpdates:
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return ReferrerUpdates(url, ring, b"pepper" * 6, UPDATES_KEY)


def test_news_reaches_only_the_sender_of_that_referral_and_only_once(updates, url):
    updates.register("VTR-AAAA1111", "dsl-1", "telegram", "essex")
    updates.register("VTR-BBBB2222", "dsl-2", "rest", "thurrock")
    post_update(url, UPDATES_KEY, "VTR-AAAA1111", STATUS, status="Screening has started.")
    updates.post("VTR-AAAA1111", MESSAGE, message="Could you ring us about the referral?")
    assert updates.take_for("dsl-2") == []
    taken = updates.take_for("dsl-1")
    assert [(u.kind, u.reference) for u in taken] == [
        (STATUS, "VTR-AAAA1111"),
        (MESSAGE, "VTR-AAAA1111"),
    ]
    assert taken[1].details == {"message": "Could you ring us about the referral?"}
    assert updates.take_for("dsl-1") == []


def test_pending_news_carries_the_route_for_a_push_and_is_delivered_once(updates):
    updates.register("VTR-AAAA1111", "8123456", "telegram")
    update_id = updates.post("VTR-AAAA1111", SENT, inbox="prevent@essex.pnn.police.uk")
    [(update, route)] = updates.pending()
    assert (route.channel, route.sender_id) == ("telegram", "8123456")
    assert update.id == update_id
    assert updates.mark_delivered(update_id) is True
    assert updates.mark_delivered(update_id) is False  # a second pusher loses the race
    assert updates.pending() == [] and updates.take_for("8123456") == []


def test_news_of_an_unknown_referral_is_refused(updates):
    with pytest.raises(UnknownReference):
        updates.post("VTR-NOTOURS1", STATUS, status="x")


def test_an_unknown_kind_is_refused(updates):
    updates.register("VTR-AAAA1111", "dsl-1", "rest")
    with pytest.raises(ValueError):
        updates.post("VTR-AAAA1111", "gossip", status="x")


def test_messages_and_routes_are_not_in_the_database_in_plain(updates, tmp_path):
    updates.register("VTR-AAAA1111", "sender-SENTINEL-42", "telegram")
    updates.post("VTR-AAAA1111", MESSAGE, message="MESSAGE-SENTINEL please call")
    data = (tmp_path / "bot.db").read_bytes()
    assert b"SENTINEL" not in data


def test_the_updates_key_file_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("PREVENT_UPDATES_KEY", raising=False)
    monkeypatch.delenv("PREVENT_UPDATES_KEY_FILE", raising=False)
    first = load_updates_key(tmp_path)
    assert load_updates_key(tmp_path) == first and len(first) == 32
    assert (tmp_path / "keys/updates.key").stat().st_mode & 0o777 == 0o600
    short = {"PREVENT_UPDATES_KEY": base64.b64encode(b"short").decode()}
    with pytest.raises(ValueError):
        load_updates_key(tmp_path, short)


def test_processes_starting_at_once_share_one_updates_key(tmp_path):
    """Found by CI: two delivery workers started together on a fresh var/ both tried to create
    the updates key, and the second died (FileExistsError) or could read a half-written file."""
    import threading

    from bot.referral.updates import load_updates_key

    def start(var, barrier, keys, errors) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            keys.append(load_updates_key(var, environ={}))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    for round_ in range(20):
        var = tmp_path / f"var{round_}"
        barrier = threading.Barrier(8)
        keys: list[bytes] = []
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=start, args=(var, barrier, keys, errors)) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 32
        assert (var / "keys" / "updates.key").stat().st_mode & 0o777 == 0o600
