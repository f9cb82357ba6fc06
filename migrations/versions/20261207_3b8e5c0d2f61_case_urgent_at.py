"""case urgent_at

Revision ID: 3b8e5c0d2f61
Revises: 9d2e0b7a1c44
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "3b8e5c0d2f61"
down_revision = "9d2e0b7a1c44"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    # An urgent case made urgent after it opened: from its last "urgent" event, so it is not
    # overdue at the first run after the upgrade; the others' deadline runs from opened_at.
    op.execute(
        "UPDATE support_case SET urgent_at = (SELECT max(case_event.at) FROM case_event"
        " WHERE case_event.case_id = support_case.id AND case_event.kind = 'urgent')"
        " WHERE priority = 'urgent'"
    )


def downgrade() -> None:
    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_column("urgent_at")
