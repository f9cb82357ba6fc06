"""Rasa replicas as production runs them: bot/endpoints-prod.yml, trackers in PostgreSQL and
locks in Redis, so any replica can carry on any conversation (in memory when those are absent).
"""

import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from tests.support import databases
from tests.support.stack import (
    ROOT,
    free_port,
    procfile_command,
    rasa_env,
    rasa_server_env,
    stop_processes,
    wait_until_serving,
)

# Rasa's default is 60 s: a replica killed mid-turn would hold its conversation that long.
TICKET_LOCK_LIFETIME = "5"


def rasa_store_env(tracker_url: str, redis_url: str) -> dict[str, str]:
    """The environment bot/endpoints-prod.yml reads; empty when there is no PostgreSQL."""
    if not tracker_url.startswith("postgresql"):
        return {}
    redis = urlsplit(redis_url or "redis://127.0.0.1:6379/0")
    return {
        "RASA_ENDPOINTS": "bot/endpoints-prod.yml",
        # Rasa's SQLAlchemy 1.4 talks to PostgreSQL through psycopg2, its default driver.
        "RASA_TRACKER_STORE_URL": tracker_url.replace("postgresql+psycopg://", "postgresql://"),
        "RASA_LOCK_STORE_HOST": redis.hostname or "127.0.0.1",
        "RASA_LOCK_STORE_PORT": str(redis.port or 6379),
        "RASA_LOCK_STORE_DB": (redis.path or "/0").lstrip("/") or "0",
        "TICKET_LOCK_LIFETIME": TICKET_LOCK_LIFETIME,
        "SQL_POOL_SIZE": "3",
        "SQL_MAX_OVERFLOW": "5",
    }


def shared_pair(config, tmp_path_factory, rasa_stack, redis_url: str) -> "RasaReplicas":
    """Two replicas for the whole test session, started on first use; dead ones are restarted.

    Kept here rather than in conftest.py: the test modules that need them ask for them.
    """
    global _pair
    if _pair is None:
        tracker_url, drop = databases.create("rasa")
        _pair = RasaReplicas(
            tmp_path_factory.mktemp("replicas"),
            rasa_stack.action_port,
            2,
            rasa_store_env(tracker_url, redis_url),
        )
        config.add_cleanup(drop)
        config.add_cleanup(_pair.stop)
    _pair.start()
    return _pair


_pair: "RasaReplicas | None" = None


class RasaReplicas:
    """`count` Rasa servers on free ports sharing one action server and the stores in env."""

    def __init__(self, log_dir: Path, action_port: int, count: int, store_env: dict[str, str]):
        self.log_dir = log_dir
        self.ports = [free_port() for _ in range(count)]
        self.processes: list[subprocess.Popen | None] = [None] * count
        self.env = {**rasa_env(action_port), **store_env}

    @property
    def shares_trackers(self) -> bool:
        return "RASA_TRACKER_STORE_URL" in self.env

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def start(self) -> None:
        """Start every replica that is not running, together, and wait for each."""
        stopped = [i for i, p in enumerate(self.processes) if p is None or p.poll() is not None]
        for index in stopped:
            self._spawn(index)
        with ThreadPoolExecutor(len(stopped) or 1) as pool:
            list(pool.map(self._wait, stopped))

    def _spawn(self, index: int) -> None:
        log = open(self.log_dir / f"rasa-{index}.log", "ab")  # noqa: SIM115  (closed with it)
        self.processes[index] = subprocess.Popen(
            procfile_command("rasa"),
            cwd=ROOT,
            env={**self.env, **rasa_server_env(self.ports[index])},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def _wait(self, index: int) -> None:
        log = self.log_dir / f"rasa-{index}.log"
        wait_until_serving(self.processes[index], self.urls[index] + "/", log)

    def kill(self, index: int) -> None:
        """kill -9: no chance to answer, save or unlock anything."""
        process = self.processes[index]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        stop_processes(self.processes)
