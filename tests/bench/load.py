"""Simulated families: the same texts sent to bare Rasa or through the signed Twilio webhook."""

import contextlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
import requests
from twilio.request_validator import RequestValidator

# One short conversation per family; each text gets one reply and none hands over to a person.
SCRIPT = ["你好", "孤儿补贴怎么申请", "hello", "what is dibao", "谢谢"]
REPLY_TIMEOUT = 120


@dataclass
class Run:
    """What one load run saw."""

    messages: int = 0
    seconds: float = 0.0
    acks: list[float] = field(default_factory=list)  # webhook response times
    replies: list[float] = field(default_factory=list)  # from posting to the reply leaving
    failures: list[str] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)  # open loop: how late the client sent

    @classmethod
    def combined(cls, runs: list["Run"]) -> "Run":
        """Several runs of the same load as one: their texts, time and latencies together."""
        whole = cls()
        for run in runs:
            whole.messages += run.messages
            whole.seconds += run.seconds
            for name in ("acks", "replies", "failures", "lateness"):
                getattr(whole, name).extend(getattr(run, name))
        return whole

    def summary(self) -> dict:
        return {
            "messages": self.messages,
            "seconds": round(self.seconds, 3),
            "throughput_per_s": round(self.messages / self.seconds, 2) if self.seconds else 0,
            "ack_p50_ms": _ms(self.acks, 0.50),
            "ack_p99_ms": _ms(self.acks, 0.99),
            "reply_p50_ms": _ms(self.replies, 0.50),
            "reply_p99_ms": _ms(self.replies, 0.99),
            "client_late_p99_ms": _ms(self.lateness, 0.99),
            "failures": len(self.failures),
            "failure_examples": self.failures[:5],
        }


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def families(tag: str, count: int) -> list[str]:
    """Phone numbers of `count` simulated families, distinct per run."""
    base = abs(hash(tag)) % 10_000
    return [f"+86139{base:04d}{n:04d}" for n in range(count)]


def closed_loop(phones: list[str], concurrency: int, send) -> Run:
    """`concurrency` families at a time, each texting its script and waiting for each reply."""
    run = Run()
    lock = threading.Lock()

    def family(phone: str) -> None:
        for text in SCRIPT:
            outcome = send(phone, text)
            with lock:
                run.messages += 1
                if isinstance(outcome, str):
                    run.failures.append(outcome)
                else:
                    ack, reply = outcome
                    if ack is not None:
                        run.acks.append(ack)
                    run.replies.append(reply)

    start = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(family, phones))
    run.seconds = time.monotonic() - start
    return run


class BareRasa:
    """Rasa's REST channel, asked directly, as the turn job asks it."""

    def __init__(self, rasa_url: str, tag: str):
        self.url = rasa_url + "/webhooks/helpline/webhook"
        self.tag = tag
        self.local = threading.local()

    def __call__(self, phone: str, text: str):
        http = getattr(self.local, "http", None) or requests.Session()
        self.local.http = http
        started = time.monotonic()
        body = {"sender": f"{self.tag}-{phone}", "message": text, "metadata": {"channel": "sms"}}
        try:
            response = http.post(self.url, json=body, timeout=REPLY_TIMEOUT)
            response.raise_for_status()
            if not any(m.get("text") for m in response.json()):
                return f"no reply to {text!r}"
        except requests.RequestException as exc:
            return f"rasa: {type(exc).__name__}"
        return None, time.monotonic() - started


