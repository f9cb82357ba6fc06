"""Twilio's webhooks: a family's SMS in, and delivery reports for what we sent."""

import re
import unicodedata

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

from webhooks import inbound, spool, worker_sms
from webhooks.conversations import sms_conversation, store_inbound
from webhooks.db import Session
from webhooks.models import Message
from webhooks.services import Services
from webhooks.sms import signature
from webhooks.staff import registered_worker

bp = Blueprint("sms", __name__, url_prefix="/sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
PHONE = re.compile(r"\+?[0-9]{5,16}")
# Twilio concatenates a long SMS to at most 1,600 characters; anything longer is not an SMS.
MAX_BODY = 1600
# Twilio's delivery states, in the order they happen; a late report never moves one back.
STATUS_ORDER = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
}


def twiml() -> Response:
    return Response(EMPTY_TWIML, mimetype="text/xml")


def _checked_request():
    services = current_app.extensions["helpline"]
    settings = services.settings
    if not signature.is_valid(request, settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL):
        abort(403)
    return services


@bp.post("/twilio")
def twilio_inbound():
    services = _checked_request()
    sid = request.form.get("MessageSid", "")
    phone = request.form.get("From", "")
    if not sid or not PHONE.fullmatch(phone):
        return Response("MessageSid and From (a phone number) are required\n", 400)
    body = clean_body(request.form.get("Body", ""))
    has_media = request.form.get("NumMedia", "0").strip() not in ("", "0")
    # Stored now, or spooled on local disk while the database is unreachable.
    if not spool.accept(services, spool.InboundSms(sid, phone, body, has_media), receive):
        return Response("the helpline cannot take messages right now\n", 503)
    return twiml()


def receive(services: Services, sms: spool.InboundSms) -> None:
    """Store a family's (or a worker's) text and decide who answers it, in one transaction."""
    with Session.begin() as session:
        worker = registered_worker(session, services.vault, sms.phone)
        if worker is not None:  # a worker's own phone: "#123 text" commands, not a family
            worker_sms.handle(session, services, worker, sms.body, sms.sid)
            return
        conversation = sms_conversation(session, services.vault, sms.phone)
        message = store_inbound(session, conversation, sms.body, provider_sid=sms.sid)
        # None: Twilio retried a message we already have, and it gets nothing more.
        if message is not None:
            inbound.route(session, services, message, has_media=sms.has_media)


@bp.post("/twilio/status")
def twilio_status():
    _checked_request()
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "")
    if status not in STATUS_ORDER:
        return Response("unknown MessageStatus\n", 400)
    with Session.begin() as session:
        message = session.scalar(select(Message).where(Message.provider_sid == sid))
        if message is None or message.direction != Message.OUT:
            return twiml()
        if STATUS_ORDER[status] >= STATUS_ORDER.get(message.status, 0):
            message.status = status
            message.error = request.form.get("ErrorCode") or message.error
    return twiml()


def clean_body(raw: str) -> str:
    """The family's words without control characters, in one Unicode form, at SMS length."""
    text = unicodedata.normalize("NFC", raw)
    kept = [ch if ch in "\n\t" else "" if unicodedata.category(ch) == "Cc" else ch for ch in text]
    return "".join(kept).replace("\t", " ").strip()[:MAX_BODY]
