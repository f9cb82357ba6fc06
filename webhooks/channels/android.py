"""SMS Gateway for Android's webhooks: one URL per line (phone), /sms/android/<line>, and every
event signed with that line's key (a forged, stale or unsigned one is refused and stores
nothing). A family's text takes the same path as a Twilio one, stored once by the event's id
however often the phone retries it; delivery reports move what we sent forward; every event,
the phone's ping included, says the line is alive."""

import json
import logging
import time

from flask import Blueprint, Response, abort, current_app, request

from webhooks.core.db import Session
from webhooks.core.gateway_lines import Heartbeats
from webhooks.core.models import Message
from webhooks.messaging import inbound, outbound, spool
from webhooks.sms import android_signature
from webhooks.sms.cleaning import clean_body, mainland_e164
from webhooks.sms.providers import gateway_sid

log = logging.getLogger(__name__)

bp = Blueprint("android", __name__, url_prefix="/sms/android")

DELIVERY = {
    "sms:sent": Message.SENT,
    "sms:delivered": Message.DELIVERED,
    "sms:failed": Message.FAILED,
}
# The event's id (a nanoid) becomes the stored message's provider_sid (64 characters).
MAX_ID = 48


def received() -> Response:
    """Any 2xx tells the phone to stop retrying; it waits 5 s at most for it."""
    return Response(status=204)


@bp.post("/<line>")
def gateway_event(line: str):
    services = current_app.extensions["helpline"]
    gateway = services.settings.gateway_lines.get(line)
    if gateway is None:
        abort(404)
    body = request.get_data()
    if not android_signature.is_valid(
        gateway.signing_key,
        body,
        request.headers.get("X-Signature", ""),
        request.headers.get("X-Timestamp", ""),
        time.time(),
    ):
        abort(403)
    try:
        event = json.loads(body)
        kind, event_id, payload = event["event"], event["id"], event.get("payload") or {}
        if not (isinstance(kind, str) and isinstance(event_id, str) and isinstance(payload, dict)):
            raise TypeError
        if not 0 < len(event_id) <= MAX_ID:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return Response("an event needs an id, its event and a payload\n", 400)

    if kind == "sms:received":
        answer = _text(services, line, event_id, payload)
    elif kind in DELIVERY:
        answer = _delivery(kind, payload)
    else:  # system:ping and the rest: only that the line is alive
        answer = received()
    if not spool.database_away():  # a connection timeout more would outlast the phone's 5 s
        health = payload.get("health") if kind == "system:ping" else None
        status = health.get("status") if isinstance(health, dict) else None
        _heartbeats().seen(line, kind, status if isinstance(status, str) else None)
    return answer


def _text(services, line: str, event_id: str, payload: dict) -> Response:
    """A family's SMS, to the same path as Twilio's: stored (or spooled) once, then triaged."""
    sender = payload.get("sender") or payload.get("phoneNumber") or ""
    phone = mainland_e164(sender) if isinstance(sender, str) else None
    if phone is None:
        # A carrier's or a bank's service number (a SIM's balance notice): never a family.
        log.info("line %s: event %s is from no family's number; not stored", line, event_id)
        return received()
    words = payload.get("message")
    body = clean_body(words if isinstance(words, str) else "")
    sms = spool.InboundSms(gateway_sid(event_id), phone, body, line=line)
    if not spool.accept(services, sms, inbound.receive_sms):
        return Response("the helpline cannot take messages right now\n", 503)  # retried
    return received()


def _delivery(kind: str, payload: dict) -> Response:
    """sms:sent, sms:delivered (once per part of a long text) or sms:failed for a text we sent
    with its key as the id; forward only, as for Twilio's callbacks."""
    message_id = payload.get("messageId")
    if isinstance(message_id, str) and message_id:
        reason = payload.get("reason") if kind == "sms:failed" else None
        with Session.begin() as session:
            outbound.report_delivery(
                session,
                gateway_sid(message_id),
                DELIVERY[kind],
                reason if isinstance(reason, str) else None,
            )
    return received()


def _heartbeats() -> Heartbeats:
    """This app's record of what it last wrote per line."""
    heartbeats = current_app.extensions.get("gateway_heartbeats")
    if heartbeats is None:
        heartbeats = current_app.extensions.setdefault("gateway_heartbeats", Heartbeats())
    return heartbeats
