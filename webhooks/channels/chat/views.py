"""The chat page and its JSON API: post a message, wait for the replies."""

import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, current_app, jsonify, make_response, render_template, request
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from webhooks.auth import limiter, security_headers
from webhooks.core.conversations import new_pseudonym, store_inbound
from webhooks.core.db import DATABASE_DOWN, Session
from webhooks.core.models import Conversation, Message
from webhooks.core.parsing import whole_number
from webhooks.core.texts import LANGUAGES, text
from webhooks.messaging import inbound
from webhooks.sms.cleaning import clean_body

bp = Blueprint(
    "chat", __name__, url_prefix="/chat", template_folder="templates", static_folder="static"
)
# The family's words are on this page too: the staff pages' headers (no inline script, no
# framing by another site, nothing cached on a shared phone).
bp.after_request(security_headers)

TOKEN_HEADER = "X-Chat-Token"


def _settings():
    return current_app.extensions["helpline"].settings


def _starts_a_chat() -> bool:
    return request.method == "POST" and not request.headers.get(TOKEN_HEADER)


def _chat_key() -> str:
    """Which chat a request is from: its token's hash, or the address of one without."""
    token = request.headers.get(TOKEN_HEADER)
    return token_hash(token) if token else get_remote_address()


# A flood from one place is refused (429) before it stores anything or alerts anyone: every
# chat request per address, new chats per address, messages per chat.
per_address = limiter.shared_limit(lambda: _settings().CHAT_REQUESTS_PER_IP, scope="chat")
new_chats = limiter.limit(
    lambda: _settings().CHAT_NEW_PER_IP, exempt_when=lambda: not _starts_a_chat()
)
per_chat = limiter.limit(lambda: _settings().CHAT_MESSAGES_PER_CHAT, key_func=_chat_key)
# A reply usually takes a second or two; the browser asks again after this long.
LONG_POLL_SECONDS = 20
POLL_INTERVAL_SECONDS = 0.3
# A long-poll that found no free waiting place is answered at once, asked to come back after.
BUSY_RETRY_SECONDS = 3


class WaitingRoom:
    """The long-polls waiting in this process: at most `places`, one per chat."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: set[str] = set()

    @contextmanager
    def place(self, token: str, places: int) -> Iterator[bool]:
        """True while a place is held for this chat; False when none is free (or it has one)."""
        with self._lock:
            free = len(self._tokens) < places and token not in self._tokens
            if free:
                self._tokens.add(token)
        try:
            yield free
        finally:
            if free:
                with self._lock:
                    self._tokens.discard(token)


waiting_room = WaitingRoom()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.errorhandler(429)
def too_fast(_error):
    """Refused by a rate limit: nothing was stored; the page keeps the words to send again."""
    said = " ".join(text("chat_too_fast", lang) for lang in LANGUAGES)
    return jsonify(error=said), 429, {"Retry-After": "60"}


@bp.get("/")
def page():
    not_sent = " ".join(text("chat_not_sent", language) for language in LANGUAGES)
    return render_template("chat/chat.html", not_sent=not_sent)


def database_down(_error):
    """Unlike an SMS, a chat message is not spooled: the page keeps it and the family resends."""
    response = jsonify(error="the helpline cannot take messages right now; try again in a minute")
    return response, 503, {"Retry-After": "30"}


for _down in DATABASE_DOWN:
    bp.register_error_handler(_down, database_down)


@bp.post("/api/messages")
@per_address
@new_chats
@per_chat
def post_message():
    """Store the family's message and start the turn; a first message gets a new token."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("body"), str):
        return jsonify(error='send JSON like {"body": "你好"}'), 400
    body = clean_body(data["body"])
    if not body:
        return jsonify(error="the message is empty"), 400
    services = current_app.extensions["helpline"]
    token = request.headers.get(TOKEN_HEADER, "")
    with Session.begin() as session:
        conversation = _conversation(session, token) if token else None
        if token and conversation is None:
            return jsonify(error="unknown chat token; start a new chat without one"), 401
        if conversation is None:
            token = secrets.token_urlsafe(32)
            conversation = Conversation(
                channel=Conversation.WEB,
                pseudonym=new_pseudonym(),
                web_token_hash=token_hash(token),
            )
            session.add(conversation)
            session.flush()
        message = store_inbound(session, conversation, body)
        inbound.route(session, services, message)
        message_id = message.id
    return jsonify(token=token, id=message_id), 202


@bp.get("/api/messages")
@per_address
def messages():
    """Messages after `after` (an id), waiting up to `wait` seconds for the first new one."""
    token = request.headers.get(TOKEN_HEADER, "")
    after = whole_number(request.args.get("after", "0"))
    wait = whole_number(request.args.get("wait", "0"))
    if after is None or wait is None:
        return jsonify(error="after and wait are whole numbers"), 400
    places = current_app.extensions["helpline"].settings.CHAT_LONG_POLLS
    with waiting_room.place(token, places) as waiting:
        response = make_response(_messages(token, after, wait if waiting else 0))
    if wait and not waiting and response.status_code == 200:
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def _messages(token: str, after: int, wait: int):
    deadline = time.monotonic() + min(wait, LONG_POLL_SECONDS)
    while True:
        with Session() as session:
            conversation = _conversation(session, token) if token else None
            if conversation is None:
                return jsonify(error="unknown chat token"), 401
            found = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id, Message.id > after)
                .order_by(Message.id)
            ).all()
            if found or time.monotonic() >= deadline:
                return jsonify(
                    mode=conversation.mode, messages=[_as_json(message) for message in found]
                )
        time.sleep(POLL_INTERVAL_SECONDS)


def _conversation(session, token: str) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(Conversation.web_token_hash == token_hash(token))
    )


def _as_json(message: Message) -> dict:
    return {
        "id": message.id,
        "from": "family" if message.direction == Message.IN else message.author,
        "body": message.body,
        "at": message.created_at.isoformat(),
    }
