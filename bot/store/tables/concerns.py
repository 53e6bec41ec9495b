"""Schools, staff and their roles, concerns to the DSL, their events, alerts and audit."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    String,
)

from bot.store.tables.base import Base, utcnow


class OrgRow(Base):
    """A school or college. Its name is public information (no personal data)."""

    __tablename__ = "concern_orgs"

    id = Column(String(40), primary_key=True)
    name = Column(String(120), nullable=False)
    area = Column(String(40), nullable=False)
    #: Days a concern is kept after its last step (None: PREVENT_CONCERN_RETENTION_DAYS).
    retention_days = Column(Integer, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffInviteRow(Base):
    """The school and role an invite code enrols its holder with."""

    __tablename__ = "concern_staff_invites"

    code_hash = Column(String(64), primary_key=True)  # InviteRow.code_hash
    org_id = Column(String(40), nullable=False)
    role = Column(String(10), nullable=False)


class StaffRow(Base):
    __tablename__ = "concern_staff"

    id = Column(Integer, primary_key=True, autoincrement=True)
    staff_hash = Column(String(64), nullable=False, unique=True)  # owner_hash "<channel>:<id>"
    org_id = Column(String(40), nullable=False, index=True)
    role = Column(String(10), nullable=False)
    channel = Column(String(20), nullable=False, default="")
    route = Column(LargeBinary, nullable=False)  # {"sender_id", "address"} sealed
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    enrolled_at = Column(DateTime, nullable=False, default=utcnow)


class ConcernRow(Base):
    __tablename__ = "concerns"

    id = Column(String(36), primary_key=True)
    ref = Column(String(12), nullable=False, unique=True)
    org_id = Column(String(40), nullable=False, index=True)
    raised_by = Column(String(64), nullable=False, index=True)  # staff hash
    status = Column(String(10), nullable=False, default="new")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    review_due = Column(Date, nullable=True, index=True)
    review_reminded_at = Column(DateTime, nullable=True)
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    payload = Column(LargeBinary, nullable=False)  # words, when, where, triage: sealed JSON


class ConcernEventRow(Base):
    """One step of a concern's chronology (who, when, what), its details sealed."""

    __tablename__ = "concern_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    concern_id = Column(String(36), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    kind = Column(String(20), nullable=False)
    actor = Column(String(64), nullable=False)  # staff hash, or "system"
    actor_role = Column(String(10), nullable=False, default="")
    body = Column(LargeBinary, nullable=False)


class ConcernAlertRow(Base):
    """Something to tell one member of staff: pushed (Telegram, Teams) or said next visit."""

    __tablename__ = "concern_alerts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    recipient = Column(String(64), nullable=False, index=True)  # staff hash
    channel = Column(String(20), nullable=False, default="", index=True)
    concern_id = Column(String(36), nullable=False, index=True)
    kind = Column(String(12), nullable=False)
    body = Column(LargeBinary, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime, nullable=True, index=True)


class ConcernAuditRow(Base):
    """Append-only: raised, read, decided, exported, deleted, purged. No content."""

    __tablename__ = "concern_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    ref = Column(String(12), nullable=False, index=True)
    org_id = Column(String(40), nullable=False)
    action = Column(String(20), nullable=False)
    actor = Column(String(64), nullable=False)
    detail = Column(String(120), nullable=False, default="")  # e.g. "retention 2555 days"
