"""conversation bot_asked, bot_asked_at: the screening question the bot's last turn asked, and when

Revision ID: d7a3c9e1f5b8
Revises: c5d1f7a2e9b3
Create Date: 2026-12-07 20:20:00

The family's next text is read as the answer to it (webhooks/messaging/inbound.py). Empty for
every conversation at the upgrade: the next turn that asks sets them.
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "d7a3c9e1f5b8"
down_revision = "c5d1f7a2e9b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bot_asked", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("bot_asked_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("bot_asked_at")
        batch_op.drop_column("bot_asked")
