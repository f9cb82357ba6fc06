"""worker texts stopped

Revision ID: 7c31d2a9e4b5
Revises: 5f9bbfa9f78a
Create Date: 2026-12-06 02:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7c31d2a9e4b5"
down_revision = "5f9bbfa9f78a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("texts_stopped", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("texts_stopped")
