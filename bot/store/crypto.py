"""Encryption at rest: a data key per record, wrapped by a master key from outside the repo.

Threat this defends against: someone who copies the database files (a backup, a stolen
disk, a mis-shared SQLite file) reads nothing of what users typed. The master keys live
in the environment (`PREVENT_MASTER_KEYS`) or a key file outside the repo
(`PREVENT_MASTER_KEY_FILE`); for `make run` a key file is generated under `var/keys/`
with mode 0600. Someone who holds both the database and the master key can read unsent
drafts: that is the bot server's trust boundary (sealed referrals are different, see
`bot.sealing`).

Envelope encryption: each record gets its own random 256-bit data key (AES-GCM). The data
key is stored wrapped (AES-GCM under the current master key, with the record id as
associated data so a wrapped key cannot be moved to another record). Rotation adds a new
master key version; `rewrap` re-encrypts data keys only, never the records themselves.

Every sealed row kind (drafts, pick-ups, referral routes, staff routes, concerns, the
tracker store's conversation keys) goes through the one helper on `KeyRing`: data key ->
wrap -> encrypt is `encrypt_record` (or `new_record_key` for a key that encrypts several
values), and `decrypt_record` / `record_key` the way back; `WrappedKey.of(row)` reads the
stored key. The primitives are `encrypt` / `decrypt` (AES-256-GCM under a data key); the
word "seal" is kept for S/MIME sealing of referrals (`bot.sealing`).
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
KEY_BYTES = 32


class CryptoError(Exception):
    """Base for encryption-at-rest failures."""


class MasterKeyMissing(CryptoError):
    """No master key is configured (and none could be created)."""


class DecryptionFailed(CryptoError):
    """A ciphertext or wrapped key was tampered with, or belongs to another record."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key as stored: encrypted under master key `version`, bound to its record."""

    version: str
    blob: bytes

    @classmethod
    def of(cls, row: Any) -> WrappedKey:
        """The wrapped key a row stores in its `key_version` and `wrapped_key` columns."""
        return cls(row.key_version, bytes(row.wrapped_key))


@dataclass(frozen=True)
class RecordKey:
    """One record's own data key, with the same key wrapped for storage (envelope encryption).

    `wrapped` goes into the row (`key_version`, `wrapped_key`); `key` never leaves memory.
    """

    key: bytes = field(repr=False)
    wrapped: WrappedKey

    def encrypt(self, plaintext: bytes, associated: str) -> bytes:
        return encrypt(self.key, plaintext, associated)

    def decrypt(self, blob: bytes, associated: str) -> bytes:
        return decrypt(self.key, blob, associated)


