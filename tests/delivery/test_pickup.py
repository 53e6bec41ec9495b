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
