"""A basic phone in the browser: texts go through the same signed webhook as Twilio's, and
calls through the voice webhooks (the page speaks the lines and offers a keypad)."""

import uuid
from xml.etree import ElementTree

import requests
from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Message
from webhooks.sms import segments, signature
from webhooks.sms.cleaning import PHONE

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates")


@bp.get("/")
def page():
    return render_template("simulator/phone.html")


@bp.post("/api/messages")
def send():
    """Text the helpline as the family with this number would: signed, posted to /sms/twilio."""
    data = request.get_json(silent=True) or {}
    phone, body = str(data.get("phone", "")).strip(), str(data.get("body", ""))
    if not PHONE.fullmatch(phone):
        return jsonify(error="phone must look like +8613800000000"), 400
    settings = current_app.extensions["helpline"].settings
    url = _webhook_url(settings.PUBLIC_BASE_URL)
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": settings.TWILIO_ACCOUNT_SID or "AC" + "0" * 32,
        "From": phone,
        "To": settings.TWILIO_FROM_NUMBER or "+10000000000",
        "Body": body,
        "NumMedia": "0",
    }
    headers = {"X-Twilio-Signature": signature.sign(settings.TWILIO_AUTH_TOKEN, url, params)}
    response = requests.post(url, data=params, headers=headers, timeout=10)
    return jsonify(status=response.status_code, message_sid=params["MessageSid"]), (
        202 if response.ok else 502
    )


@bp.get("/api/messages")
def conversation():
    """The number's conversation, oldest first; outbound texts split as the phone receives them."""
    phone = request.args.get("phone", "").strip()
    if not PHONE.fullmatch(phone):
        return jsonify(error="phone must look like +8613800000000"), 400
    services = current_app.extensions["helpline"]
    with Session() as session:
        found = find_sms_conversation(session, services.vault, phone)
        if found is None:
            return jsonify(mode=None, language=None, messages=[])
        messages = session.scalars(
            select(Message).where(Message.conversation_id == found.id).order_by(Message.id)
        ).all()
        return jsonify(
            mode=found.mode,
            language=found.language,
            messages=[_as_json(message) for message in messages],
        )


def _as_json(message: Message) -> dict:
    shown = {
        "id": message.id,
        "direction": message.direction,
        "author": message.author,
        "body": message.body,
        "status": message.status,
        "at": message.created_at.isoformat(),
    }
    if message.direction == Message.OUT:
        shown["segments"] = segments.split_segments(message.body)
    return shown


def _webhook_url(public_base_url: str) -> str:
    if public_base_url:
        return public_base_url.rstrip("/") + url_for("sms.twilio_inbound")
    return url_for("sms.twilio_inbound", _external=True)


# What the page may post to a call's webhook, as Twilio names them.
CALL_FIELDS = (
    "Digits",
    "SpeechResult",
    "DialCallStatus",
    "RecordingSid",
    "RecordingUrl",
    "RecordingDuration",
    "TranscriptionText",
    "TranscriptionStatus",
    "CallStatus",
    "CallDuration",
    "ParentCallSid",
)


@bp.post("/api/call")
def call():
    """One step of a call as Twilio makes it: signed, posted to /voice/twilio (a new call) or
    to the action the last TwiML named; the TwiML read back as JSON for the page."""
    data = request.get_json(silent=True) or {}
    phone = str(data.get("phone", "")).strip()
    if not PHONE.fullmatch(phone):
        return jsonify(error="phone must look like +8613800000000"), 400
    path = str(data.get("action") or url_for("voice.incoming"))
    if not path.startswith(url_for("voice.incoming")):
        return jsonify(error="action must be one of the voice webhooks"), 400
    settings = current_app.extensions["helpline"].settings
    sid = str(data.get("call_sid") or "CA" + uuid.uuid4().hex)[:64]
    params = {
        "CallSid": sid,
        "AccountSid": settings.TWILIO_ACCOUNT_SID or "AC" + "0" * 32,
        "From": phone,
        "To": settings.TWILIO_FROM_NUMBER or "+10000000000",
        "Direction": "inbound",
        **{name: str(data[name]) for name in CALL_FIELDS if name in data},
    }
    base = settings.PUBLIC_BASE_URL.rstrip("/") or request.host_url.rstrip("/")
    url = base + path
    headers = {"X-Twilio-Signature": signature.sign(settings.TWILIO_AUTH_TOKEN, url, params)}
    response = requests.post(url, data=params, headers=headers, timeout=30)
    if not response.ok:
        return jsonify(error=f"the voice webhook answered {response.status_code}"), 502
    return jsonify(call_sid=sid, **_read_twiml(response.text))


def _read_twiml(twiml: str) -> dict:
    """What a phone does with the TwiML: the lines said in order, and what comes next."""
    root = ElementTree.fromstring(twiml)
    said = [
        {"text": node.text or "", "language": node.get("language")} for node in root.iter("Say")
    ]
    gather, dial, record = root.find(".//Gather"), root.find("Dial"), root.find("Record")
    return {
        "said": said,
        "listen": gather.get("action") if gather is not None else None,
        "dial": None
        if dial is None
        else {
            "action": dial.get("action"),
            "numbers": [number.text for number in dial.iter("Number")] or [dial.text],
            # What the worker who picks up hears, and where their key goes.
            "whisper": next((number.get("url") for number in dial.iter("Number")), None),
        },
        "record": None
        if record is None
        else {"action": record.get("action"), "transcribe": record.get("transcribeCallback")},
        "hangup": root.find("Hangup") is not None,
    }
