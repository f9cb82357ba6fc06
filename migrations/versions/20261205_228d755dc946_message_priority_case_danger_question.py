"""message priority, case danger question

Revision ID: 228d755dc946
Revises: f0726df1cfe1
Create Date: 2026-12-05 22:42:39.658432
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "228d755dc946"
down_revision = "f0726df1cfe1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "danger_question_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_column("danger_question_at")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("priority")
