"""conversation line, gateway lines

Revision ID: 0c47c9b91cea
Revises: 7c31d2a9e4b5
Create Date: 2026-12-06 04:59:42.642958
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "0c47c9b91cea"
down_revision = "7c31d2a9e4b5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_line",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_event", sa.String(length=32), nullable=False),
        sa.Column("health", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_gateway_line")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("line")
    op.drop_table("gateway_line")
