"""review_account_seals: an HMAC under the review app key over each account's security fields.

Accounts that exist before this revision have no seal and are refused until an admin runs
`python -m bot.review.accounts reset-password NAME` (README, review app step 3).

Revision ID: app_0004
Revises: app_0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "app_0004"
down_revision = "app_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_account_seals",
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )


def downgrade() -> None:
    op.drop_table("review_account_seals")
