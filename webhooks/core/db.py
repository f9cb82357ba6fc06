"""The database: declarative base, the engine and the one session factory every process uses."""

from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

Session = sessionmaker(expire_on_commit=False)

# What SQLAlchemy raises when it cannot reach the database (refused, reset, timed out).
DATABASE_DOWN = (OperationalError, InterfaceError)


class Base(DeclarativeBase):
    # Named constraints, so migrations can drop and alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def outside_transaction() -> Connection:
    """A connection whose statements each stand alone: no BEGIN and COMMIT or ROLLBACK round
    trips around them. The pool restores the usual level when it is closed. A queue job's
    locks and reads share one: a pool checkout (and its ping) for the whole job."""
    return Session.kw["bind"].connect().execution_options(isolation_level="AUTOCOMMIT")


def init_engine(url: str) -> Engine:
    """Create the engine for this process and bind the session factory to it."""
    # Errors never carry a statement's parameters (a family's words, a note) into the logs.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
        )
        event.listen(engine, "connect", _postgres_keepalives)
    Session.configure(bind=engine)
    return engine


def _postgres_keepalives(dbapi_connection, _record) -> None:
    # The server notices within a minute a client whose machine vanished without closing its
    # connections, and ends their sessions: the advisory locks they hold (webhooks.jobs.leases) too.
    dbapi_connection.execute(
        "SELECT set_config('tcp_keepalives_idle', '30', false),"
        " set_config('tcp_keepalives_interval', '10', false),"
        " set_config('tcp_keepalives_count', '3', false)"
    )
    dbapi_connection.commit()  # a setting made in a transaction rolled back later is undone


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web process write while the worker reads; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
