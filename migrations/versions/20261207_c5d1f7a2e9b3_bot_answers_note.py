"""the note on a case the bot keeps answering: answering, not screening for aid

Revision ID: c5d1f7a2e9b3
Revises: 8a41d6e0c5b2
Create Date: 2026-12-07 17:30:00

The note lives in the case's summary and is taken off when a worker replies or the bot goes
quiet (webhooks/casework/cases.py), by its words: a case open at the upgrade with the old words
would keep them, and a later concern would add the new ones beside them.
"""

import sqlalchemy as sa
from alembic import op

revision = "c5d1f7a2e9b3"
down_revision = "8a41d6e0c5b2"
branch_labels = None
depends_on = None

OLD = (
    "机器人继续帮家庭查补助，您一回复就由您接手。"
    " The bot keeps screening the family for aid until you reply."
)
NEW = "机器人继续回复家庭，您一回复就由您接手。 The bot keeps answering the family until you reply."


def _replace(before: str, after: str) -> None:
    op.get_bind().execute(
        sa.text("UPDATE support_case SET summary = replace(summary, :before, :after)"),
        {"before": before, "after": after},
    )


def upgrade() -> None:
    _replace(OLD, NEW)


def downgrade() -> None:
    _replace(NEW, OLD)
