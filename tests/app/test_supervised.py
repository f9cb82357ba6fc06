"""The supervised layout `make run-prod` starts: supervisord runs every Procfile process from the
config `make supervised-config` writes, and starts again whichever dies. Each process is killed
once (SIGKILL, as a crash or the kernel's out-of-memory killer would): the helpline takes texts
again within 30 s, and every text is answered once, in order."""

import os
import signal
import subprocess
import uuid

import pytest
import requests
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from tests.support import databases
from tests.support.settings import SETTINGS, app_settings, process_env
from tests.support.stack import ROOT, free_port, model_path
from tests.support.twilio import sms_params
from tests.support.waiting import eventually
from webhooks import services
from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Message

# The product's promise after a crash: texts are taken again within this long.
BACK_WITHIN_SECONDS = 30
# A turn waits for Rasa to load its model again, and for the minute sweep.
ANSWER_TIMEOUT = 180
PROGRAMS = ["web-1", "queue-1", "rasa-1", "actions-1"]


class Supervised:
    def __init__(self, directory, env):
        self.conf = directory / "helpline.conf"
        self.env = env
        self.url = f"http://127.0.0.1:{env['WEB_PORT']}"
        self.validator = RequestValidator(str(SETTINGS["TWILIO_AUTH_TOKEN"]))

    def ctl(self, *args: str) -> str:
        command = [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(self.conf), *args]
        return subprocess.run(command, capture_output=True, text=True, env=self.env).stdout

    def kill(self, program: str) -> int:
        pid = int(self.ctl("pid", f"helpline:{program}"))
        os.kill(pid, signal.SIGKILL)
        return pid

    def post(self, phone: str, body: str, sid: str) -> int | None:
        params = sms_params(phone, body, sid)
        url = self.url + "/sms/twilio"
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        try:
            return requests.post(url, data=params, headers=headers, timeout=15).status_code
        except requests.RequestException:
            return None

    def text(self, phone: str, body: str) -> None:
        """Post as Twilio does, again with the same MessageSid until the webhook takes it."""
        sid = "SM" + uuid.uuid4().hex
        eventually(
            lambda: self.post(phone, body, sid) in (200, 204),
            BACK_WITHIN_SECONDS,
            f"the webhook taking {body!r}",
        )


def answered(vault, phone: str, texts: int) -> list[Message] | None:
    with Session() as session:
        conversation = find_sms_conversation(session, vault, phone)
        if conversation is None:
            return None
        thread = session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        ).all()
    inbound = [m for m in thread if m.direction == Message.IN]
    replies = [m for m in thread if m.direction == Message.OUT and m.kind == Message.REPLY]
    handled = len(inbound) == texts and all(m.status == Message.HANDLED for m in inbound)
    return thread if handled and len(replies) >= texts else None


@pytest.fixture(scope="module")
def supervised(tmp_path_factory, database_url, redis_url):
    directory = tmp_path_factory.mktemp("supervised")
    own_url, drop = databases.migrated("supervised")  # a deployment of its own
    web, rasa, actions = free_port(), free_port(), free_port()
    env = process_env(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=own_url,
        REDIS_URL=redis_url,
        QUEUE_NAME=f"supervised-{uuid.uuid4().hex[:8]}",
        QUEUE_FILE=str(directory / "queue.db"),
        SPOOL_DIR=str(directory / "spool"),
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(web),
        RASA_URL=f"http://127.0.0.1:{rasa}",
        RASA_HOST="127.0.0.1",
        RASA_PORT=str(rasa),
        RASA_MODEL=str(model_path()),
        RASA_TELEMETRY_ENABLED="false",
        ACTION_PORT=str(actions),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions}/webhook",
        QUEUE_CONSUMERS="1",
        RASA_REPLICAS="1",
    )
    subprocess.run(
        ["make", "-s", "supervised-config", f"SUPERVISOR_DIR={directory}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    supervisord = subprocess.Popen(
        [str(ROOT / ".venv/bin/supervisord"), "--nodaemon", "-c", str(directory / "helpline.conf")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack = Supervised(directory, env)
    services.configure(app_settings(DATABASE_URL=own_url))
    try:
        eventually(lambda: stack.post("+8613799999999", "你好", "SMwarmup") == 200, 120, "web")
        yield stack
    finally:
        supervisord.send_signal(signal.SIGTERM)  # stops every process it runs
        supervisord.wait(timeout=60)
        services.configure(app_settings(DATABASE_URL=database_url))  # the session's again
        drop()


@pytest.mark.stack
@pytest.mark.parametrize("program", PROGRAMS)
def test_a_killed_process_is_started_again_and_no_text_is_lost(supervised, program):
    vault = services.current().vault
    phone = f"+86137{PROGRAMS.index(program)}{uuid.uuid4().int % 10**5:05d}"
    supervised.text(phone, "你好")
    eventually(lambda: answered(vault, phone, 1), ANSWER_TIMEOUT, "the first answer")
    killed = supervised.kill(program)
    supervised.text(phone, "hello")  # taken again within BACK_WITHIN_SECONDS
    thread = eventually(lambda: answered(vault, phone, 2), ANSWER_TIMEOUT, "the second answer")
    inbound = [m.id for m in thread if m.direction == Message.IN]
    replies = [m for m in thread if m.direction == Message.OUT and m.kind == Message.REPLY]
    assert [m.reply_to_id for m in replies] == inbound  # each once, in order
    assert int(supervised.ctl("pid", f"helpline:{program}")) not in (0, killed)  # started again
