"""The Prevent team's review app: accounts, sessions, second factors, status, notes, audit."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
)

from bot.store.tables.base import Base, utcnow

#: Longest audit detail kept (longer ones are cut: `bot.review.audit`).
AUDIT_DETAIL_LIMIT = 300


class StaffAccountRow(Base):
    """One member of the Prevent team. The password is stored only as a scrypt hash."""

    __tablename__ = "review_accounts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(40), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False, default="")
    role = Column(String(10), nullable=False)
    password_hash = Column(String(200), nullable=False)
    failed_attempts = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    disabled_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    password_changed_at = Column(DateTime, nullable=False, default=utcnow)
    last_sign_in_at = Column(DateTime, nullable=True)


class AccountSealRow(Base):
    """HMAC (under the review app key, never in the database) over an account's security fields.

    Why: the review app shares the bot's database, so whoever can write that database could
    otherwise insert an admin, overwrite a password hash or delete a second factor. A row
    whose seal does not match (or has none) signs nobody in and resolves no session. It is a
    table of its own so that databases made before it gain it without a migration.
    """

    __tablename__ = "review_account_seals"

    account_id = Column(Integer, primary_key=True)
    mac = Column(String(64), nullable=False)


class StaffSessionRow(Base):
    __tablename__ = "review_sessions"

    token_hash = Column(String(64), primary_key=True)  # HMAC-SHA256 of the cookie's token
    account_id = Column(Integer, nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)  # the absolute limit


class SecondFactorRow(Base):
    __tablename__ = "review_second_factors"

    account_id = Column(Integer, primary_key=True)
    secret = Column(LargeBinary, nullable=False)  # nonce + AES-GCM(base32 secret)
    enrolled_at = Column(DateTime, nullable=False, default=utcnow)
    last_step = Column(Integer, nullable=False, default=0)  # the last TOTP step accepted


class RecoveryCodeRow(Base):
    __tablename__ = "review_recovery_codes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    account_id = Column(Integer, nullable=False, index=True)
    code_hash = Column(String(64), nullable=False, unique=True)
    used_at = Column(DateTime, nullable=True)


class PendingSignInRow(Base):
    __tablename__ = "review_pending_sign_ins"

    token_hash = Column(String(64), primary_key=True)
    account_id = Column(Integer, nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    next_path = Column(String(300), nullable=False, default="/queue")
    expires_at = Column(DateTime, nullable=False)
    tries = Column(Integer, nullable=False, default=0)
    new_secret = Column(LargeBinary, nullable=True)  # sealed; only while enrolling


class ReviewStatusRow(Base):
    """Where a referral is in the workflow; no row yet means it is in the initial status."""

    __tablename__ = "review_status"

    reference = Column(String(40), primary_key=True)
    status = Column(String(40), nullable=False, index=True)
    #: A copy of the outbox row's created_at, so the queue never reads the outbox's wide rows.
    received_at = Column(DateTime, nullable=True, index=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    updated_by = Column(String(80), nullable=False, default="")
    problem = Column(String(40), nullable=True)  # e.g. CANNOT_OPEN: stays in the queue, marked
    problem_at = Column(DateTime, nullable=True)


class NoteRow(Base):
    __tablename__ = "review_notes"

    id = Column(String(36), primary_key=True)
    reference = Column(String(40), nullable=False, index=True)
    author = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    key_id = Column(String(64), nullable=False)  # SHA-256 of the public key it is sealed to
    wrapped_key = Column(LargeBinary, nullable=False)  # RSA-OAEP(SHA-256) of the AES key
    body = Column(LargeBinary, nullable=False)  # nonce || AES-256-GCM(text)


class AuditRow(Base):
    """One audit entry. Never updated or deleted (the database refuses)."""

    __tablename__ = "review_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False)
    actor = Column(String(80), nullable=False)
    action = Column(String(40), nullable=False, index=True)
    reference = Column(String(40), nullable=True, index=True)
    outcome = Column(String(40), nullable=False)
    detail = Column(String(AUDIT_DETAIL_LIMIT), nullable=False, default="")
    prev_hash = Column(String(64), nullable=False, unique=True)
    row_hash = Column(String(64), nullable=False)
