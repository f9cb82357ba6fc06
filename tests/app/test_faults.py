"""Faults during a flood of texts: processes killed with SIGKILL, Redis restarted, PostgreSQL
unreachable. After each, every text is answered exactly once, in the order the family sent.
Each runs twice: texts from Twilio, and texts from an Android gateway phone (its API a local
fake that records what it was handed: each reply must reach it once).

The app runs as in production (gunicorn, two huey consumers, two Rasa replicas on the shared
stores) and reaches PostgreSQL through a TCP proxy that a test can cut like a network link.
"""

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.support import databases
from tests.support import replicas as shared
from tests.support.android import SIGNING_KEYS, envelope, gateways_file, signed
from tests.support.doubles import FakeGateway
from tests.support.live import LiveApp
from tests.support.settings import app_settings
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import eventually
from webhooks import services
from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Lease, Message
from webhooks.jobs import leases
from webhooks.messaging import inbound, spool

FAMILIES, TEXTS = 12, 8  # a flood of 96 texts per test, posted by 8 senders at once
# Long enough that texts pile up in the spool and work in progress is cut mid-way; shorter than
# a text stays in its sender's hands (webhooks.messaging.outbound.IN_FLIGHT), so none may go twice.
OUTAGE_SECONDS = 35
# Answers wait at most for the minute sweep that restarts lost jobs, plus the turns themselves.
ANSWER_TIMEOUT = 240
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


class FaultyApp:
    """The live app, its Rasa replicas and the cuttable link to PostgreSQL; `gateway` is the
    Android phone's API when texts come from one, else they come from Twilio."""

    def __init__(self, live: LiveApp, pair, proxy: TcpProxy | None, gateway: FakeGateway | None):
        self.live, self.pair, self.proxy, self.gateway = live, pair, proxy, gateway
        self.vault = services.current().vault

    def phones(self, prefix: str) -> list[str]:
        # A gateway answers mainland mobile numbers only: eleven digits.
        if self.gateway:
            return [f"+86{prefix}9{n:06d}" for n in range(FAMILIES)]
        return [f"+86{prefix}{n:04d}" for n in range(FAMILIES)]

    def text(self, phone: str, body: str, sid: str) -> int:
        """Post as Twilio or the phone does with retries on: a refused, dropped or timed-out
        request is sent again, with the same MessageSid or event id (one the webhook stored is
        not stored twice; the phone signs each retry afresh)."""
        for _ in range(20):
            try:
                status = self._post(phone, body, sid).status_code
            except (requests.ConnectionError, requests.Timeout):
                status = None
            if status is not None and status < 500:
                return status
            time.sleep(0.2)  # the retry comes a moment later
        raise AssertionError(f"{sid} was never accepted")

    def _post(self, phone: str, body: str, sid: str) -> requests.Response:
        if self.gateway is None:
            return self.live.text(phone, body, sid=sid)
        payload = {"messageId": sid[:8], "message": body, "sender": phone, "simNumber": 1}
        data = json.dumps(envelope("sms:received", payload, sid[:40])).encode()
        url = self.live.url + "/sms/android/t1"
        return requests.post(url, data=data, headers=signed(SIGNING_KEYS["t1"], data), timeout=30)

    def flood(self, fault, prefix: str) -> list[str]:
        """Post FAMILIES x TEXTS texts; call fault() once half of them were accepted."""
        phones = self.phones(prefix)
        accepted = []
        half = threading.Event()

        def family(phone: str) -> None:
            for i in range(TEXTS):
                body = "你好" if i % 2 == 0 else "hello"
                assert self.text(phone, body, "SM" + uuid.uuid4().hex) in (200, 204)
                accepted.append(phone)
                if len(accepted) >= FAMILIES * TEXTS // 2:
                    half.set()

        with ThreadPoolExecutor(8) as pool:
            posting = [pool.submit(family, phone) for phone in phones]
            assert half.wait(120), "the flood stalled before the fault"
            fault()
            for done in posting:
                done.result()
        return phones

    def assert_each_answered_once(self, phones: list[str]) -> None:
        for phone in phones:
            thread = eventually(
                lambda phone=phone: self.answered(phone), ANSWER_TIMEOUT, f"answers to {phone}"
            )
            inbound = [m.id for m in thread if m.direction == Message.IN]
            replies = [m for m in thread if m.direction == Message.OUT and m.kind == Message.REPLY]
            assert [m.reply_to_id for m in replies] == inbound  # each once, in order
            assert ["儿童" in m.body for m in replies] == [i % 2 == 0 for i in range(TEXTS)]
            holding = [m.reply_to_id for m in thread if m.kind == Message.HOLDING]
            assert len(holding) == len(set(holding))  # at most one "please wait" per text
            if self.gateway:  # the phone was handed each text once
                handed = [words for to, words in self.gateway.texts if to == phone]
                assert handed == [m.body for m in thread if m.direction == Message.OUT]

    def answered(self, phone: str) -> list[Message] | None:
        with Session() as session:
            conversation = find_sms_conversation(session, self.vault, phone)
            if conversation is None:
                return None
            thread = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.id)
            ).all()
        inbound = [m for m in thread if m.direction == Message.IN]
        done = len(inbound) == TEXTS and all(m.status == Message.HANDLED for m in inbound)
        sent = all(m.status == Message.SENT for m in thread if m.direction == Message.OUT)
        return list(thread) if done and sent else None

    def gunicorn_workers(self) -> list[int]:
        pid = self.live.web.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]


