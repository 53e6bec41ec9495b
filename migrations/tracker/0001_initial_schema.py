"""The tracker database as it was before migrations: Rasa's events, our conversation keys.

Revision ID: tracker_0001
Revises:
Create Date: 2026-12-01

`events` is Rasa's `SQLTrackerStore` table, as Rasa 3.6 creates it (Rasa still runs its
own `create_all` at start-up, a no-op once this has run); `conversation_keys` belongs to
`bot.rasa_ext.tracker_store`. Whatever exists already is kept as it is.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.migration_ops import create_table_if_missing

revision = "tracker_0001"
down_revision = None
branch_labels = ("tracker",)
depends_on = None


def upgrade() -> None:
    create_table_if_missing(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("type_name", sa.String(length=255), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=True),
        sa.Column("intent_name", sa.String(length=255), nullable=True),
        sa.Column("action_name", sa.String(length=255), nullable=True),
        sa.Column("data", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("sender_id",)],
    )
    create_table_if_missing(
        "conversation_keys",
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("key_version", sa.String(length=20), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_sender", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sender_hash"),
    )


def downgrade() -> None:
    raise NotImplementedError("The first revision is not undone: restore a backup instead.")
