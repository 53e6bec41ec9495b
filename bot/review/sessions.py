"""Server-side staff sessions: a random token in the cookie, only its keyed hash in the database.

The hash is HMAC-SHA256 under a key derived from the review app key (never in the database),
so a row written into the shared database by someone without that key resolves to nothing;
and a session resolves only while its account row carries a valid seal
(`bot.review.accounts.AccountSealRow`).

Why server-side: a session can be ended at once (sign-out, account disabled, password reset)
and a copy of the database holds nothing that signs anyone in, because the token itself is
only ever in the browser's cookie. A session ends after `idle` without a request (30 minutes)
and at the latest `absolute` after sign-in (8 hours), whatever the activity.

Each session also carries its CSRF synchronizer token, which every form of the app repeats
and every POST must send back (checked in `bot.review.app`).

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.review.accounts import (
    UNSIGNED_HELP,
    Account,
    StaffAccountRow,
    account_from_row,
    account_key,
    is_sealed,
)
from bot.review.app_key import derive
from bot.store.db import session_scope, utcnow
from bot.store.tables.review import StaffSessionRow

TOKEN_BYTES = 32
#: last_seen_at is written at most this often, so reading pages is not a write every time.
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class StaffSession:
    token_hash: str
    account: Account
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def csrf_matches(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf_token.encode(), str(sent).encode())


@dataclass(frozen=True)
class Lookup:
    """What a cookie's token turned out to be: a live session, or why not."""

    session: StaffSession | None
    reason: str = ""  # "" | no_token | unknown | idle | absolute | disabled | unsigned


log = logging.getLogger(__name__)


def token_hash(key: bytes, token: str) -> str:
    """HMAC-SHA256 of a cookie token under the session sub-key of the review app key."""
    return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()


class SessionStore:
    def __init__(
        self, url: str, idle: timedelta, absolute: timedelta, *, app_key: bytes
    ) -> None:
        self._url = url
        self.idle = idle
        self.absolute = absolute
        self._account_key = account_key(app_key)
        self._token_key = derive(app_key, "session-token")

    def token_hash(self, token: str) -> str:
        return token_hash(self._token_key, token)

    def start(self, account: Account, now: datetime | None = None) -> tuple[str, StaffSession]:
        """A new session for a freshly signed-in account: (cookie token, session)."""
        now = now or utcnow()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        row = StaffSessionRow(
            token_hash=self.token_hash(token),
            account_id=account.id,
            csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
            created_at=now,
            last_seen_at=now,
            expires_at=now + self.absolute,
        )
        with session_scope(self._url) as session:
            session.add(row)
        return token, StaffSession(
            row.token_hash, account, row.csrf_token, now, now, row.expires_at
        )

    def resolve(self, token: str | None, now: datetime | None = None) -> Lookup:
        """The live session for a cookie token, touching it; expired ones are deleted."""
        if not token:
            return Lookup(None, "no_token")
        now = now or utcnow()
        hashed = self.token_hash(token)
        with session_scope(self._url) as session:
            found = (
                session.query(StaffSessionRow, StaffAccountRow)
                .join(StaffAccountRow, StaffAccountRow.id == StaffSessionRow.account_id)
                .filter(StaffSessionRow.token_hash == hashed)
                .one_or_none()
            )
            if found is None:
                return Lookup(None, "unknown")
            row, account_row = found
            reason = ""
            if now >= row.expires_at:
                reason = "absolute"
            elif now - row.last_seen_at >= self.idle:
                reason = "idle"
            elif account_row.disabled_at is not None:
                reason = "disabled"
            elif not is_sealed(session, self._account_key, account_row):
                log.warning(UNSIGNED_HELP.format(name=account_row.username))
                reason = "unsigned"
            if reason:
                session.delete(row)
                return Lookup(None, reason)
            if now - row.last_seen_at >= TOUCH_EVERY:
                row.last_seen_at = now
            return Lookup(
                StaffSession(
                    row.token_hash,
                    account_from_row(account_row),
                    row.csrf_token,
                    row.created_at,
                    row.last_seen_at,
                    row.expires_at,
                )
            )

    def end(self, token_hash_value: str) -> None:
        with session_scope(self._url) as session:
            session.query(StaffSessionRow).filter(
                StaffSessionRow.token_hash == token_hash_value
            ).delete(synchronize_session=False)

    def end_all_for(self, account_id: int) -> int:
        """Sign an account out everywhere (disabled, password reset)."""
        with session_scope(self._url) as session:
            return int(
                session.query(StaffSessionRow)
                .filter(StaffSessionRow.account_id == account_id)
                .delete(synchronize_session=False)
            )

    def purge_expired(self, now: datetime | None = None) -> int:
        now = now or utcnow()
        with session_scope(self._url) as session:
            return int(
                session.query(StaffSessionRow)
                .filter(
                    (StaffSessionRow.expires_at <= now)
                    | (StaffSessionRow.last_seen_at <= now - self.idle)
                )
                .delete(synchronize_session=False)
            )
