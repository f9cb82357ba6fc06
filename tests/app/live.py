"""The app as it runs in production: gunicorn and huey consumers as real processes."""

import os
import signal
import subprocess
import uuid
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from tests.app.stack import CONSUMER_PRIORITY, ROOT, free_port, stop_processes, wait_until_serving
from tests.app.twilio import sms_params

VENV_BIN = ROOT / ".venv" / "bin"
START_TIMEOUT = 60


class LiveApp:
    """gunicorn plus `consumers` huey consumers sharing one database and one queue."""

    def __init__(self, log_dir: Path, database_url: str, rasa_url: str, redis_url: str = ""):
        self.log_dir = log_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "RASA_URL": rasa_url,
            "REDIS_URL": redis_url,
            "QUEUE_NAME": f"live-{uuid.uuid4().hex[:8]}",
            "QUEUE_FILE": str(log_dir / "queue.db"),
        }
        self.web: subprocess.Popen | None = None
        self.consumers: list[subprocess.Popen] = []
        self.validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start(self, consumers: int = 2) -> None:
        self.web = self._spawn(
            "web",
            [
                str(VENV_BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "2",
                "--threads", "8", "--bind", f"127.0.0.1:{self.port}", "webhooks:create_app()",
            ],
        )  # fmt: skip
        for _ in range(consumers):
            self.start_consumer()
        wait_until_serving(self.web, self.url + "/healthz", self.log_dir / "web.log", START_TIMEOUT)

    def start_consumer(self) -> subprocess.Popen:
        consumer = self._spawn(
            f"consumer-{len(self.consumers)}",
            [
                *CONSUMER_PRIORITY, str(VENV_BIN / "huey_consumer"), "webhooks.tasks.huey",
                "--workers", "4", "--worker-type", "thread",
                "--delay", "0.05", "--max-delay", "0.5",
            ],
        )  # fmt: skip
        self.consumers.append(consumer)
        return consumer

    def kill_consumer(self, index: int = 0) -> None:
        """kill -9: no chance to finish or release anything."""
        self.consumers[index].send_signal(signal.SIGKILL)
        self.consumers[index].wait()

    def text(self, phone: str, body: str, sid: str | None = None) -> requests.Response:
        url = self.url + "/sms/twilio"
        params = sms_params(phone, body, sid)
        signature = self.validator.compute_signature(url, params)
        return requests.post(
            url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
        )

    def stop(self) -> None:
        stop_processes([self.web, *self.consumers])
