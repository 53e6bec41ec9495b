"""The second factor of every review account: TOTP (RFC 6238) codes and single-use recovery codes.

Why: a password alone is one phishing e-mail away from every referral in the queue; the record
systems schools and DSLs use require a second factor, so every account has one, with no way
round it. How it works:

* After a correct password the app does not sign the person in; it starts a short *pending
  sign-in* (`PENDING_TTL`, its own random cookie token, only the token's HMAC under the app
  key stored, at most `MAX_CODE_TRIES` codes). A session starts only after a good code.
* An account without a factor enrols at that point: a new secret is shown (base32 and an
  ``otpauth://`` URI for any authenticator app) and kept sealed in the pending row until the
  first good code proves the app has it; then the factor is saved and ten recovery codes are
  shown once.
* TOTP secrets are stored AES-256-GCM sealed under a key derived from the review app key
  (`bot.review.app_key`), which is never in the database. A code is accepted once: the time
  step it matched is remembered and that step or an earlier one is refused (no replay).
* Recovery codes are kept as HMAC-SHA256 under the same key (never in plain), and each works
  once: it is spent with a conditional UPDATE, so two requests cannot both use it.
* Losing the phone: an admin runs ``python -m bot.review.accounts reset-2fa NAME``; the
  person enrols again at their next sign-in.

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from bot.review.app_key import derive
from bot.store.db import session_scope, utcnow
from bot.store.tables.review import PendingSignInRow, RecoveryCodeRow, SecondFactorRow

if TYPE_CHECKING:  # not at run time: `python -m bot.review.accounts` imports this module
    from bot.review.accounts import Account

ISSUER = "Prevent referral review"
PENDING_TTL = timedelta(minutes=5)
MAX_CODE_TRIES = 5
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass(frozen=True)
class Pending:
    """A password-checked sign-in waiting for its code."""

    token_hash: str
    account_id: int
    csrf_token: str
    next_path: str
    enrolling: bool


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, shown once
    uri: str  # otpauth://totp/...


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: ok | wrong | expired (then sign in again) ."""

    outcome: str
    account_id: int = 0
    next_path: str = "/queue"
    recovery_codes: tuple[str, ...] = ()  # only when this code completed an enrolment
    used_recovery_code: bool = False
    tries_left: int = 0


def _token_hash(key: bytes, token: str) -> str:
    """Keyed (HMAC) so a pending row written by someone without the app key matches no cookie."""
    return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:32]


