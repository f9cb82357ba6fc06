"""Starting the real Rasa server and action server once for a test session."""

import os
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "Procfile"
# Loading a model builds TensorFlow graphs: about a minute on two cores.
START_TIMEOUT = 300


def procfile_command(process: str) -> list[str]:
    """The Procfile's line for `process` (web, worker, rasa, actions), to run with the variables
    it reads in the environment: the tests and the benchmark start what production starts,
    priorities included. exec makes the pid the process's own, so kill -9 reaches it."""
    for line in PROCFILE.read_text().splitlines():
        name, colon, command = line.partition(":")
        if colon and name.strip() == process:
            command = command.strip()
            return ["sh", "-c", command if "exec " in command else f"exec {command}"]
    raise KeyError(f"no {process!r} line in {PROCFILE}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rasa_env(action_port: int) -> dict[str, str]:
    """The environment a Rasa server (or the action server) runs with in the tests."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_ENDPOINTS": "bot/endpoints.yml",  # trackers and locks in memory, unless replaced
        "ACTION_PORT": str(action_port),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
    }


def rasa_server_env(port: int) -> dict[str, str]:
    """What the Procfile's rasa line reads to serve the trained model on this local port."""
    return {
        "RASA_MODEL": str(model_path()),
        "RASA_HOST": "127.0.0.1",
        "RASA_PORT": str(port),
        "HONCHO_PROCESS_NAME": "rasa.1",
    }


def wait_until_serving(
    process: subprocess.Popen, url: str, log: Path, timeout: float = START_TIMEOUT
) -> None:
    """Poll url until it answers; fail pointing at the log if the process dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.stem} exited: see {log}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{log.stem} did not start in {timeout}s: see {log}")


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Ask them all to stop, then wait for each; one that takes over 20 s is killed."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def model_path() -> Path:
    """The model `make` trained (RASA_MODEL), else the newest one in models/."""
    if os.environ.get("RASA_MODEL"):
        return Path(os.environ["RASA_MODEL"])
    models = sorted((ROOT / "models").glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model: run `make train` (make test does)")
    return models[-1]


class RasaStack:
    """A Rasa server and its action server on free local ports, with their logs in log_dir;
    rasa_flags are added to the Procfile's rasa line (the screening replay reads trackers)."""

    def __init__(self, log_dir: Path, rasa_flags: tuple[str, ...] = ()):
        self.log_dir = log_dir
        self.rasa_flags = rasa_flags
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, name: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        command = procfile_command(name)
        if name == "rasa" and self.rasa_flags:
            command[-1] += " " + " ".join(self.rasa_flags)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**rasa_env(self.action_port), **rasa_server_env(self.rasa_port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_actions(self) -> None:
        self._spawn("actions")
        self._wait("actions", f"http://127.0.0.1:{self.action_port}/health")

    def start_rasa(self) -> None:
        self._spawn("rasa")
        self._wait("rasa", self.rasa_url + "/")

    def stop_rasa(self) -> None:
        self._stop("rasa")

    def _wait(self, name: str, url: str) -> None:
        wait_until_serving(self.processes[name], url, self.log_dir / f"{name}.log")

    def _stop(self, name: str) -> None:
        stop_processes([self.processes.pop(name, None)])

    def stop(self) -> None:
        stop_processes(list(self.processes.values()))
        self.processes.clear()
