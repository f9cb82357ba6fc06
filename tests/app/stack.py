"""Starting the real Rasa server and action server once for a test session."""

import os
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
# Loading a model builds TensorFlow graphs: about a minute on two cores.
START_TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def model_path() -> Path:
    """The model `make` trained (RASA_MODEL), else the newest one in models/."""
    if os.environ.get("RASA_MODEL"):
        return Path(os.environ["RASA_MODEL"])
    models = sorted((ROOT / "models").glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model: run `make train` (make test does)")
    return models[-1]


class RasaStack:
    """A Rasa server and its action server on free local ports, with their logs in log_dir."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self) -> dict:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
        }

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        # Niced, as in the Procfile: the webhook must answer Twilio first, the bot can wait.
        self.processes[name] = subprocess.Popen(
            ["nice", "-n", "10", *args],
            cwd=ROOT,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [str(RASA_BIN), "run", "actions", "--actions", "actions", "-p", str(self.action_port)],
        )
        self._wait("actions", f"http://127.0.0.1:{self.action_port}/health")

    def start_rasa(self) -> None:
        self._spawn(
            "rasa",
            [
                str(RASA_BIN), "run", "--model", str(model_path()),
                "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                "--interface", "127.0.0.1", "--port", str(self.rasa_port),
            ],
        )  # fmt: skip
        self._wait("rasa", self.rasa_url + "/")

    def stop_rasa(self) -> None:
        self._stop("rasa")

    def _wait(self, name: str, url: str) -> None:
        """Poll until the server answers; fail with its log if it dies or never does."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited: see {self.log_dir / (name + '.log')}")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not start in {START_TIMEOUT}s")

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self._stop(name)
