"""A throwaway database per test session: PostgreSQL when it is reachable, else SQLite."""

import os
import tempfile
import uuid
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
from sqlalchemy import create_engine

from webhooks.core.db import Session

POSTGRES_ADMIN = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@cache
def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="helpline-test-"))


def postgres_available() -> bool:
    if os.environ.get("TEST_DATABASE") == "sqlite":
        return False
    try:
        psycopg.connect(POSTGRES_ADMIN, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def create(name: str = "helpline"):
    """(url, drop): a new empty database and how to remove it."""
    if not postgres_available():
        path = scratch_dir() / f"{name}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    name = f"{name}_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN.rsplit("/", 1)[0]

    def drop():
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}", drop


def migrated(name: str = "helpline"):
    """(url, drop): a new database migrated with Alembic like production's."""
    from alembic import command

    from webhooks.cli import alembic_config

    url, drop = create(name)
    command.upgrade(alembic_config(url), "head")
    return url, drop


@contextmanager
def unreachable():
    """In this process, the app's database is one nobody answers at (the discard port) for the
    block: what the app sees when its database is down, from the real driver."""
    bound = Session.kw["bind"]
    nobody = create_engine("postgresql+psycopg://127.0.0.1:9/helpline?connect_timeout=2")
    Session.configure(bind=nobody)
    try:
        yield
    finally:
        Session.configure(bind=bound)
        nobody.dispose()
