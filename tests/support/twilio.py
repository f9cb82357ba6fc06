"""Twilio as the app meets it: signed webhook requests, built with the twilio library."""

import uuid
from urllib.parse import urljoin
from xml.etree import ElementTree

import requests
from twilio.request_validator import RequestValidator

from webhooks.core.conversations import find_sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Message

SMS_URL = "http://localhost/sms/twilio"
STATUS_URL = "http://localhost/sms/twilio/status"


def sms_params(phone: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    """The form fields Twilio posts for an inbound SMS."""
    return {
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+10000000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


class TwilioSender:
    """Posts what Twilio would post, signed with the app's auth token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.services = app.extensions["helpline"]
        self.validator = RequestValidator(self.services.settings.TWILIO_AUTH_TOKEN)

    def post(self, url: str, params: dict[str, str], signature: str | None = None):
        if signature is None:
            signature = self.validator.compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return self.client.post(url, data=params, headers=headers)

    def text(self, phone: str, body: str, sid: str | None = None, **extra):
        """A family's SMS; returns the HTTP response Twilio would get."""
        return self.post(SMS_URL, sms_params(phone, body, sid, **extra))

    def status(self, message_sid: str, status: str, **extra):
        return self.post(STATUS_URL, {"MessageSid": message_sid, "MessageStatus": status, **extra})

    def thread(self, phone: str) -> list[Message]:
        """Every message of this number's SMS conversation, oldest first."""
        with Session() as session:
            conversation = find_sms_conversation(session, self.services.vault, phone)
            return list(conversation.messages) if conversation else []

    def replies(self, phone: str) -> list[str]:
        """What the family's phone received (sent or delivered), in order."""
        sent = (Message.SENT, Message.DELIVERED)
        return [
            m.body for m in self.thread(phone) if m.direction == Message.OUT and m.status in sent
        ]


class Call:
    """One phone call to the voice line as Twilio makes it: signed webhook posts to a running
    app, each following the TwiML's last <Gather> (or <Record>, <Dial>) action; or to the app
    in this process, through its test `client` (base_url http://localhost)."""

    def __init__(
        self, base_url: str, auth_token: str, phone: str, to: str = "+10000000000", client=None
    ):
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.fields = {
            "CallSid": "CA" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": phone,
            "To": to,
            "Direction": "inbound",
        }
        self.twiml: ElementTree.Element | None = None
        self.text = ""  # the last TwiML as it came
        self.url = self.base_url + "/voice/twilio"

    @property
    def sid(self) -> str:
        return self.fields["CallSid"]

    def post(self, url: str, signed: bool = True, **extra: str) -> requests.Response:
        params = {**self.fields, **extra}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        if self.client is not None:  # Flask's test response has status_code, headers and text
            return self.client.post(url, data=params, headers=headers if signed else {})
        return requests.post(url, data=params, headers=headers if signed else {}, timeout=30)

    def _follow(self, url: str, **extra: str) -> ElementTree.Element:
        response = self.post(url, **extra)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/xml")
        self.url, self.text = url, response.text
        self.twiml = ElementTree.fromstring(response.text)
        return self.twiml

    def dial_in(self) -> ElementTree.Element:
        return self._follow(self.base_url + "/voice/twilio")

    def action(self, verb: str) -> str:
        """The absolute URL of the current TwiML's `verb` action, as Twilio resolves it."""
        node = self.twiml.find(f".//{verb}")
        assert node is not None, f"no <{verb}> in {ElementTree.tostring(self.twiml).decode()}"
        return urljoin(self.url, node.get("action"))

    def say(self, words: str) -> ElementTree.Element:
        """The caller speaks; Twilio posts what its speech recognition heard."""
        return self._follow(self.action("Gather"), SpeechResult=words, Confidence="0.9")

    def press(self, digits: str) -> ElementTree.Element:
        return self._follow(self.action("Gather"), Digits=digits)

    def again(self, **extra: str) -> ElementTree.Element:
        """Twilio posting the last request once more (a retry)."""
        return self._follow(self.url, **extra)

    def dialled(self, status: str) -> ElementTree.Element:
        return self._follow(self.action("Dial"), DialCallStatus=status)

    def record(self, seconds: int, recording_sid: str = "") -> ElementTree.Element:
        """The caller leaves a message of `seconds`; Twilio posts the <Record> action, and
        later its transcription to the transcribeCallback (see transcribed)."""
        sid = recording_sid or "RE" + uuid.uuid4().hex
        url = f"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/{sid}"
        node = self.twiml.find(".//Record")
        callback = node.get("transcribeCallback")  # asked for English messages only
        self.transcribe_url = urljoin(self.url, callback) if callback else None
        return self._follow(
            self.action("Record"),
            RecordingSid=sid,
            RecordingUrl=url,
            RecordingDuration=str(seconds),
        )

    def transcribed(self, recording_sid: str, words: str) -> requests.Response:
        return self.post(
            self.transcribe_url,
            RecordingSid=recording_sid,
            TranscriptionText=words,
            TranscriptionStatus="completed",
        )

    def worker_picks_up(self, press: str | None) -> requests.Response:
        """A ringing worker's phone answers: Twilio posts the whisper for that leg (its parent
        is this call), then the key they pressed, if any."""
        number = self.twiml.find(".//Dial/Number")
        whisper = self.post(urljoin(self.url, number.get("url")), ParentCallSid=self.sid)
        gather = ElementTree.fromstring(whisper.text).find("Gather")
        keys = {"Digits": press} if press else {}
        return self.post(urljoin(self.url, gather.get("action")), ParentCallSid=self.sid, **keys)

    def hang_up(self, seconds: int) -> requests.Response:
        url = self.base_url + "/voice/twilio/status"
        return self.post(url, CallStatus="completed", CallDuration=str(seconds))

    def heard(self) -> list[str]:
        """What the caller hears from the current TwiML, in order."""
        return [node.text or "" for node in self.twiml.iter("Say")]
