"""Encryption at rest (bot/store/crypto.py): the one envelope helper every sealed row kind uses.

Data key -> wrap -> encrypt: each record's ciphertext opens only with its own data key, and
that key only unwraps for the record it was made for, under a master key still loaded.
"""

from __future__ import annotations

import base64
import secrets

import pytest

from bot.store.crypto import (
    DecryptionFailed,
    KeyRing,
    MasterKeyMissing,
    WrappedKey,
    decrypt,
    encrypt,
)


def _ring(*versions: str) -> KeyRing:
    return KeyRing.parse(
        ",".join(f"{v}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for v in versions)
    )


def test_a_record_opens_with_its_own_id_and_nothing_else():
    ring = _ring("v1")
    wrapped, blob = ring.encrypt_record(b"Callum Brennan, 14", "draft-1")
    assert b"Callum" not in blob and b"Callum" not in wrapped.blob
    assert ring.decrypt_record(wrapped, blob, "draft-1") == b"Callum Brennan, 14"
    with pytest.raises(DecryptionFailed):  # moved to another record: neither key nor text
        ring.decrypt_record(wrapped, blob, "draft-2")
    other_wrapped, other_blob = ring.encrypt_record(b"someone else", "draft-2")
    with pytest.raises(DecryptionFailed):  # another record's key does not open this one
        ring.decrypt_record(other_wrapped, blob, "draft-2")
    with pytest.raises(DecryptionFailed):  # tampered
        ring.decrypt_record(wrapped, blob[:-1] + bytes([blob[-1] ^ 1]), "draft-1")


def test_every_record_gets_a_fresh_data_key():
    ring = _ring("v1")
    first, second = ring.new_record_key("r"), ring.new_record_key("r")
    assert first.key != second.key and first.wrapped != second.wrapped
    assert "key=" not in repr(first) and first.key.hex() not in repr(first)


def test_one_record_key_encrypts_several_values_and_is_found_again_from_the_row():
    ring = _ring("v1")
    key = ring.new_record_key("conversation:abc")
    one, two = key.encrypt(b"event 1", "event:1"), key.encrypt(b"event 2", "event:2")

    class Row:  # what a table row stores
        key_version, wrapped_key = key.wrapped.version, memoryview(key.wrapped.blob)

    again = ring.record_key(WrappedKey.of(Row), "conversation:abc")
    assert again.key == key.key
    assert (again.decrypt(one, "event:1"), decrypt(again.key, two, "event:2")) == (
        b"event 1",
        b"event 2",
    )
    with pytest.raises(DecryptionFailed):
        again.decrypt(one, "event:2")  # bound to its own context too


def test_records_outlive_rotation_until_the_old_master_key_is_dropped():
    old = _ring("v1")
    wrapped, blob = old.encrypt_record(b"payload", "pickup:x")
    v1 = old._keys["v1"]
    rotated = KeyRing({"v2": secrets.token_bytes(32), "v1": v1}, "v2")
    assert rotated.decrypt_record(wrapped, blob, "pickup:x") == b"payload"
    rewrapped = rotated.rewrap(wrapped, "pickup:x")
    assert rewrapped.version == "v2"
    only_new = KeyRing({"v2": rotated._keys["v2"]}, "v2")
    assert only_new.decrypt_record(rewrapped, blob, "pickup:x") == b"payload"
    with pytest.raises(MasterKeyMissing):
        only_new.decrypt_record(wrapped, blob, "pickup:x")


def test_the_primitives_bind_the_associated_data():
    key = secrets.token_bytes(32)
    blob = encrypt(key, b"text", "update:7")
    assert decrypt(key, blob, "update:7") == b"text"
    with pytest.raises(DecryptionFailed):
        decrypt(key, blob, "update:8")
