"""One-time links for the password-protected PDF: once, not after expiry, never in plain."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

import pytest

from bot.delivery.pickup import PickupStore
from bot.store.crypto import KeyRing
from bot.store.db import utcnow


@pytest.fixture()
def store(tmp_path) -> PickupStore:
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return PickupStore(f"sqlite:///{tmp_path / 'bot.db'}", ring)


def test_a_link_works_once(store):
    token, expires = store.put("VTR-AAAA1111", "VTR-AAAA1111.pdf", b"%PDF-1.7 SENTINEL")
    assert expires > utcnow() + timedelta(hours=23)
    pickup = store.take(token)
    assert pickup is not None and pickup.content == b"%PDF-1.7 SENTINEL"
    assert pickup.filename == "VTR-AAAA1111.pdf" and "SENTINEL" not in repr(pickup)
    assert store.take(token) is None


def test_an_expired_link_gives_nothing_and_is_removed(store):
    token, _ = store.put("VTR-AAAA1111", "f.pdf", b"x", lifetime=timedelta(seconds=-1))
    assert store.take(token) is None
    token2, _ = store.put("VTR-AAAA1111", "f.pdf", b"x", lifetime=timedelta(seconds=-1))
    assert store.purge_expired() == 1
    assert store.take(token2) is None


def test_a_made_up_token_gives_nothing(store):
    store.put("VTR-AAAA1111", "f.pdf", b"x")
    assert store.take(secrets.token_urlsafe(32)) is None


def test_neither_the_file_nor_the_token_is_stored_in_plain(store, tmp_path):
    token, _ = store.put("VTR-AAAA1111", "f.pdf", b"%PDF FILE-SENTINEL")
    data = (tmp_path / "bot.db").read_bytes()
    assert b"FILE-SENTINEL" not in data and token.encode() not in data


def test_a_new_link_can_be_asked_for_and_the_old_one_dies(store):
    first, expires = store.put("VTR-BBBB2222", "VTR-BBBB2222.pdf", b"%PDF-1.7 AGAIN")
    second, same_expiry = store.reissue("VTR-BBBB2222")
    assert second != first and same_expiry == expires  # no longer than the first 24 hours
    assert store.take(first) is None  # the old link is dead
    assert store.take(second).content == b"%PDF-1.7 AGAIN"
    assert store.take(second) is None  # once
    # Even after a download, a new link works (the DSL may have lost the file) ...
    third, _ = store.reissue("VTR-BBBB2222")
    assert store.take(third).content == b"%PDF-1.7 AGAIN"
    # ... but not after it expired, nor for a reference never held.
    assert store.reissue("VTR-BBBB2222", now=expires + timedelta(seconds=1)) is None
    assert store.reissue("VTR-NOPE0000") is None
    assert store.purge_expired(now=expires + timedelta(seconds=1)) == 1
