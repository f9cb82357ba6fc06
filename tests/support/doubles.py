"""The one test double: Twilio's REST API, which cannot be reached from here.

It stands in for the network under the real twilio library (as its http_client), so the
provider code, the library's request building and its error parsing all run for real.
"""

import json
from dataclasses import dataclass, field

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
