"""The test doubles, one per network service that cannot be reached from here.

Twilio's REST API stands in for the network under the real twilio library (as its
http_client), so the provider code, the library's request building and its error parsing all
run for real. SMS Gateway for Android's API is a real HTTP server on a local port (the phone is
the only part that cannot run here), so the provider, the android-sms-gateway client and
requests all run for real against it.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from twilio.http import HttpClient
from twilio.http.response import Response


@dataclass
class SentRequest:
    method: str
    uri: str
    data: dict


@dataclass
class FakeTwilioApi(HttpClient):
    """Answers each request with the next scripted outcome; then with success."""

    outcomes: list = field(default_factory=list)
    requests: list[SentRequest] = field(default_factory=list)

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:  # fmt: skip
        self.requests.append(SentRequest(method, uri, dict(data or {})))
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if outcome == "network":
            raise requests.ConnectionError("connection reset")
        if outcome == "ok":
            sid = f"SM{len(self.requests):032d}"
            body = {"sid": sid, "status": "queued", "to": data.get("To"), "body": data.get("Body")}
            return Response(201, json.dumps(body))
        status, code = outcome
        error = {"code": code, "message": f"error {code}", "status": status, "more_info": ""}
        return Response(status, json.dumps(error))

    @property
    def sent_bodies(self) -> list[str]:
        return [r.data.get("Body") for r in self.requests]


@dataclass
class GatewayRequest:
    """One POST /messages as the fake phone saw it, and what it answered."""

    payload: dict
    status: int

    @property
    def phone(self) -> str:
        return self.payload["phoneNumbers"][0]

    @property
    def text(self) -> str:
        return self.payload["textMessage"]["text"]


class FakeGateway:
    """SMS Gateway for Android's local server on 127.0.0.1: POST /messages with Basic auth.

    It answers 202 with the message's state, 409 to an id it already took (as the app's
    database does), 400 to a number that is not E.164, 401 to wrong credentials; `fail(...)`
    scripts the next answers: an HTTP status, or "lost" (the text is taken, the answer is a 500,
    as when the connection broke after the phone had it).
    """

    def __init__(self, login: str = "sms", password: str = "gateway-password"):
        self.login, self.password = login, password
        self.requests: list[GatewayRequest] = []
        self.taken: dict[str, GatewayRequest] = {}  # by id, in the order the phone took them
        self._outcomes: list[int | str] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        # A short poll: stopping the server waits for it.
        serve, poll = self.server.serve_forever, {"poll_interval": 0.05}
        threading.Thread(target=serve, kwargs=poll, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, *outcomes: int | str) -> None:
        self._outcomes.extend(outcomes)

    @property
    def texts(self) -> list[tuple[str, str]]:
        """(phone, words) of every text the phone took, in order: what it sends."""
        return [(r.phone, r.text) for r in self.taken.values()]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, authorization: str, path: str, payload: dict) -> tuple[int, dict]:
        expected = base64.b64encode(f"{self.login}:{self.password}".encode()).decode()
        if path.split("?")[0] != "/messages":
            return 404, {"message": "Not Found"}
        if authorization != f"Basic {expected}":
            return 401, {"message": "Unauthorized"}
        with self._lock:
            outcome = self._outcomes.pop(0) if self._outcomes else "take"
            message_id = payload.get("id")
            if isinstance(outcome, int):
                status = outcome
            elif message_id in self.taken:
                status = 409
            elif not all(p.startswith("+") for p in payload["phoneNumbers"]):
                status = 400
            else:
                status = 202
                self.taken[message_id] = GatewayRequest(payload, status)
                if outcome == "lost":
                    status = 500
            self.requests.append(GatewayRequest(payload, status))
        if status != 202:
            return status, {"message": f"error {status}"}
        recipients = [{"phoneNumber": p, "state": "Pending"} for p in payload["phoneNumbers"]]
        state = {"id": message_id, "state": "Pending", "recipients": recipients}
        return 202, {**state, "isHashed": False, "isEncrypted": False, "states": {}}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                status, answer = gateway._answer(
                    self.headers.get("Authorization", ""), self.path, payload
                )
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