class KeyRing:
    """Master keys by version; the newest (first listed) wraps new data keys."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise MasterKeyMissing(f"current master key version {current!r} is not loaded")
        for version, key in keys.items():
            if len(key) != KEY_BYTES:
                raise CryptoError(f"master key {version!r} must be {KEY_BYTES} bytes")
        self._keys = dict(keys)
        self.current = current

    def __repr__(self) -> str:  # never show key material
        return f"KeyRing(versions={sorted(self._keys)}, current={self.current!r})"

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """From "v2:<base64>,v1:<base64>" (first is current)."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            version, _, encoded = part.partition(":")
            if not encoded:
                raise CryptoError("master keys look like 'v1:<base64>', comma separated")
            try:
                keys[version] = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise CryptoError(f"master key {version!r} is not valid base64") from exc
            order.append(version)
        if not order:
            raise MasterKeyMissing("no master key given")
        return cls(keys, order[0])

    def wrap(self, data_key: bytes, record_id: str) -> WrappedKey:
        nonce = secrets.token_bytes(NONCE_BYTES)
        blob = AESGCM(self._keys[self.current]).encrypt(nonce, data_key, record_id.encode())
        return WrappedKey(self.current, nonce + blob)

    def unwrap(self, wrapped: WrappedKey, record_id: str) -> bytes:
        key = self._keys.get(wrapped.version)
        if key is None:
            raise MasterKeyMissing(f"master key version {wrapped.version!r} is not loaded")
        try:
            return AESGCM(key).decrypt(
                wrapped.blob[:NONCE_BYTES], wrapped.blob[NONCE_BYTES:], record_id.encode()
            )
        except InvalidTag as exc:
            raise DecryptionFailed("a wrapped data key failed its integrity check") from exc

    def rewrap(self, wrapped: WrappedKey, record_id: str) -> WrappedKey:
        """The same data key wrapped under the current master key (for rotation)."""
        if wrapped.version == self.current:
            return wrapped
        return self.wrap(self.unwrap(wrapped, record_id), record_id)

    # --- envelope encryption: every sealed row kind goes through these -----------------

    def new_record_key(self, record_id: str) -> RecordKey:
        """A fresh data key for one record, wrapped under the current master key and bound
        to `record_id` (a wrapped key moved to another record does not unwrap)."""
        data_key = new_data_key()
        return RecordKey(data_key, self.wrap(data_key, record_id))

    def record_key(self, wrapped: WrappedKey, record_id: str) -> RecordKey:
        """The data key of a stored record (`WrappedKey.of(row)`)."""
        return RecordKey(self.unwrap(wrapped, record_id), wrapped)

    def encrypt_record(self, plaintext: bytes, record_id: str) -> tuple[WrappedKey, bytes]:
        """Data key -> wrap -> encrypt, in one: what to store as the record's wrapped key and
        as its ciphertext, both bound to `record_id`."""
        key = self.new_record_key(record_id)
        return key.wrapped, key.encrypt(plaintext, record_id)

    def decrypt_record(self, wrapped: WrappedKey, blob: bytes, record_id: str) -> bytes:
        """The reverse of `encrypt_record`: unwrap the record's key, then decrypt."""
        return decrypt(self.unwrap(wrapped, record_id), blob, record_id)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encrypt(data_key: bytes, plaintext: bytes, associated: str) -> bytes:
    """AES-256-GCM: nonce || ciphertext+tag, bound to `associated` (the record id).

    Encryption at rest under a data key; not to be confused with *sealing* a referral
    (S/MIME to the inbox certificate, `bot.sealing`)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, associated.encode())


def decrypt(data_key: bytes, blob: bytes, associated: str) -> bytes:
    """The reverse of `encrypt`; `DecryptionFailed` if tampered with or moved."""
    try:
        return AESGCM(data_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionFailed("a record failed its integrity check") from exc


def create_secret_file(path: Path, content: str) -> bool:
    """Create `path` holding `content`, mode 0600, all at once; False if it already existed.

    The content is written and flushed to a private temporary file in the same folder (0600
    from the start), which is then hard-linked into place: a process started at the same
    moment sees either no file or the whole secret, never an empty or partial one, and of
    two creators exactly one wins (the other reads the winner's file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)


def _key_file_ring(path: Path, create: bool) -> KeyRing:
    if not path.exists():
        if not create:
            raise MasterKeyMissing(f"master key file {path} not found")
        create_secret_file(
            path, "v1:" + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n"
        )
    return KeyRing.parse(path.read_text().strip().replace("\n", ","))


def load_keyring(master_keys: str, key_file: Path | None, var_dir: Path) -> KeyRing:
    """The key ring: `master_keys` ("v2:<base64>,v1:<base64>"), else a key file.

    The key file is `key_file` (it must exist), or `var/keys/master.key`, created on first
    use for the embedded `make run` profile (never inside the repo's tracked files).
    Values come from `bot.config.Config` (`PREVENT_MASTER_KEYS`, `PREVENT_MASTER_KEY_FILE`).
    """
    if master_keys.strip():
        return KeyRing.parse(master_keys)
    path = key_file if key_file is not None else var_dir / "keys" / "master.key"
    return _key_file_ring(path, create=key_file is None)


def load_pepper(encoded: str, var_dir: Path) -> bytes:
    """The secret for owner hashes (HMAC of sender ids): `encoded` (base64, from
    `PREVENT_OWNER_PEPPER`), else a key file beside the master key (made on first use).

    Separate from the master keys so that key rotation never changes who owns what.
    """
    if encoded.strip():
        try:
            return _checked_pepper(
                base64.b64decode(encoded.strip(), validate=True), "PREVENT_OWNER_PEPPER"
            )
        except ValueError as exc:
            raise CryptoError("PREVENT_OWNER_PEPPER is not valid base64") from exc
    path = var_dir / "keys" / "owner.pepper"
    if not path.exists():
        create_secret_file(path, base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode())
    try:
        pepper = base64.b64decode(path.read_text().strip(), validate=True)
    except ValueError as exc:
        raise CryptoError(f"{path} is not valid base64") from exc
    return _checked_pepper(pepper, str(path))


def _checked_pepper(pepper: bytes, source: str) -> bytes:
    """An empty or short pepper would make owner hashes and web chat tokens forgeable."""
    if len(pepper) < KEY_BYTES:
        raise CryptoError(
            f"{source} holds {len(pepper)} bytes; the owner pepper needs at least {KEY_BYTES} "
            "(base64 of 32 random bytes)"
        )
    return pepper
