"""Fixtures for the app: a test database (PostgreSQL when reachable, else SQLite), the Flask
app and client, a signed-SMS helper, and the real Rasa stack started once per session."""

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.support import databases
from tests.support.android import GatewayPhone, gateways_file
from tests.support.doubles import FakeGateway
from tests.support.live import LiveApp
from tests.support.settings import SETTINGS, app_settings
from tests.support.stack import RasaStack
from tests.support.twilio import TwilioSender
from tests.support.waiting import eventually
from webhooks import create_app, services
from webhooks.core.db import Base, Session
from webhooks.jobs.tasks import huey

UNREACHABLE_RASA = "http://127.0.0.1:9"  # the discard port: nothing answers


@pytest.fixture(scope="session")
def database_url():
    """One database for the session, migrated with Alembic like production."""
    url, drop = databases.migrated()
    yield url
    drop()


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory):
    """The real Rasa server and action server, started once and shared by every test."""
    stack = RasaStack(tmp_path_factory.mktemp("rasa-logs"))
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def redis_url():
    """Redis for the queue when it is reachable (as in production), else the SQLite queue."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if os.environ.get("TEST_DATABASE") == "sqlite":
        return ""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return ""
    return url


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, database_url, rasa_stack, redis_url):
    """gunicorn and two huey consumers against the session database and the real Rasa."""
    live = LiveApp(tmp_path_factory.mktemp("live"), database_url, rasa_stack.rasa_url, redis_url)
    try:
        live.start(consumers=2)
        # The tests read what the processes stored through the same database and keys.
        live.services = services.configure(
            app_settings(DATABASE_URL=database_url, RASA_URL=rasa_stack.rasa_url)
        )
        yield live
    finally:
        live.stop()


@pytest.fixture(autouse=True)
def _empty_tables_after_live_tests(request):
    """Live tests leave what the processes stored; the next test starts from empty tables."""
    yield
    if "live_app" in request.fixturenames:
        url = request.getfixturevalue("database_url")
        # A consumer may still be finishing the test's last job (a delivery attempt for a text
        # just sent): a delete that meets its insert is tried again once the job has committed.
        eventually(lambda: empty_tables_unless_busy(url), 30, "the live processes to settle")


def make_app(database_url, rasa_url, **settings):
    app = create_app({**SETTINGS, "DATABASE_URL": database_url, "RASA_URL": rasa_url, **settings})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def app(database_url):
    """The app with jobs run at once, in the request, and a Rasa that never answers."""
    yield from app_with(database_url, UNREACHABLE_RASA)


@pytest.fixture
def bot_app(database_url, rasa_stack):
    """The app talking to the real Rasa; jobs run at once, in the request."""
    yield from app_with(database_url, rasa_stack.rasa_url)


def app_with(database_url, rasa_url, **settings):
    huey.immediate = True
    app = make_app(database_url, rasa_url, **settings)
    yield app
    huey.immediate = False
    Session.kw["bind"].dispose()  # each test's app has its own engine: close its connections
    empty_tables(database_url)


def empty_tables(url):
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(text(f'DELETE FROM "{table.name}"'))
    finally:
        engine.dispose()


def empty_tables_unless_busy(url) -> bool:
    """Empty the tables; False (nothing deleted) when a live process wrote a row meanwhile."""
    try:
        empty_tables(url)
    except IntegrityError:
        return False
    return True


@pytest.fixture
def gateways():
    """Two Android phones' gateway APIs (lines t1 and t2) on local ports."""
    started = {"t1": FakeGateway(), "t2": FakeGateway()}
    yield started
    for gateway in started.values():
        gateway.stop()


@pytest.fixture
def android_app(database_url, gateways, tmp_path):
    """The app texting through the two gateways (t1 first); jobs run at once, Rasa never
    answers."""
    spec = gateways_file(tmp_path, gateways)
    yield from app_with(
        database_url,
        UNREACHABLE_RASA,
        SMS_PROVIDER="android-gateway",
        ANDROID_GATEWAYS=str(spec),
    )


@pytest.fixture
def phones(android_app):
    """The two lines' phones, posting signed webhooks to the app."""
    return {line: GatewayPhone(android_app, line) for line in ("t1", "t2")}


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sms(app):
    """Send signed SMS to the app the way Twilio does."""
    return TwilioSender(app)


@pytest.fixture
def bot_sms(bot_app):
    return TwilioSender(bot_app)


# --- Worker inbox (issue #6): regions and workers, signed-in clients, the real bot. ----------
# Helpers live in tests/support/inbox_helpers.py.


@pytest.fixture
def area(app):
    """The inbox tests' regions and workers (see inbox_helpers)."""
    from tests.support.inbox_helpers import seed_area

    return seed_area(app)


@pytest.fixture
def signed_in(app, area):
    """signed_in("wang"): a client signed in as that worker, sending CSRF tokens with forms."""
    from tests.support.inbox_helpers import StaffClient

    return lambda username: StaffClient(app, username)


@pytest.fixture
def bot(app, rasa_stack):
    """The app's turns answered by the real Rasa server and action server (tests marked stack)."""
    from webhooks.core.rasa import RasaClient

    services = app.extensions["helpline"]
    services.rasa = RasaClient(rasa_stack.rasa_url, services.settings.RASA_TIMEOUT_SECONDS)
    return services.rasa


@pytest.fixture
def classifier_says(monkeypatch):
    """classifier_says(DISTRESS): the danger classifier's estimate from now on (tests.support
    .classifier); the rules still run first."""
    from tests.support.classifier import FixedModel

    def say(probability):
        monkeypatch.setattr("webhooks.safety.screen.default_model", lambda: FixedModel(probability))

    return say
