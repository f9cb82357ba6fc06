"""/healthz, /readyz and /metrics: in the app, and across gunicorn and huey processes."""

import re

import pytest
import requests

from tests.app.test_live_channel import answered
from tests.app.test_rasa_replicas import FakeReplica
from tests.support.live import LiveApp
from tests.support.settings import SETTINGS
from tests.support.waiting import eventually
from webhooks import create_app
from webhooks.core.rasa import BotReply


def sample(exposition: str, name: str, **labels) -> float:
    """One sample's value from Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", exposition, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_healthz_answers_while_nothing_else_does(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_says_which_part_is_missing(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": True, "queue": True, "rasa": False}


def test_readyz_is_ready_when_one_rasa_replica_answers(database_url):
    up = FakeReplica("up")
    try:
        app = create_app(
            {**SETTINGS, "DATABASE_URL": database_url, "RASA_URLS": f"http://127.0.0.1:9,{up.url}"}
        )
        response = app.test_client().get("/readyz")
    finally:
        up.stop()
    assert response.status_code == 200
    assert response.json["ready"] is True
    assert response.json["rasa_replicas"] == {"http://127.0.0.1:9": False, up.url: True}


class HandingOverRasa:
    """Greets, and hands the family to a worker when they ask for a person."""

    def send(self, sender, text, metadata):
        if "找人" in text:
            handoff = {"reason": "requested", "priority": "normal", "summary": ""}
            return BotReply(texts=["好的，已经转给儿童主任。"], payloads=[{"handoff": handoff}])
        return BotReply(texts=["您好，这里是儿童福利热线。"])


def test_metrics_count_messages_turns_and_open_cases(app, client, sms):
    app.extensions["helpline"].rasa = HandingOverRasa()
    before = client.get("/metrics").text
    sms.text("+8613911112222", "你好")
    sms.text("+8613911112222", "找人")
    after = client.get("/metrics").text

    def grew(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("helpline_messages_in_total", author="family") == 2
    assert grew("helpline_messages_out_total", status="sent") == 2
    assert grew("helpline_turn_seconds_count") == 2
    assert sample(after, "helpline_open_cases", priority="normal") == 1
    assert 'helpline_queue_depth{state="ready"}' in after
    assert sample(after, "helpline_spool_waiting") == 0


def test_metrics_ask_for_the_token_when_one_is_set(database_url):
    app = create_app({**SETTINGS, "DATABASE_URL": database_url, "METRICS_TOKEN": "s3cret"})
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and "helpline_open_cases" in ok.text


@pytest.mark.stack
def test_metrics_add_up_every_process_on_the_machine(
    tmp_path, database_url, rasa_stack, redis_url, live_app
):
    """Texts come in through gunicorn and are answered by a huey consumer: one scrape shows both."""
    live = LiveApp(tmp_path, database_url, rasa_stack.rasa_url, redis_url)
    live.env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    live.start(consumers=1)
    try:
        phone = "+8613911113333"
        for body in ("你好", "hello", "你好"):
            assert live.text(phone, body).status_code == 200
        eventually(answered(live_app, phone, 3), 60, "three answers")
        scraped = [requests.get(live.url + "/metrics", timeout=10).text for _ in range(4)]
    finally:
        live.stop()
    for exposition in scraped:  # whichever gunicorn worker answers the scrape
        assert sample(exposition, "helpline_messages_in_total", author="family") == 3
        assert sample(exposition, "helpline_messages_out_total", status="sent") == 3
        assert sample(exposition, "helpline_turn_seconds_count") == 3