def direct_port_url(database_url: str, port: int) -> str:
    """The same database through the proxy, with a connect timeout as production should set."""
    return database_url.replace("127.0.0.1:5432", f"127.0.0.1:{port}") + "?connect_timeout=2"


@pytest.fixture(scope="module", params=["twilio", "android-gateway"])
def faulty(request, tmp_path_factory, database_url, rasa_stack, redis_url):
    pair = shared.shared_pair(request.config, tmp_path_factory, rasa_stack, redis_url)
    # A deployment of its own: the session's live app, on the session database, would sweep up
    # this one's unsent replies after the outage and send them through its own provider.
    own_url, drop = databases.migrated("faults")
    postgres = own_url.startswith("postgresql")
    proxy = TcpProxy("127.0.0.1", 5432).start() if postgres else None
    app_url = direct_port_url(own_url, proxy.port) if proxy else own_url
    log_dir = tmp_path_factory.mktemp("faults")
    live = LiveApp(log_dir, app_url, pair.urls[0], redis_url)
    live.env.update(RASA_URLS=",".join(pair.urls), SPOOL_DIR=str(log_dir / "spool"))
    gateway = FakeGateway() if request.param == "android-gateway" else None
    if gateway:
        # The SIM's allowances are tested on their own: here the flood must not wait on them.
        spec = gateways_file(log_dir, {"t1": gateway})
        live.env.update(
            SMS_PROVIDER="android-gateway",
            ANDROID_GATEWAYS=str(spec),
            ANDROID_SEND_PER_MINUTE="100000",
            ANDROID_SEND_PER_DAY="10000000",
        )
    services.configure(app_settings(DATABASE_URL=own_url))
    try:
        live.start(consumers=2)
        yield FaultyApp(live, pair, proxy, gateway)
    finally:
        live.stop()
        if proxy:
            proxy.stop()
        if gateway:
            gateway.stop()
        services.configure(app_settings(DATABASE_URL=database_url))  # the session's again
        drop()


@pytest.mark.stack
def test_a_huey_consumer_killed_mid_flood(faulty):
    def kill_a_consumer():
        faulty.live.kill_consumer(0)
        faulty.live.start_consumer()  # as the process manager would

    faulty.assert_each_answered_once(faulty.flood(kill_a_consumer, "1371"))


@pytest.mark.stack
def test_a_rasa_replica_killed_mid_flood(faulty):
    try:
        faulty.assert_each_answered_once(faulty.flood(lambda: faulty.pair.kill(0), "1372"))
    finally:
        faulty.pair.start()


@pytest.mark.stack
def test_a_gunicorn_worker_killed_mid_flood(faulty):
    def kill_a_worker():
        os.kill(faulty.gunicorn_workers()[0], signal.SIGKILL)  # gunicorn starts another

    faulty.assert_each_answered_once(faulty.flood(kill_a_worker, "1373"))


@pytest.fixture
def restartable_redis(redis_url):
    if not redis_url:
        pytest.skip("the queue is SQLite here: no Redis to restart")
    yield
    # Whatever happened in the test, Redis is running again afterwards.
    if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode != 0:
        subprocess.run(REDIS_START, check=True)


@pytest.mark.stack
def test_redis_restarted_mid_flood(faulty, restartable_redis):
    def restart_redis():
        subprocess.run(["redis-cli", "shutdown", "nosave"], check=False)
        subprocess.run(REDIS_START, check=True)
        eventually(lambda: subprocess.run(["redis-cli", "ping"]).returncode == 0, 30, "redis")

    faulty.assert_each_answered_once(faulty.flood(restart_redis, "1374"))


@pytest.mark.stack
def test_postgresql_unreachable_for_a_while(faulty):
    """Texts are spooled on disk during the outage, then stored and answered, each once."""
    if faulty.proxy is None:
        pytest.skip("the database is a SQLite file here: there is no link to cut")
    spool_dir = Path(faulty.live.env["SPOOL_DIR"]) / "new"
    outage_over = threading.Event()

    def cut_for_a_while():
        faulty.proxy.cut()
        threading.Timer(OUTAGE_SECONDS, lambda: (faulty.proxy.restore(), outage_over.set())).start()

    try:
        phones = faulty.flood(cut_for_a_while, "1375")
        ready = requests.get(faulty.live.url + "/readyz", timeout=30)
        assert (ready.status_code, ready.json()["checks"]["database"]) == (503, False)
        assert os.listdir(spool_dir)  # the second half of the flood waits on disk
    finally:
        assert outage_over.wait(OUTAGE_SECONDS + 10)
    faulty.assert_each_answered_once(phones)
    assert os.listdir(spool_dir) == []


