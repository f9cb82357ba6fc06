"""Alembic environment: the app's models and the DATABASE_URL of the settings."""

from alembic import context
from sqlalchemy import create_engine

from webhooks.core import models  # noqa: F401  (registers the tables)
from webhooks.core.config import Settings
from webhooks.core.db import Base

config = context.config
url = config.attributes.get("database_url") or Settings.from_env().DATABASE_URL


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = create_engine(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