class SentReplies:
    """Hears each reply leave, through a trigger on the benchmark's own database (no polling).

    The trigger sends the inbound MessageSid when the console provider records a reply as
    sent; waiters are woken with the time it was heard.
    """

    TRIGGER = """
    CREATE OR REPLACE FUNCTION bench_reply_sent() RETURNS trigger AS $$
    BEGIN
      IF NEW.direction = 'out' AND NEW.status = 'sent' AND OLD.status <> 'sent'
         AND NEW.reply_to_id IS NOT NULL THEN
        PERFORM pg_notify('bench_sent',
          (SELECT provider_sid FROM message WHERE id = NEW.reply_to_id));
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS bench_reply_sent ON message;
    CREATE TRIGGER bench_reply_sent AFTER UPDATE ON message
      FOR EACH ROW EXECUTE FUNCTION bench_reply_sent();
    """

    def __init__(self, database_url: str):
        self.url = database_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(self.TRIGGER)
        self._heard: dict[str, float] = {}
        self._waiters: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._connection = psycopg.connect(self.url, autocommit=True)
        self._connection.execute("LISTEN bench_sent")
        threading.Thread(target=self._listen, daemon=True).start()

    def close(self) -> None:
        self._connection.close()

    def _listen(self) -> None:
        with contextlib.suppress(psycopg.OperationalError):  # closed at the end of the run
            for note in self._connection.notifies():
                with self._lock:
                    self._heard.setdefault(note.payload, time.monotonic())
                    waiter = self._waiters.get(note.payload)
                if waiter:
                    waiter.set()

    def expect(self, sid: str) -> threading.Event:
        with self._lock:
            waiter = self._waiters[sid] = threading.Event()
            if sid in self._heard:
                waiter.set()
        return waiter

    def heard_at(self, sid: str) -> float | None:
        with self._lock:
            return self._heard.get(sid)


class FullPath:
    """A signed Twilio webhook per text; the reply counts once the provider has sent it."""

    def __init__(self, app_url: str, auth_token: str, replies: SentReplies, sids: dict[str, bool]):
        self.url = app_url + "/sms/twilio"
        self.validator = RequestValidator(auth_token)
        self.replies = replies
        self.local = threading.local()
        self.sids = sids  # every text this path posted: True once the webhook answered 200

    def signed(self, phone: str, text: str) -> tuple[str, dict, dict]:
        sid = "SM" + uuid.uuid4().hex
        params = {
            "MessageSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": phone,
            "To": "+10000000000",
            "Body": text,
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.url, params)}
        return sid, params, headers

    def post(self, params: dict, headers: dict) -> float | str:
        http = getattr(self.local, "http", None) or requests.Session()
        self.local.http = http
        started = time.monotonic()
        try:
            response = http.post(self.url, data=params, headers=headers, timeout=30)
        except requests.RequestException as exc:
            return f"webhook: {type(exc).__name__}"
        if response.status_code != 200:
            return f"webhook: HTTP {response.status_code}"
        return time.monotonic() - started

    def __call__(self, phone: str, text: str):
        sid, params, headers = self.signed(phone, text)
        self.sids[sid] = False
        waiter = self.replies.expect(sid)
        started = time.monotonic()
        ack = self.post(params, headers)
        if isinstance(ack, str):
            return ack
        self.sids[sid] = True
        if not waiter.wait(REPLY_TIMEOUT):
            return f"no reply to {sid} in {REPLY_TIMEOUT}s"
        return ack, self.replies.heard_at(sid) - started


def open_loop(full: FullPath, phones: list[str], rate: float, count: int, clients=32) -> Run:
    """`count` texts at `rate` a second whatever the answers (as Twilio delivers them); the
    families take turns, so each family's texts are far apart."""
    planned = []
    for i in range(count):
        phone = phones[i % len(phones)]
        sid, params, headers = full.signed(phone, SCRIPT[(i // len(phones)) % len(SCRIPT)])
        planned.append((i / rate, sid, params, headers))  # signed before the clock starts
    full.sids.update((sid, False) for _, sid, _, _ in planned)
    run = Run(messages=count)
    lock = threading.Lock()
    cursor = iter(planned)
    start = time.monotonic() + 0.5

    def client() -> None:
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            due, sid, params, headers = item
            wait = start + due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            ack = full.post(params, headers)
            with lock:
                run.lateness.append(max(0.0, -wait))
                if isinstance(ack, str):
                    run.failures.append(ack)
                else:
                    run.acks.append(ack)
                    full.sids[sid] = True

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    run.seconds = time.monotonic() - start
    return run
