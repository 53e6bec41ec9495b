"""Referral drafts, their notices and conversations, and news for referrers."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
)

from bot.store.tables.base import Base, utcnow


class DraftRow(Base):
    """A referral draft: metadata in plain, everything the user typed encrypted."""

    __tablename__ = "drafts"

    id = Column(String(36), primary_key=True)
    owner = Column(String(64), index=True, nullable=False)  # keyed hash of the sender id
    status = Column(String(20), nullable=False, default="draft")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    payload = Column(LargeBinary, nullable=False)  # AES-GCM of the JSON form values
    purge_warned_at = Column(DateTime, nullable=True)


class NoticeRow(Base):
    """Something to tell an owner next time they talk (e.g. a draft about to be purged)."""

    __tablename__ = "notices"

    id = Column(Integer, primary_key=True, autoincrement=True)
    owner = Column(String(64), index=True, nullable=False)
    kind = Column(String(40), nullable=False)
    draft_id = Column(String(36), nullable=True)
    due_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class DraftConversationRow(Base):
    """Draft id -> the tracker's sender hash of the conversation it was answered in.

    Drafts are owned by a hash of the channel-qualified sender id, conversations by a hash
    of Rasa's sender id; the purge worker needs to know which conversation to redact when
    it deletes a draft, and a hash cannot be turned back. Holds two keyed hashes, no ids.
    """

    __tablename__ = "draft_conversations"

    draft_id = Column(String(36), primary_key=True)
    conversation = Column(String(64), nullable=False, index=True)


class ReferralRouteRow(Base):
    """Who sent a referral, so that news about it reaches them (no content of the referral)."""

    __tablename__ = "referral_routes"

    reference = Column(String(40), primary_key=True)
    owner = Column(String(64), nullable=False, index=True)  # keyed hash of the sender id
    #: The channel's name ("telegram", "rest"...): so only news a channel can push is read.
    channel = Column(String(20), nullable=False, default="", index=True)
    route = Column(LargeBinary, nullable=False)  # {"sender_id", "address"} sealed by the key ring
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    area = Column(String(40), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ReferralUpdateRow(Base):
    __tablename__ = "referral_updates"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(40), nullable=False, index=True)
    kind = Column(String(12), nullable=False)
    body = Column(LargeBinary, nullable=False)  # JSON details, sealed with the updates key
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime, nullable=True, index=True)
