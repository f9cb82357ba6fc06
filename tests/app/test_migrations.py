"""Schema changes only through Alembic: the revisions build the models' schema and undo it."""

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.orm import Session

from tests.support import databases
from webhooks.cli import alembic_config
from webhooks.core.db import Base, UTCDateTime
from webhooks.core.models import Case


def test_revisions_match_the_models_and_downgrade_cleanly():
    url, drop = databases.create(name="migrations")
    try:
        config = alembic_config(url)
        command.upgrade(config, "head")
        engine = create_engine(url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        engine.dispose()
    finally:
        drop()


def test_a_case_made_urgent_before_the_upgrade_keeps_its_urgent_deadline():
    """urgent_at is filled from the case's last "urgent" event: a case opened days ago and made
    urgent an hour ago is not overdue from its opening at the first run after the upgrade."""
    url, drop = databases.create(name="migrations")
    engine = create_engine(url)
    opened, made_urgent = datetime(2026, 12, 1, 8, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC)
    try:
        config = alembic_config(url)
        command.upgrade(config, "9d2e0b7a1c44")
        at = {name: bindparam(name, type_=UTCDateTime()) for name in ("opened", "made_urgent")}
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO conversation (id, channel, mode, pseudonym, language,"
                    " place_answered, created_at, last_activity_at)"
                    " VALUES (1, 'sms', 'human', 'p1', 'zh', false, :opened, :opened)"
                ).bindparams(at["opened"]),
                {"opened": opened},
            )
            connection.execute(
                text(
                    "INSERT INTO support_case (id, conversation_id, status, reason, priority,"
                    " summary, facts, programmes, opened_at)"
                    " VALUES (1, 1, 'open', 'requested', 'urgent', '', '{}', '[]', :opened)"
                ).bindparams(at["opened"]),
                {"opened": opened},
            )
            for when in ("opened", "made_urgent"):
                kind = "opened" if when == "opened" else "urgent"
                connection.execute(
                    text(
                        "INSERT INTO case_event (case_id, at, kind, body, detail)"
                        f" VALUES (1, :{when}, '{kind}', '', '{{}}')"
                    ).bindparams(at[when]),
                    {when: {"opened": opened, "made_urgent": made_urgent}[when]},
                )
        command.upgrade(config, "head")
        with Session(engine) as session:
            assert session.get(Case, 1).urgent_at == made_urgent
    finally:
        engine.dispose()
        drop()
