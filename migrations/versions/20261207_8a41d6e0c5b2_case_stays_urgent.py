"""case stays_urgent

Revision ID: 8a41d6e0c5b2
Revises: 3b8e5c0d2f61
Create Date: 2026-12-07 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8a41d6e0c5b2"
down_revision = "3b8e5c0d2f61"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stays_urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_column("stays_urgent")
