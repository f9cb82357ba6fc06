"""voice calls

Revision ID: 9d2e0b7a1c44
Revises: 0c47c9b91cea
Create Date: 2026-12-06 10:40:00
"""

import sqlalchemy as sa
from alembic import op

from webhooks.core.db import UTCDateTime

revision = "9d2e0b7a1c44"
down_revision = "0c47c9b91cea"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_for_person", sa.Boolean(), nullable=False),
        sa.Column("put_through", sa.Boolean(), nullable=False),
        sa.Column("voicemail", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sid"),
    )
    op.create_index("ix_call_conversation_id", "call", ["conversation_id"])
    op.create_index("ix_call_started_at", "call", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_call_started_at", table_name="call")
    op.drop_index("ix_call_conversation_id", table_name="call")
    op.drop_table("call")
