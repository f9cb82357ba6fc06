"""make bench: bare Rasa against our full path, the same texts from the same families.

Starts the production layout (PostgreSQL, Redis, gunicorn, two huey consumers, Rasa replicas on
the SQL tracker store and Redis lock store, the console SMS provider), then measures:
  bare    texts straight to Rasa's REST channel, at 1, 8 and 32 senders at once;
  full    signed Twilio webhooks > Flask > queue > Rasa > provider, the same texts and senders
          (bare and full take turns, twice at each concurrency);
  two     the full path over two Rasa replicas, at 8 and 32 senders;
  rate    webhook acknowledgement at an open-loop 100 texts a second.
Writes results.json and results.png to --out (BENCH_OUT, default bench-results/), and fails when
a text was not answered exactly once.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.bench import load, procstats
from tests.support import databases
from tests.support.live import LiveApp
from tests.support.replicas import RasaReplicas, rasa_store_env
from tests.support.settings import SETTINGS
from tests.support.stack import RasaStack
from webhooks.cli import alembic_config

ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = (1, 8, 32)
FAMILIES = 64  # each texts the five-text script: 320 texts per run
ROUNDS = 2  # bare and full take turns at each concurrency: 640 texts each
RATE, RATE_TEXTS = 100, 1000

# The app's settings beyond the tests' own (tests/support/settings.py): production, with the
# metrics open on this machine, and a sender that measures our capacity, not a long code's one
# segment a second.
BENCH_SETTINGS = {
    "APP_ENV": "production",
    "METRICS_OPEN": "1",
    "SEND_RATE_SEGMENTS_PER_SECOND": "100000",
}


class Bench:
    def __init__(self, out: Path):
        self.out = out
        self.logs = out / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.results: dict = {"runs": [], "machine": machine()}
        self.app: LiveApp | None = None
        self.replies: load.SentReplies | None = None
        self.sids: dict[str, bool] = {}  # every text posted to the webhook: was it accepted

    def start(self) -> None:
        from alembic import command

        if not databases.postgres_available():
            sys.exit("make bench needs PostgreSQL on 127.0.0.1:5432 (and Redis on :6379)")
        self.database_url, self.drop_app = databases.create("bench")
        command.upgrade(alembic_config(self.database_url), "head")
        tracker_url, self.drop_rasa = databases.create("bench_rasa")
        self.redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.actions = RasaStack(self.logs)
        self.actions.start_actions()
        self.rasa = RasaReplicas(
            self.logs,
            self.actions.action_port,
            2,
            rasa_store_env(tracker_url, self.redis_url),
        )
        self.rasa.start()
        self.replies = load.SentReplies(self.database_url)

    def start_app(self, rasa_urls: list[str]) -> None:
        if self.app:
            self.app.stop()
        self.app = LiveApp(
            self.logs, self.database_url, rasa_urls[0], self.redis_url, **BENCH_SETTINGS
        )
        self.app.env["RASA_URLS"] = ",".join(rasa_urls)
        self.app.start(consumers=2)
        self.full = load.FullPath(
            self.app.url, str(SETTINGS["TWILIO_AUTH_TOKEN"]), self.replies, self.sids
        )

    def warm_up(self, tag: str) -> None:
        """Enough connections at once that every gunicorn worker serves some before timing."""
        run = load.closed_loop(load.families(tag, 16), 16, self.full)
        if run.failures:
            print(f"bench: warm-up {tag}: {len(run.failures)} failed, e.g. {run.failures[0]}")

    def processes(self) -> list[procstats.Process]:
        found = [procstats.Process("actions", self.actions.processes["actions"].pid)]
        for i, process in enumerate(self.rasa.processes):
            found += [procstats.Process(f"rasa-{i}", p) for p in _with_children(process.pid)]
        if self.app:
            found.append(procstats.Process("web", self.app.web.pid))
            found += [procstats.Process("web", p) for p in procstats.children(self.app.web.pid)]
            for consumer in self.app.consumers:
                found += [procstats.Process("queue", p) for p in _with_children(consumer.pid)]
        # The simulated families and Twilio: on the same cores here, not in production.
        found.append(procstats.Process("load", os.getpid()))
        found += [procstats.Process("postgres", p) for p in procstats.pids_named("postgres")]
        found += [procstats.Process("redis", p) for p in procstats.pids_named("redis-server")]
        return found

    def metered(self, work, *args) -> tuple[load.Run, dict[str, float]]:
        """Run work(*args): what it saw, and the CPU seconds each process spent meanwhile."""
        meter = procstats.CpuMeter(self.processes)
        meter.start()
        run = work(*args)
        return run, meter.stop()

    def measure(self, name, path, concurrency, replicas, work, *args) -> dict:
        return self.record(name, path, concurrency, replicas, [self.metered(work, *args)])

    def record(self, name, path, concurrency, replicas, parts) -> dict:
        """One result from the (run, cpu) parts of a measurement."""
        run = load.Run.combined([part for part, _ in parts])
        cpu: Counter[str] = Counter()
        for _, used in parts:
            cpu.update(used)  # adds, and keeps a role that used nothing

        def per_text(seconds: float) -> float:
            return round(1000 * seconds / max(run.messages, 1), 2)

        ours = cpu.get("web", 0) + cpu.get("queue", 0)
        rasa = sum(v for k, v in cpu.items() if k.startswith("rasa") or k == "actions")
        result = {
            "name": name,
            "path": path,
            "concurrency": concurrency,
            "rasa_replicas": replicas,
            **run.summary(),
            "cpu_seconds": {k: round(v, 2) for k, v in sorted(cpu.items())},
            "cpu_ms_per_message_ours": per_text(ours),
            "cpu_ms_per_message_postgres": per_text(cpu.get("postgres", 0)),
            "cpu_ms_per_message_rasa": per_text(rasa),
            "cpu_ms_per_message_load": per_text(cpu.get("load", 0)),
        }
        self.results["runs"].append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return result

    def run(self) -> None:
        one, both = self.rasa.urls[:1], self.rasa.urls
        self.start_app(one)
        # Warm up both paths (graph tracing, connection pools) before anything is timed.
        load.closed_loop(load.families("warm-bare", 8), 8, load.BareRasa(one[0], "warm"))
        self.warm_up("warm-full")
        for c in CONCURRENCY:
            self.compare(one[0], c)
        self.start_app(both)
        self.warm_up("warm-two")
        for c in CONCURRENCY[1:]:
            phones = load.families(f"two{c}", FAMILIES)
            self.measure(f"full-2rasa-c{c}", "full", c, 2, load.closed_loop, phones, c, self.full)
        phones = load.families("rate", 200)
        rate = (self.full, phones, RATE, RATE_TEXTS)
        self.measure(f"ack-at-{RATE}-per-s", "rate", 0, 2, load.open_loop, *rate)
        self.results["answered_exactly_once"] = self.check_answers()
        self.results["peak_rss_mb"] = {
            f"{p.role}:{p.pid}": round(procstats.peak_rss_mb(p.pid), 1)
            for p in self.processes()
            if p.role not in ("postgres", "redis", "load")
        }

    def compare(self, rasa_url: str, c: int) -> None:
        """Bare Rasa and the full path at `c` senders, taking turns ROUNDS times, so that a drift
        in the machine's speed (seen here: 15% within minutes) falls on both alike."""
        bare = load.BareRasa(rasa_url, f"bare{c}")
        parts: dict[str, list] = {"bare": [], "full": []}
        for r in range(ROUNDS):
            for path, send in (("bare", bare), ("full", self.full)):
                phones = load.families(f"{path}{c}-{r}", FAMILIES)
                parts[path].append(self.metered(load.closed_loop, phones, c, send))
        for path, measured in parts.items():
            self.record(f"{path}-c{c}", path, c, 1, measured)

    def check_answers(self, timeout: float = 300) -> dict:
        """Every text the webhook accepted or stored got exactly one reply, sent; waits for the
        open loop's backlog. Texts the webhook refused are counted apart: Twilio hands those to
        the number's fallback URL, if one is set."""
        engine = create_engine(self.database_url)
        accepted = {sid for sid, ok in self.sids.items() if ok}
        query = text(
            """
            SELECT i.provider_sid, count(o.id) FILTER (WHERE o.kind = 'reply'),
                   bool_and(o.status = 'sent')
            FROM message i LEFT JOIN message o ON o.reply_to_id = i.id AND o.direction = 'out'
            WHERE i.direction = 'in' GROUP BY i.provider_sid
            """
        )
        deadline = time.monotonic() + timeout
        while True:
            with engine.connect() as connection:
                rows = {sid: (n, sent) for sid, n, sent in connection.execute(query)}
            owed = accepted | (self.sids.keys() & rows.keys())
            missing = [s for s in owed if s not in rows or rows[s][0] == 0 or not rows[s][1]]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(1)
        engine.dispose()
        twice = [sid for sid, (n, _) in rows.items() if n > 1]
        return {
            "texts_posted": len(self.sids),
            "texts_accepted": len(accepted),
            "texts_refused": len(self.sids) - len(accepted),
            "accepted_not_stored": len(accepted - rows.keys()),
            "unanswered": len(missing),
            "answered_more_than_once": len(twice),
            "ok": not missing and not twice,
        }

    def stop(self) -> None:
        for stop in (
            lambda: self.app and self.app.stop(),
            lambda: self.replies and self.replies.close(),
            self.rasa.stop,
            self.actions.stop,
            self.drop_app,
            self.drop_rasa,
        ):
            try:
                stop()
            except Exception as exc:  # keep stopping the rest; the error is shown
                print(f"bench: while stopping: {exc!r}", file=sys.stderr)


