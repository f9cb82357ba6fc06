"""region aliases, place question

Revision ID: 4971163cd4fd
Revises: 228d755dc946
Create Date: 2026-12-05 23:31:12.122404
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "4971163cd4fd"
down_revision = "228d755dc946"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("place_asked_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("place_choices", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("place_answered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_column("aliases")

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("place_answered")
        batch_op.drop_column("place_choices")
        batch_op.drop_column("place_asked_at")
