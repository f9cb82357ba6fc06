"""web chat family region

Revision ID: 5f9bbfa9f78a
Revises: 4971163cd4fd
Create Date: 2026-12-05 23:45:22.228772
"""

import sqlalchemy as sa
from alembic import op

revision = "5f9bbfa9f78a"
down_revision = "4971163cd4fd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_conversation_region_id_region"), "region", ["region_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_conversation_region_id_region"), type_="foreignkey")
        batch_op.drop_column("region_id")