def _with_children(pid: int) -> list[int]:
    """A Procfile process (sh, nice and chrt exec into it) and any children it forks."""
    return [pid, *procstats.children(pid)]


def machine() -> dict:
    load1, load5, _ = os.getloadavg()
    return {"cores": os.cpu_count(), "load_before": [round(load1, 2), round(load5, 2)]}


def targets(results: dict) -> dict:
    runs = {r["name"]: r for r in results["runs"]}
    ratio = {
        f"c{c}": round(
            runs[f"full-c{c}"]["throughput_per_s"] / runs[f"bare-c{c}"]["throughput_per_s"], 3
        )
        for c in CONCURRENCY
    }
    two = runs["full-2rasa-c8"]["throughput_per_s"]
    ack99 = runs[f"ack-at-{RATE}-per-s"]["ack_p99_ms"]
    return {
        "full_over_bare_throughput": ratio,
        "full_at_least_0.9_of_bare_at_c8": ratio["c8"] >= 0.9,
        f"ack_p99_under_50ms_at_{RATE}_per_s": ack99 is not None and ack99 < 50,
        "two_rasa_full_path_above_one_bare_rasa_at_c8": two > runs["bare-c8"]["throughput_per_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.environ.get("BENCH_OUT", "bench-results"))
    out = Path(parser.parse_args().out).resolve()
    bench = Bench(out)
    try:
        bench.start()
        bench.run()
    finally:
        bench.stop()
    bench.results["targets"] = targets(bench.results)
    (out / "results.json").write_text(json.dumps(bench.results, indent=2, ensure_ascii=False))
    chart = [str(ROOT / ".venv-rasa/bin/python"), str(Path(__file__).with_name("chart.py"))]
    subprocess.run([*chart, str(out / "results.json"), str(out / "results.png")], check=True)
    print(json.dumps(bench.results["targets"], indent=2))
    print(f"bench: {out / 'results.json'} and {out / 'results.png'}")
    if not bench.results["answered_exactly_once"]["ok"]:
        sys.exit("bench: some texts were not answered exactly once (see results.json)")


if __name__ == "__main__":
    main()
