"""Twilio's SMS webhooks: a family's text in, and delivery reports for what we sent."""

from flask import Blueprint, Response, abort, current_app, request

from webhooks.core.db import Session
from webhooks.messaging import inbound, outbound, spool
from webhooks.sms import signature
from webhooks.sms.cleaning import PHONE, clean_body

bp = Blueprint("sms", __name__, url_prefix="/sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


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
    if not spool.accept(
        services, spool.InboundSms(sid, phone, body, has_media), inbound.receive_sms
    ):
        return Response("the helpline cannot take messages right now\n", 503)
    return twiml()


@bp.post("/twilio/status")
def twilio_status():
    _checked_request()
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "")
    if status not in outbound.DELIVERY_ORDER:
        return Response("unknown MessageStatus\n", 400)
    with Session.begin() as session:
        outbound.report_delivery(session, sid, status, request.form.get("ErrorCode"))
    return twiml()
