"""One-time invite codes and enrolled members (keyed hashes only)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
)

from bot.store.tables.base import Base, utcnow


class InviteRow(Base):
    __tablename__ = "invites"

    id = Column(Integer, primary_key=True, autoincrement=True)
    code_hash = Column(String(64), unique=True, nullable=False)
    channel = Column(String(20), nullable=False)
    label = Column(String(120), nullable=False, default="")  # e.g. school and role, no name
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)


class MemberRow(Base):
    __tablename__ = "members"

    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(20), nullable=False)
    member_hash = Column(String(64), nullable=False, index=True)
    label = Column(String(120), nullable=False, default="")
    enrolled_at = Column(DateTime, nullable=False, default=utcnow)
