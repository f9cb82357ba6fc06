"""The Twilio webhook: signatures, duplicates, bad input, and replies that need no bot."""

from sqlalchemy import func, select

from webhooks.core.db import Session
from webhooks.core.models import FamilyContact, Message

PHONE = "+8613800000001"


def count(model) -> int:
    """Rows now; tests compare before and after, as the live tests share the database."""
    with Session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_forged_signature_is_refused_and_stores_nothing(sms):
    params = {"MessageSid": "SM1", "From": PHONE, "To": "+1", "Body": "你好", "NumMedia": "0"}
    before = count(Message), count(FamilyContact)
    response = sms.post("http://localhost/sms/twilio", params, signature="forged")
    assert response.status_code == 403
    assert (count(Message), count(FamilyContact)) == before


def test_missing_signature_is_refused(sms):
    params = {"MessageSid": "SM2", "From": PHONE, "To": "+1", "Body": "你好", "NumMedia": "0"}
    before = count(Message)
    response = sms.post("http://localhost/sms/twilio", params, signature="")
    assert response.status_code == 403
    assert count(Message) == before


def test_signature_for_other_body_is_refused(sms):
    params = {"MessageSid": "SM3", "From": PHONE, "To": "+1", "Body": "hello", "NumMedia": "0"}
    signature = sms.validator.compute_signature("http://localhost/sms/twilio", params)
    before = count(Message)
    response = sms.post("http://localhost/sms/twilio", {**params, "Body": "tampered"}, signature)
    assert response.status_code == 403
    assert count(Message) == before


def test_signed_message_is_acknowledged_with_empty_twiml(sms):
    response = sms.text(PHONE, "hello")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert b"<Response></Response>" in response.data
    assert [m.body for m in sms.thread(PHONE) if m.direction == Message.IN] == ["hello"]


def test_twilio_retry_of_the_same_message_is_stored_once(sms):
    first = sms.text(PHONE, "HELP", sid="SMretry")
    again = sms.text(PHONE, "HELP", sid="SMretry")
    assert first.status_code == again.status_code == 200
    thread = sms.thread(PHONE)
    assert len([m for m in thread if m.direction == Message.IN]) == 1
    assert len(sms.replies(PHONE)) == 1


def test_phone_number_is_not_stored_in_clear(sms):
    sms.text(PHONE, "hello")
    with Session() as session:
        contact = session.scalars(select(FamilyContact)).one()
    assert PHONE not in contact.phone_ciphertext
    assert PHONE.lstrip("+") not in contact.phone_hash


def test_request_without_sender_gets_a_clear_400(sms):
    before = count(Message)
    response = sms.post("http://localhost/sms/twilio", {"MessageSid": "SM4", "Body": "hi"})
    assert response.status_code == 400
    assert b"From" in response.data
    assert count(Message) == before
