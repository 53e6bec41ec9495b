"""One-time download links for the SET 2.5 fallback: the password-protected PDF.

Where the area has no inbox certificate, the referrer sends the form themselves,
password-protected, and rings the Police Prevent Team with the password. The chat cannot
carry a file on every channel, so the bot hands out a link that works once and for a
short time. At rest the PDF (already AES-256 under the password the user is shown) is
encrypted again under the bot's key ring; only a hash of the link's token is stored.

A link works once: when the file is fetched the row is re-keyed under a random hash nobody
holds (the link is dead), and the file is kept until it expires (24 hours), so that the
referrer can ask for a new link ("send me the link again") while they have not sent it;
a new link kills the old one the same way. Expired rows are deleted (`purge_expired`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.store.crypto import KeyRing, WrappedKey
from bot.store.db import session_scope, utcnow
from bot.store.tables.delivery import PickupRow

PICKUP_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class Pickup:
    filename: str
    content: bytes

    def __repr__(self) -> str:
        return f"Pickup({self.filename!r}, <{len(self.content)} bytes>)"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PickupStore:
    def __init__(self, url: str, keyring: KeyRing) -> None:
        self._url = url
        self._keys = keyring

    def put(
        self,
        reference: str,
        filename: str,
        content: bytes,
        lifetime: timedelta = PICKUP_LIFETIME,
        now: datetime | None = None,
    ) -> tuple[str, datetime]:
        """Store a file; returns the one-time token for its link and when it expires."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        digest = _token_hash(token)
        wrapped, blob = self._keys.encrypt_record(content, digest)
        expires = now + lifetime
        with session_scope(self._url) as session:
            session.add(
                PickupRow(
                    token_hash=digest,
                    reference=reference,
                    filename=filename,
                    key_version=wrapped.version,
                    wrapped_key=wrapped.blob,
                    blob=blob,
                    created_at=now,
                    expires_at=expires,
                )
            )
        return token, expires

    def take(self, token: str, now: datetime | None = None) -> Pickup | None:
        """The file, once: the link dies as it is read. None if unknown, spent or expired."""
        now = now or utcnow()
        digest = _token_hash(token)
        with session_scope(self._url) as session:
            row = session.get(PickupRow, digest)
            if row is None:
                return None
            if row.expires_at < now:
                session.delete(row)
                return None
            content = self._open(row)
            # Two requests racing for one link: only the one whose re-key counts gets it.
            if not self._rekey(session, row, content, _token_hash(secrets.token_urlsafe(32))):
                return None
            return Pickup(row.filename, content)

    def reissue(self, reference: str, now: datetime | None = None) -> tuple[str, datetime] | None:
        """A new one-time link for `reference`'s file (the old link dies); None if expired."""
        now = now or utcnow()
        with session_scope(self._url) as session:
            row = (
                session.query(PickupRow)
                .filter(PickupRow.reference == reference, PickupRow.expires_at >= now)
                .order_by(PickupRow.created_at.desc())
                .first()
            )
            if row is None:
                return None
            token = secrets.token_urlsafe(32)
            if not self._rekey(session, row, self._open(row), _token_hash(token)):
                return None
            return token, row.expires_at

    def _open(self, row: PickupRow) -> bytes:
        return self._keys.decrypt_record(WrappedKey.of(row), row.blob, row.token_hash)

    def _rekey(self, session: Session, row: PickupRow, content: bytes, digest: str) -> bool:
        """Move the file under a new token hash (a fresh data key bound to it)."""
        gone = (
            session.query(PickupRow)
            .filter(PickupRow.token_hash == row.token_hash)
            .delete(synchronize_session=False)
        )
        if gone != 1:
            return False
        wrapped, blob = self._keys.encrypt_record(content, digest)
        session.add(
            PickupRow(
                token_hash=digest,
                reference=row.reference,
                filename=row.filename,
                key_version=wrapped.version,
                wrapped_key=wrapped.blob,
                blob=blob,
                created_at=row.created_at,
                expires_at=row.expires_at,
            )
        )
        return True

    def purge_expired(self, now: datetime | None = None) -> int:
        with session_scope(self._url) as session:
            return (
                session.query(PickupRow)
                .filter(PickupRow.expires_at < (now or utcnow()))
                .delete(synchronize_session=False)
            )