# The spool on its own, in this process: cheap enough to cover its corners.

LINK_DOWN = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.fixture
def no_outage():
    yield
    spool._outage.end()  # the next test finds the database reachable again


class Database:
    """A store that fails while `down`, and remembers what it stored."""

    def __init__(self):
        self.down, self.stored = False, []

    def __call__(self, _services, sms):
        if self.down:
            raise LINK_DOWN
        self.stored.append(sms.sid)


def test_spooled_texts_are_stored_in_order_once_the_database_is_back(
    app, tmp_path, monkeypatch, no_outage
):
    helpline = app.extensions["helpline"]
    monkeypatch.setattr(helpline, "settings", replace(helpline.settings, SPOOL_DIR=str(tmp_path)))
    monkeypatch.setattr(spool, "start_drainer", lambda *args: None)  # drained by hand below
    database = Database()

    def text(phone, sid):
        return spool.accept(helpline, spool.InboundSms(sid, phone, "你好"), database)

    database.down = True
    assert text("+8613700000001", "SM1") and text("+8613700000001", "SM2")
    database.down = False
    spool._outage.end()
    assert text("+8613700000001", "SM3")  # queued behind the family's spooled texts
    assert text("+8613700000002", "SM4")  # another family's goes straight in
    assert database.stored == ["SM4"]
    assert spool.drain(helpline, database) == 3
    assert database.stored == ["SM4", "SM1", "SM2", "SM3"]
    assert spool.spool_for(helpline).waiting() == []
    sealed = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"8613700000001" not in sealed  # numbers and words are encrypted on disk


def test_an_unreadable_spooled_text_is_set_aside(app, tmp_path, monkeypatch):
    helpline = app.extensions["helpline"]
    monkeypatch.setattr(helpline, "settings", replace(helpline.settings, SPOOL_DIR=str(tmp_path)))
    held = spool.spool_for(helpline)
    held.put(spool.InboundSms("SM1", "+8613700000001", "你好"), "family")
    (tmp_path / "new" / "0-damaged").write_bytes(b"not a token")
    database = Database()
    assert spool.drain(helpline, database) == 1
    assert database.stored == ["SM1"]
    assert os.listdir(tmp_path / "failed") == ["0-damaged"]


def test_the_webhook_answers_503_only_when_even_the_spool_fails(
    app, sms, tmp_path, monkeypatch, no_outage
):
    helpline = app.extensions["helpline"]
    database = Database()
    database.down = True
    monkeypatch.setattr(inbound, "receive_sms", database)
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    settings = replace(helpline.settings, SPOOL_DIR=str(not_a_directory / "spool"))
    monkeypatch.setattr(helpline, "settings", settings)
    assert sms.text("+8613700000001", "你好").status_code == 503


def test_a_lease_is_renewed_while_its_job_runs(app):
    """Short row leases (SQLite's: a killed worker's run out soon) must not run out under a
    live job."""
    with leases.row_lease("turns-test", seconds=3):
        with Session() as session:
            first = session.get(Lease, "turns-test").until

        def renewed():
            with Session() as session:
                return session.get(Lease, "turns-test").until > first

        eventually(renewed, 10, "the lease renewed")
        with pytest.raises(leases.Busy), leases.row_lease("turns-test", seconds=3):
            pass
    with Session() as session:
        assert session.get(Lease, "turns-test") is None


def test_a_held_lease_turns_other_jobs_away_until_let_go(app):
    with leases.hold("turns-test", seconds=3):
        with pytest.raises(leases.Busy), leases.hold("turns-test", seconds=3):
            pass
        with leases.hold("turns-other", seconds=3):  # another conversation's is free
            pass
    with leases.hold("turns-test", seconds=3):
        pass


def test_a_dead_holders_advisory_lock_goes_with_its_connection(app):
    engine = Session.kw["bind"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's leases are rows that run out: the test above")
    holder = psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(False))
    holder.execute("SELECT pg_advisory_lock(%s)", (leases.lock_key("turns-test"),))
    with pytest.raises(leases.Busy), leases.hold("turns-test", seconds=3):
        pass
    holder.close()  # as when its worker is killed: the server ends the session
    eventually(_lease_free("turns-test"), 10, "the dead holder's lock let go")


def _lease_free(name):
    def free():
        try:
            with leases.hold(name, seconds=3):
                return True
        except leases.Busy:
            return False

    return free
