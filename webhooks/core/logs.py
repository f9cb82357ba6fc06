"""Log lines never carry a family's words. SQL parameters are kept out by the engine
(`hide_parameters`); PostgreSQL's DETAIL line, which can quote a failing row's values ("Failing
row contains (..., 孩子叫小明, ...)"), is cut from every log record here, whichever logger or
handler (the app's, gunicorn's, huey's) writes it."""

import logging
import re

DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)
HIDDEN = "DETAIL: (hidden: it may quote a family's words)"

_make_record = logging.getLogRecordFactory()


def _hidden(text: str) -> str:
    return DETAIL.sub(HIDDEN, text) if "DETAIL:" in text else text


def _record(*args, **kwargs) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    if record.exc_info and record.exc_info[1] is not None:
        # Formatted now, once: handlers reuse exc_text rather than format the exception again.
        record.exc_text = _hidden(logging.Formatter().formatException(record.exc_info))
    values = record.args if isinstance(record.args, tuple) else ()
    if isinstance(record.msg, BaseException) or any(isinstance(v, BaseException) for v in values):
        record.msg, record.args = _hidden(record.getMessage()), None
    return record


def hide_details() -> None:
    """Install the record factory in this process (idempotent)."""
    if logging.getLogRecordFactory() is not _record:
        logging.setLogRecordFactory(_record)


FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def show_app_lines() -> None:
    """The app's own lines (INFO and up: a case opened, the sweep, a text waiting its turn) on
    stderr in a process whose logging the app did not set up: huey's consumer sets up only
    huey's logger, so without this they were lost."""
    app = logging.getLogger("webhooks")
    if not app.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        app.addHandler(handler)
    app.setLevel(logging.INFO)
    app.propagate = False  # huey's consumer may give the root a handler too: one line each
