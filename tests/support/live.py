"""The app as it runs in production: gunicorn and huey consumers as real processes."""

import signal
import subprocess
import uuid
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from tests.support.settings import SETTINGS, process_env
from tests.support.stack import (
    ROOT,
    free_port,
    procfile_command,
    stop_processes,
    wait_until_serving,
)
from tests.support.twilio import sms_params

START_TIMEOUT = 60


class LiveApp:
    """gunicorn plus `consumers` huey consumers sharing one database and one queue."""

    def __init__(
        self,
        log_dir: Path,
        database_url: str,
        rasa_url: str,
        redis_url: str = "",
        **settings: str,
    ):
        self.log_dir = log_dir
        self.port = free_port()
        self.env = process_env(
            PYTHONPATH=str(ROOT),
            DATABASE_URL=database_url,
            RASA_URL=rasa_url,
            REDIS_URL=redis_url,
            QUEUE_NAME=f"live-{uuid.uuid4().hex[:8]}",
            QUEUE_FILE=str(log_dir / "queue.db"),
            # What the Procfile's web and queue lines read.
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(self.port),
            WEB_WORKERS="2",
            WEB_THREADS="8",
            QUEUE_WORKERS="4",
            **settings,
        )
        self.web: subprocess.Popen | None = None
        self.consumers: list[subprocess.Popen] = []
        self.validator = RequestValidator(str(SETTINGS["TWILIO_AUTH_TOKEN"]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, log_name: str, process: str) -> subprocess.Popen:
        """The Procfile's line for `process`, as production runs it."""
        log = open(self.log_dir / f"{log_name}.log", "ab")  # noqa: SIM115  (closed with it)
        return subprocess.Popen(
            procfile_command(process),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start(self, consumers: int = 2) -> None:
        self.web = self._spawn("web", "web")
        for _ in range(consumers):
            self.start_consumer()
        wait_until_serving(self.web, self.url + "/healthz", self.log_dir / "web.log", START_TIMEOUT)

    def start_consumer(self) -> subprocess.Popen:
        consumer = self._spawn(f"consumer-{len(self.consumers)}", "queue")
        self.consumers.append(consumer)
        return consumer

    def kill_consumer(self, index: int = 0) -> None:
        """kill -9: no chance to finish or release anything."""
        self.consumers[index].send_signal(signal.SIGKILL)
        self.consumers[index].wait()

    def text(
        self, phone: str, body: str, sid: str | None = None, timeout: float = 30
    ) -> requests.Response:
        url = self.url + "/sms/twilio"
        params = sms_params(phone, body, sid)
        signature = self.validator.compute_signature(url, params)
        return requests.post(
            url, data=params, headers={"X-Twilio-Signature": signature}, timeout=timeout
        )

    def stop(self) -> None:
        stop_processes([self.web, *self.consumers])
