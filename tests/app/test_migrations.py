"""Schema changes only through Alembic: the revisions build the models' schema and undo it."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests.support import databases
from webhooks.cli import alembic_config
from webhooks.core.db import Base


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
