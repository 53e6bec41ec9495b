"""The outbox of sealed referrals, worker heartbeats, one-time file pick-ups."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Text,
)

from bot.store.tables.base import Base, utcnow


class OutboxRow(Base):
    __tablename__ = "outbox"

    id = Column(String(36), primary_key=True)
    reference = Column(String(40), nullable=False, unique=True)
    message_id = Column(String(120), nullable=False, unique=True)
    recipients = Column(Text, nullable=False)  # comma separated, all checked secure
    sender = Column(String(200), nullable=False)
    subject = Column(String(200), nullable=False)
    envelope = Column(LargeBinary, nullable=False)  # the sealed S/MIME body: ciphertext only
    status = Column(String(10), nullable=False, default="queued", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    last_error = Column(String(200), nullable=True)  # error and relay reply, never content
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime, nullable=True)
    #: The worker that holds the row while SENDING (several workers may run at once).
    claimed_by = Column(String(64), nullable=True)


class HeartbeatRow(Base):
    __tablename__ = "worker_heartbeats"

    name = Column(String(40), primary_key=True)
    beat_at = Column(DateTime, nullable=False)


class PickupRow(Base):
    __tablename__ = "pickups"

    token_hash = Column(String(64), primary_key=True)
    reference = Column(String(40), nullable=False)
    filename = Column(String(80), nullable=False)
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    blob = Column(LargeBinary, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