class SecondFactors:
    """Enrol, check and reset second factors; the pending sign-ins between password and code."""

    def __init__(self, url: str, app_key: bytes) -> None:
        self._url = url
        self._seal_key = derive(app_key, "second-factor-secret")
        self._code_key = derive(app_key, "recovery-code")
        self._pending_key = derive(app_key, "pending-sign-in")
        self._app_key = app_key

    # ------------------------------------------------------------------ sealed secrets

    def _seal(self, secret: str, account_id: int) -> bytes:
        nonce = os.urandom(12)
        aad = f"totp:{account_id}".encode()
        return nonce + AESGCM(self._seal_key).encrypt(nonce, secret.encode(), aad)

    def _open(self, blob: bytes, account_id: int) -> str:
        aad = f"totp:{account_id}".encode()
        return AESGCM(self._seal_key).decrypt(blob[:12], blob[12:], aad).decode()

    def _code_hash(self, code: str) -> str:
        return hmac.new(self._code_key, normalise_code(code).encode(), hashlib.sha256).hexdigest()

    # ------------------------------------------------------------------ state

    def is_enrolled(self, account_id: int) -> bool:
        with session_scope(self._url) as session:
            return session.get(SecondFactorRow, account_id) is not None

    def recovery_codes_left(self, account_id: int) -> int:
        with session_scope(self._url) as session:
            return int(
                session.query(RecoveryCodeRow.id)
                .filter_by(account_id=account_id, used_at=None)
                .count()
            )

    def reset(self, account_id: int) -> None:
        """Forget the factor and recovery codes: the next sign-in enrols again."""
        with session_scope(self._url) as session:
            session.query(SecondFactorRow).filter_by(account_id=account_id).delete()
            session.query(RecoveryCodeRow).filter_by(account_id=account_id).delete()
            session.query(PendingSignInRow).filter_by(account_id=account_id).delete()
            self._reseal(session, account_id)

    def _reseal(self, session: Session, account_id: int) -> None:
        """The account's seal covers whether it has a factor: deleting the row locks it out."""
        from bot.review.accounts import account_key, reseal

        reseal(session, account_key(self._app_key), account_id)

    # ------------------------------------------------------------------ pending sign-ins

    def begin(self, account: Account, next_path: str, now: datetime | None = None) -> str:
        """After a correct password: a pending sign-in; returns its cookie token."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        enrolled = self.is_enrolled(account.id)
        with session_scope(self._url) as session:
            session.query(PendingSignInRow).filter(PendingSignInRow.expires_at <= now).delete()
            session.add(
                PendingSignInRow(
                    token_hash=_token_hash(self._pending_key, token),
                    account_id=account.id,
                    csrf_token=secrets.token_urlsafe(32),
                    next_path=next_path[:300],
                    expires_at=now + PENDING_TTL,
                    tries=0,
                    new_secret=None if enrolled else self._seal(pyotp.random_base32(), account.id),
                )
            )
        return token

    def pending(self, token: str | None, now: datetime | None = None) -> Pending | None:
        if not token:
            return None
        now = now or utcnow()
        with session_scope(self._url) as session:
            row = session.get(PendingSignInRow, _token_hash(self._pending_key, token))
            if row is None:
                return None
            if now >= row.expires_at or row.tries >= MAX_CODE_TRIES:
                session.delete(row)
                return None
            return Pending(
                row.token_hash,
                int(row.account_id),
                row.csrf_token,
                row.next_path,
                row.new_secret is not None,
            )

    def enrolment(self, pending: Pending, account: Account) -> Enrolment | None:
        """The secret to show while enrolling (None if the account already has a factor)."""
        with session_scope(self._url) as session:
            row = session.get(PendingSignInRow, pending.token_hash)
            blob = row.new_secret if row is not None else None
        if blob is None:
            return None
        secret = self._open(blob, pending.account_id)
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER)
        return Enrolment(secret, uri)

    def cancel(self, token_hash_value: str) -> None:
        with session_scope(self._url) as session:
            session.query(PendingSignInRow).filter_by(token_hash=token_hash_value).delete()

    def check(self, pending: Pending, code: str, now: datetime | None = None) -> CodeCheck:
        """Check a TOTP or recovery code for a pending sign-in (which ends if it is right)."""
        now = now or utcnow()
        code = normalise_code(code)
        with session_scope(self._url) as session:
            row = (
                session.query(PendingSignInRow)
                .filter_by(token_hash=pending.token_hash)
                .with_for_update()
                .one_or_none()
            )
            if row is None or now >= row.expires_at or row.tries >= MAX_CODE_TRIES:
                return CodeCheck("expired")
            tries_before = int(row.tries or 0)
            claimed = (
                session.query(PendingSignInRow)
                .filter(
                    PendingSignInRow.token_hash == pending.token_hash,
                    PendingSignInRow.tries < MAX_CODE_TRIES,
                )
                .update(
                    {PendingSignInRow.tries: PendingSignInRow.tries + 1},
                    synchronize_session=False,
                )
            )
            if not claimed:
                return CodeCheck("expired")
            new_secret = row.new_secret
            account_id = int(row.account_id)
            tries_left = MAX_CODE_TRIES - tries_before - 1
        if new_secret is not None:
            secret = self._open(new_secret, account_id)
            step = self._matching_step(secret, code, now)
            if step is None:
                return CodeCheck("wrong", account_id, tries_left=tries_left)
            codes = self._enrol(account_id, secret, step, pending.token_hash)
            return CodeCheck("ok", account_id, pending.next_path, recovery_codes=codes)
        if self._use_totp(account_id, code, now):
            self.cancel(pending.token_hash)
            return CodeCheck("ok", account_id, pending.next_path)
        if len(code) > 6 and self._use_recovery_code(account_id, code, now):
            self.cancel(pending.token_hash)
            return CodeCheck("ok", account_id, pending.next_path, used_recovery_code=True)
        return CodeCheck("wrong", account_id, tries_left=tries_left)

    # ------------------------------------------------------------------ codes

    @staticmethod
    def _matching_step(secret: str, code: str, now: datetime) -> int | None:
        """The time step (30 s) within one step either side whose code this is, or None."""
        if len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret)
        # Naive datetimes here are UTC (`utcnow`); `timestamp()` would read them as local time.
        moment = (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).timestamp()
        current = int(moment // totp.interval)
        for step in (current, current - 1, current + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None

    def _use_totp(self, account_id: int, code: str, now: datetime) -> bool:
        with session_scope(self._url) as session:
            row = session.get(SecondFactorRow, account_id)
            if row is None:
                return False
            secret = self._open(row.secret, account_id)
            last = int(row.last_step or 0)
        step = self._matching_step(secret, code, now)
        if step is None or step <= last:
            return False
        with session_scope(self._url) as session:  # conditional: one use per step, even in races
            return bool(
                session.query(SecondFactorRow)
                .filter(SecondFactorRow.account_id == account_id, SecondFactorRow.last_step < step)
                .update({SecondFactorRow.last_step: step})
            )

    def _use_recovery_code(self, account_id: int, code: str, now: datetime) -> bool:
        with session_scope(self._url) as session:
            return bool(
                session.query(RecoveryCodeRow)
                .filter(
                    RecoveryCodeRow.account_id == account_id,
                    RecoveryCodeRow.code_hash == self._code_hash(code),
                    RecoveryCodeRow.used_at.is_(None),
                )
                .update({RecoveryCodeRow.used_at: now})
            )

    def _enrol(
        self, account_id: int, secret: str, step: int, token_hash_value: str
    ) -> tuple[str, ...]:
        codes = tuple(_recovery_code() for _ in range(RECOVERY_CODES))
        with session_scope(self._url) as session:
            session.query(SecondFactorRow).filter_by(account_id=account_id).delete()
            session.query(RecoveryCodeRow).filter_by(account_id=account_id).delete()
            session.add(
                SecondFactorRow(
                    account_id=account_id, secret=self._seal(secret, account_id), last_step=step
                )
            )
            for code in codes:
                session.add(RecoveryCodeRow(account_id=account_id, code_hash=self._code_hash(code)))
            session.query(PendingSignInRow).filter_by(token_hash=token_hash_value).delete()
            self._reseal(session, account_id)
        return codes


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
