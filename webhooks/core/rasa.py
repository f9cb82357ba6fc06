"""The Rasa servers' REST channel, as the turn job sees it: one replica per conversation; and
Rasa's tracker store, for a family's erasure."""

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import column, create_engine, delete, inspect, table
from sqlalchemy.pool import NullPool

# /readyz asks each replica this long at most.
PROBE_TIMEOUT_SECONDS = 2.0


class RasaUnavailable(Exception):
    """No replica answered in time, or one answered with an error; the turn is retried."""


@dataclass
class BotReply:
    texts: list[str] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)


class RasaClient:
    """Sends each conversation to its own replica while that one is up, to the next when not.

    The replicas share the tracker and lock stores, so any of them can carry on a conversation;
    keeping to one spreads the families evenly and keeps a conversation's turns in one place.
    """

    def __init__(self, base_urls: list[str] | str, timeout: float, down_seconds: float = 5.0):
        urls = [base_urls] if isinstance(base_urls, str) else base_urls
        self.replicas = [url.rstrip("/") for url in urls]
        self._timeout = timeout
        self._down_seconds = down_seconds
        self._down_until: dict[str, float] = {}
        self._http = requests.Session()
        # The replicas are on our own network: no proxy variables or .netrc read per request.
        self._http.trust_env = False

    def replicas_for(self, sender: str) -> list[str]:
        """The order this conversation tries the replicas in.

        Rendezvous hashing: each conversation ranks the replicas the same way every time, so
        when one stops only its own conversations move, and they come back when it returns.
        Replicas that refused a connection lately go last.
        """
        ranked = sorted(self.replicas, key=lambda url: _score(url, sender), reverse=True)
        now = time.monotonic()
        up = [url for url in ranked if self._down_until.get(url, 0.0) <= now]
        return up + [url for url in ranked if url not in up]

    def send(
        self,
        sender: str,
        text: str,
        metadata: dict[str, Any],
        timeout: float | tuple[float, float] | None = None,
    ) -> BotReply:
        """The bot's replies to one message; `timeout` (seconds, or connect and read seconds
        as requests takes them) overrides the client's."""
        failure: Exception | None = None
        for url in self.replicas_for(sender):
            try:
                response = self._http.post(
                    url + "/webhooks/helpline/webhook",
                    json={"sender": sender, "message": text, "metadata": metadata},
                    timeout=timeout or self._timeout,
                )
            except requests.ConnectionError as exc:
                # Refused, or the replica died mid-answer: the next one can answer instead.
                self._down_until[url] = time.monotonic() + self._down_seconds
                failure = exc
                continue
            except requests.RequestException as exc:
                # A slow replica may still be answering: trying another could answer twice.
                raise RasaUnavailable(type(exc).__name__) from exc
            try:
                response.raise_for_status()
                reply = _reply(response.json())
            except (requests.RequestException, ValueError) as exc:
                raise RasaUnavailable(type(exc).__name__) from exc
            if not (reply.texts or reply.payloads):
                # Rasa's REST channel answers 200 and nothing when handling failed inside it
                # (its lock store gone, an action crashed); our bot always says something.
                raise RasaUnavailable("empty reply")
            return reply
        raise RasaUnavailable(type(failure).__name__) from failure

    def reachable(self) -> dict[str, bool]:
        """Each replica: does it answer at all?"""
        answers = {}
        for url in self.replicas:
            try:
                answers[url] = requests.get(url + "/", timeout=PROBE_TIMEOUT_SECONDS).ok
            except requests.RequestException:
                answers[url] = False
        return answers


def _score(url: str, sender: str) -> bytes:
    return hashlib.sha256(f"{url}\n{sender}".encode()).digest()


def _reply(messages: list[dict[str, Any]]) -> BotReply:
    reply = BotReply()
    for message in messages:
        if message.get("text"):
            reply.texts.append(message["text"])
        if isinstance(message.get("custom"), dict):
            reply.payloads.append(message["custom"])
    return reply


def forget_trackers(tracker_store_url: str, senders: list[str]) -> int | None:
    """Delete what Rasa's SQL tracker store keeps of these conversations (a family's erasure);
    the number of events deleted, or None when Rasa keeps its trackers in memory (no store
    URL: they go when Rasa restarts). The table is Rasa's own, `events`, keyed by sender_id."""
    if not tracker_store_url:
        return None
    # Rasa's URL names psycopg2 (in Rasa's environment); this one speaks psycopg 3.
    url = re.sub(r"^postgres(?:ql)?(?:\+psycopg2)?://", "postgresql+psycopg://", tracker_store_url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        if not senders or not inspect(engine).has_table("events"):
            return 0
        events = table("events", column("sender_id"))
        gone = delete(events).where(events.c.sender_id.in_(senders))
        with engine.begin() as connection:
            return connection.execute(gone).rowcount
    finally:
        engine.dispose()
