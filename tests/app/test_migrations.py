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
from webhooks.core.texts import both


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
            _a_case(connection, opened, priority="urgent")
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


def test_a_case_open_at_the_upgrade_says_the_bot_keeps_answering_in_the_new_words():
    """The note is taken off by its words when a worker replies: the old words would stay."""
    url, drop = databases.create(name="migrations")
    engine = create_engine(url)
    old = (
        "机器人继续帮家庭查补助，您一回复就由您接手。"
        " The bot keeps screening the family for aid until you reply."
    )
    try:
        config = alembic_config(url)
        command.upgrade(config, "8a41d6e0c5b2")
        with engine.begin() as connection:
            _a_case(connection, datetime(2026, 12, 7, 8, tzinfo=UTC), summary=f"“孩子天天哭” {old}")
        command.upgrade(config, "head")
        with Session(engine) as session:
            summary = session.get(Case, 1).summary
        assert summary == "“孩子天天哭” " + both("case_summary_bot_answers")
        command.downgrade(config, "8a41d6e0c5b2")
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT summary FROM support_case")) == f"“孩子天天哭” {old}"
            )
    finally:
        engine.dispose()
        drop()


def _a_case(connection, opened: datetime, priority: str = "normal", summary: str = "") -> None:
    """Case 1 of conversation 1, opened at `opened`, written as the revisions left it."""
    at = bindparam("opened", type_=UTCDateTime())
    connection.execute(
        text(
            "INSERT INTO conversation (id, channel, mode, pseudonym, language,"
            " place_answered, created_at, last_activity_at)"
            " VALUES (1, 'sms', 'human', 'p1', 'zh', false, :opened, :opened)"
        ).bindparams(at),
        {"opened": opened},
    )
    connection.execute(
        text(
            "INSERT INTO support_case (id, conversation_id, status, reason, priority,"
            " summary, facts, programmes, opened_at)"
            " VALUES (1, 1, 'open', 'requested', :priority, :summary, '{}', '[]', :opened)"
        ).bindparams(at),
        {"opened": opened, "priority": priority, "summary": summary},
    )
