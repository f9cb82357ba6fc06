"""Several Rasa replicas: each conversation keeps to one while it is up and moves when it is not.

Small HTTP servers stand in for replicas where only the routing is at stake; the last test
runs real replicas on the production stores (PostgreSQL trackers, Redis locks).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest

from tests.support import replicas as shared
from tests.support.settings import app_settings
from tests.support.stack import free_port
from webhooks.core.rasa import RasaClient, RasaUnavailable


class FakeReplica:
    """Answers Rasa's REST channel with its own name and remembers who asked."""

    def __init__(self, name: str, behaviour: str = "answer", port: int | None = None):
        self.name, self.behaviour = name, behaviour
        self.port = port or free_port()
        self.senders: list[str] = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # Rasa's "/" says hello
                body = b"Hello from a stand-in Rasa"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                replica.senders.append(request["sender"])
                if replica.behaviour == "die":  # gone before answering, as under kill -9
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if replica.behaviour == "slow":
                    time.sleep(1)
                body = json.dumps([{"text": replica.name}]).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fakes():
    started = [FakeReplica(name) for name in ("a", "b", "c")]
    yield started
    for replica in started:
        replica.stop()


def answerer(client: RasaClient, sender: str) -> str:
    return client.send(sender, "hello", {}).texts[0]


def test_each_conversation_keeps_to_one_replica_and_they_share_the_load(fakes):
    client = RasaClient([f.url for f in fakes], timeout=5)
    # The replicas' ports are random, so their shares are too: 300 conversations make a share
    # under 60 a five-sigma event (one run in millions) rather than one run in hundreds.
    senders = [f"conversation-{n}" for n in range(300)]
    first = {sender: answerer(client, sender) for sender in senders}
    again = {sender: answerer(client, sender) for sender in senders}
    assert again == first
    shares = sorted(list(first.values()).count(name) for name in "abc")
    assert shares[0] >= 60  # each of three replicas gets a fair part of three hundred


def test_a_stopped_replicas_conversations_move_and_come_back(fakes):
    client = RasaClient([f.url for f in fakes], timeout=5, down_seconds=0)
    senders = [f"conversation-{n}" for n in range(30)]
    first = {sender: answerer(client, sender) for sender in senders}
    fakes[0].stop()
    during = {sender: answerer(client, sender) for sender in senders}
    assert "a" not in during.values()
    # Only the stopped replica's conversations moved.
    assert {s: r for s, r in during.items() if first[s] != "a"} == {
        s: r for s, r in first.items() if r != "a"
    }
    fakes[0] = FakeReplica("a", port=fakes[0].port)
    assert {sender: answerer(client, sender) for sender in senders} == first


def test_a_replica_that_dies_mid_answer_is_replaced_by_the_next(fakes):
    client = RasaClient([f.url for f in fakes], timeout=5)
    sender = "conversation-x"
    name = answerer(client, sender)
    dying = next(f for f in fakes if f.name == name)
    dying.behaviour = "die"
    replacement = answerer(client, sender)
    assert replacement != dying.name
    assert dying.senders == [sender, sender]  # asked once before it died, once as it died
    assert answerer(client, sender) == replacement  # not asked again while marked down


def test_a_slow_replica_is_not_asked_to_answer_twice(fakes):
    client = RasaClient([f.url for f in fakes], timeout=0.3)
    sender = "conversation-y"
    name = answerer(client, sender)
    slow = next(f for f in fakes if f.name == name)
    slow.behaviour = "slow"
    with pytest.raises(RasaUnavailable):
        client.send(sender, "hello", {})
    others = [f for f in fakes if f is not slow]
    assert all(sender not in f.senders for f in others)  # the turn is retried, not doubled


def test_no_replica_up_means_rasa_unavailable(fakes):
    client = RasaClient([f.url for f in fakes], timeout=5)
    for replica in fakes:
        replica.stop()
    with pytest.raises(RasaUnavailable):
        client.send("conversation-z", "hello", {})
    assert client.reachable() == {f.url: False for f in fakes}
    fakes[:] = []


@pytest.mark.parametrize(
    ("settings", "urls"),
    [
        ({"RASA_URL": "http://rasa:5005/"}, ["http://rasa:5005"]),
        (
            {"RASA_URL": "http://rasa:5005", "RASA_URLS": "http://r1:5005, http://r2:5005/"},
            ["http://r1:5005", "http://r2:5005"],
        ),
    ],
)
def test_rasa_urls_falls_back_to_rasa_url(monkeypatch, settings, urls):
    monkeypatch.delenv("RASA_URLS", raising=False)
    assert app_settings(**settings).rasa_urls == urls


@pytest.fixture
def pair(request, rasa_stack, redis_url, tmp_path_factory):
    return shared.shared_pair(request.config, tmp_path_factory, rasa_stack, redis_url)


@pytest.mark.stack
def test_a_conversation_carries_on_on_another_replica(pair):
    """Trackers in PostgreSQL: the replica that takes over carries on the same conversation."""
    if not pair.shares_trackers:
        pytest.skip("trackers are shared only through PostgreSQL")
    client = RasaClient(pair.urls, timeout=30)
    sender = f"carried-{time.time_ns()}"
    client.send(sender, "你好", {"language": "zh"})
    pair.kill(pair.urls.index(client.replicas_for(sender)[0]))  # revived by its next user
    assert client.send(sender, "hello", {"language": "en"}).texts
    with psycopg.connect(pair.env["RASA_TRACKER_STORE_URL"]) as tracker_store:
        events = tracker_store.execute(
            "SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,)
        ).fetchall()
    said = [json.loads(data)["text"] for kind, data in events if kind == "user"]
    assert said == ["你好", "hello"]
    # The survivor went on with the stored conversation instead of starting a new one.
    assert [kind for kind, _ in events].count("session_started") == 1


@pytest.mark.stack
def test_a_turn_sent_again_is_answered_as_before_not_processed_twice(pair):
    """The app's job died after Rasa answered and before the answer was stored: the sweep
    sends the same message again. A screening answer must not be applied a second time."""
    client = RasaClient(pair.urls, timeout=30)
    sender = f"retried-{time.time_ns()}"

    def turn(text, message_id):
        return client.send(sender, text, {"language": "zh", "message_id": message_id})

    turn("孩子他爸坐牢了，能领什么补助", "m1")
    first = turn("7岁", "m2")
    again = turn("7岁", "m2")
    assert again.texts == first.texts and again.payloads == first.payloads
    assert turn("不知道", "m3").texts != first.texts  # the conversation goes on from there
    if pair.shares_trackers:
        with psycopg.connect(pair.env["RASA_TRACKER_STORE_URL"]) as tracker_store:
            said = tracker_store.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user'", (sender,)
            ).fetchall()
        assert [json.loads(data)["message_id"] for (data,) in said] == ["m1", "m2", "m3"]
