"""No log line quotes a family's words: PostgreSQL's DETAIL line is hidden from every record."""

import logging

import psycopg
import pytest

from tests.support import databases
from webhooks.core import logs

WORDS = "孩子叫小明，住在一村三组"


@pytest.fixture
def hidden():
    before = logging.getLogRecordFactory()
    logs.hide_details()
    yield
    logging.setLogRecordFactory(before)


def failing_row_error() -> psycopg.Error:
    """A real PostgreSQL error whose DETAIL quotes the row, as a NOT NULL or CHECK one does."""
    if not databases.postgres_available():
        pytest.skip("needs PostgreSQL")
    with psycopg.connect(databases.POSTGRES_ADMIN) as connection:
        connection.execute("CREATE TEMP TABLE said (body text CHECK (length(body) < 3))")
        try:
            connection.execute("INSERT INTO said VALUES (%s)", (WORDS,))
        except psycopg.Error as error:
            return error
    raise AssertionError("the insert should have failed")


def test_a_database_error_logged_with_its_traceback_hides_the_row(hidden, caplog):
    error = failing_row_error()
    assert "小明" in str(error)  # what PostgreSQL says
    try:
        raise error
    except psycopg.Error:
        logging.getLogger("webhooks.test").exception("storing a message failed")
    assert "小明" not in caplog.text and logs.HIDDEN in caplog.text
    assert "violates check constraint" in caplog.text  # the error itself is still told


def test_a_database_error_logged_as_a_value_hides_the_row(hidden, caplog):
    logging.getLogger("huey").warning("task failed: %s", failing_row_error())
    assert "小明" not in caplog.text and logs.HIDDEN in caplog.text


def test_ordinary_log_lines_are_left_as_they_are(hidden, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("webhooks.test").info("sweep: %d conversations waiting", 3)
    assert "sweep: 3 conversations waiting" in caplog.text
