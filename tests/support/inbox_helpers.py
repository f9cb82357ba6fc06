"""The people and places of the inbox tests, a browser-like client that signs in, and what the
real bot says, read from its own data.

The area: a county with two townships. Township 1 has villages 1 and 2 (each with a worker) and
village 4 (none), and supervisor Chen; township 2 has village 3 (worker Zhao) and supervisor Sun.
Wang, Li and Chen have phones on file.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from webhooks.casework import cases, routing
from webhooks.core.conversations import sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Conversation, Message, Region, Worker

PASSWORD = "correct horse battery"
# One hash for everyone, made once with few rounds: signing in is not what these tests time.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

REGIONS = [
    ("CN-51", "四川省 Sichuan", "province", None),
    ("CN-51-demo", "演示县 Demo County", "county", "CN-51"),
    ("CN-51-demo-t1", "一镇 Township 1", "township", "CN-51-demo"),
    ("CN-51-demo-t1-v1", "一村 Village 1", "village", "CN-51-demo-t1"),
    ("CN-51-demo-t1-v2", "二村 Village 2", "village", "CN-51-demo-t1"),
    ("CN-51-demo-t1-v4", "四村 Village 4", "village", "CN-51-demo-t1"),
    ("CN-51-demo-t2", "二镇 Township 2", "township", "CN-51-demo"),
    ("CN-51-demo-t2-v3", "三村 Village 3", "village", "CN-51-demo-t2"),
]
V1, V2, V3, V4 = "CN-51-demo-t1-v1", "CN-51-demo-t1-v2", "CN-51-demo-t2-v3", "CN-51-demo-t1-v4"
T1, T2 = "CN-51-demo-t1", "CN-51-demo-t2"
PEOPLE = [
    # username, name, role, region, phone
    ("wang", "王主任 Director Wang", "worker", V1, "+8613900000001"),
    ("li", "李主任 Director Li", "worker", V2, "+8613900000002"),
    ("zhao", "赵主任 Director Zhao", "worker", V3, None),
    ("chen", "陈督导 Supervisor Chen", "supervisor", T1, "+8613900000009"),
    ("sun", "孙督导 Supervisor Sun", "supervisor", T2, None),
    ("admin", "管理员 Admin", "admin", None, None),
]
PHONES = {username: phone for username, _, _, _, phone in PEOPLE if phone}


@dataclass
class Area:
    regions: dict[str, int]  # code -> id
    workers: dict[str, int]  # username -> id


def seed_area(app) -> Area:
    vault = app.extensions["helpline"].vault
    with Session.begin() as session:
        regions: dict[str, Region] = {}
        for code, name, level, parent in REGIONS:
            regions[code] = Region(code=code, name=name, level=level, parent=regions.get(parent))
            session.add(regions[code])
        workers = {}
        for username, name, role, region, phone in PEOPLE:
            worker = Worker(
                username=username,
                display_name=name,
                role=role,
                region=regions.get(region),
                password_hash=_HASH,
            )
            if phone:
                worker.phone_ciphertext = vault.encrypt(phone)
                worker.phone_hash = vault.lookup_hash(phone)
            session.add(worker)
            workers[username] = worker
        session.flush()
        return Area(
            regions={code: r.id for code, r in regions.items()},
            workers={name: w.id for name, w in workers.items()},
        )


def add_worker(username: str, role: str, region_id: int, display_name: str = "") -> None:
    """A worker or supervisor of the region who signs in with PASSWORD (no phone)."""
    with Session.begin() as session:
        session.add(
            Worker(
                username=username,
                display_name=display_name or username,
                role=role,
                region_id=region_id,
                password_hash=generate_password_hash(PASSWORD),
            )
        )


def open_case(app, phone: str, region: str | None, **options) -> int:
    """A family of `region` with an open case, as the bot or the danger screen would open it."""
    vault = app.extensions["helpline"].vault
    options.setdefault("reason", "requested")
    options.setdefault("summary", "孩子的低保怎么申请")
    with Session.begin() as session:
        conversation = sms_conversation(session, vault, phone)
        if region:
            conversation.contact.region = routing.region_by_code(session, region)
        session.flush()
        return cases.open_case(session, conversation, **options).id


def place_family(app, phone: str, region: str) -> None:
    """Put a family in a region, as a worker does on a case (their next text finds it)."""
    vault = app.extensions["helpline"].vault
    with Session.begin() as session:
        conversation = sms_conversation(session, vault, phone)
        conversation.contact.region = routing.region_by_code(session, region)


def staff_texts(app, username: str) -> list[str]:
    """What a worker's own phone received (sent or delivered), in order."""
    with Session() as session:
        worker = session.scalar(select(Worker).where(Worker.username == username))
        return list(
            session.scalars(
                select(Message.body)
                .join(Conversation)
                .where(Conversation.worker_id == worker.id, Conversation.channel == "staff")
                .where(Message.direction == Message.OUT)
                .where(Message.status.in_((Message.SENT, Message.DELIVERED)))
                .order_by(Message.id)
            )
        )


def bot_replies(sms, phone: str) -> list[str]:
    """What the bot itself said to the family, in order: not the app's notices nor a worker's."""
    return [m.body for m in sms.thread(phone) if m.author == Message.BOT]


ROOT = Path(__file__).resolve().parents[2]


@cache
def _bot_data() -> tuple[dict, dict]:
    """The bot's responses (bot/domain.yml) and its actions' texts (actions/texts.yml)."""
    with open(ROOT / "bot" / "domain.yml", encoding="utf-8") as domain:
        responses = yaml.safe_load(domain)["responses"]
    with open(ROOT / "actions" / "texts.yml", encoding="utf-8") as texts:
        return responses, yaml.safe_load(texts)


def bot_says(key: str, language: str = "zh") -> str:
    """The bot's text for a response ("utter_greet") or an action's text ("handoff.requested")."""
    responses, texts = _bot_data()
    if key in responses:
        # The variant whose condition is the family's language, else the one with no condition.
        for variant in responses[key]:
            wanted = {"type": "slot", "name": "language", "value": language}
            if wanted in variant.get("condition", []):
                return variant["text"]
        return next(v["text"] for v in responses[key] if not v.get("condition"))
    node = texts
    for part in key.split("."):
        node = node[part]
    return node[language]


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class StaffClient:
    """A worker's browser: a cookie jar, signed in, sending the CSRF token with every form."""

    def __init__(self, app, username: str | None = None, password: str = PASSWORD):
        self.client = app.test_client()
        self._token: str | None = None
        if username:
            response = self.login(username, password)
            assert response.status_code == 302, f"{username} could not sign in"

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
            self._token = CSRF_META.search(page).group(1)
        return self._token

    def login(self, username: str, password: str = PASSWORD):
        response = self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": self.token()}
        )
        self._token = None  # a new session may carry a new token
        return response

    def get(self, url: str, **options):
        return self.client.get(url, **options)

    def post(self, url: str, data: dict | None = None, csrf: bool = True, **options):
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        return self.client.post(url, data=form, **options)

    def page(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return response.get_data(as_text=True)


def demo_county() -> dict[str, int]:
    """The demo county (webhooks.cli.DEMO_REGIONS): 城关镇 and 石桥乡, three villages each, a
    东风村 in both; returns each region's id by code."""
    from webhooks.cli import DEMO_REGIONS

    with Session.begin() as session:
        made = {}
        for code, name, level, parent, aliases in DEMO_REGIONS:
            made[code] = Region(
                code=code, name=name, level=level, parent=made.get(parent), aliases=aliases
            )
            session.add(made[code])
    return {code: region.id for code, region in made.items()}
