"""worker inbox: staff threads, case events, referrals, follow-ups

Revision ID: 854f56631eda
Revises: cb811df7d46a
Create Date: 2026-12-01 03:23:25.835491
"""

import sqlalchemy as sa
from alembic import op

import webhooks.core.db

revision = "854f56631eda"
down_revision = "cb811df7d46a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", webhooks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["support_case.id"], name=op.f("fk_case_event_case_id_support_case")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["worker.id"], name=op.f("fk_case_event_worker_id_worker")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("referred_by_id", sa.Integer(), nullable=True),
        sa.Column("referred_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("follow_up_sent_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["support_case.id"], name=op.f("fk_referral_case_id_support_case")
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_id"], ["worker.id"], name=op.f("fk_referral_referred_by_id_worker")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_conversation_worker_id"), ["worker_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_conversation_worker_id_worker"), "worker", ["worker_id"], ["id"]
        )

    with op.batch_alter_table("family_contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_case_id"), ["case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_message_case_id_support_case"), "support_case", ["case_id"], ["id"]
        )

    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("escalated_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "follow_up_asked_at", webhooks.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            batch_op.f("ix_support_case_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_case_region_id"), ["region_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_support_case_opened_by_id_worker"), "worker", ["opened_by_id"], ["id"]
        )

    with op.batch_alter_table("worker", schema=None) as batch_op:
        # Workers created before this revision get their alerts in Chinese.
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="zh")
        )


def downgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_column("language")

    with op.batch_alter_table("support_case", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_support_case_opened_by_id_worker"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_support_case_region_id"))
        batch_op.drop_index(batch_op.f("ix_support_case_assignee_id"))
        batch_op.drop_column("follow_up_asked_at")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("opened_by_id")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_message_case_id_support_case"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_message_case_id"))
        batch_op.drop_column("case_id")

    with op.batch_alter_table("family_contact", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_conversation_worker_id_worker"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_conversation_worker_id"), type_="unique")
        batch_op.drop_column("worker_id")

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_case_id"))

    op.drop_table("referral")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_case_id"))

    op.drop_table("case_event")
