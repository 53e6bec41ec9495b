"""The tracker database's table of our own: each conversation's data key, wrapped.

Rasa's SQL tracker store declares and owns `events`; `conversation_keys` is ours and lives
in the same database (migration target "tracker"), on a base of its own so that it is
never mixed up with the app database's tables.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

KeyBase: Any = declarative_base()


class ConversationKeyRow(KeyBase):
    """The data key of one conversation, wrapped by the master key."""

    __tablename__ = "conversation_keys"

    sender_hash = sa.Column(sa.String(64), primary_key=True)  # = events.sender_id
    key_version = sa.Column(sa.String(20), nullable=False)
    wrapped_key = sa.Column(sa.LargeBinary, nullable=False)
    # The real sender id, AES-GCM under this conversation's data key (for `keys()`).
    sealed_sender = sa.Column(sa.LargeBinary, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
