"""The helpline's records: families, conversations, messages, cases, regions, workers, audit."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webhooks.core.db import Base, UTCDateTime, utcnow


class Region(Base):
    """A place in the hierarchy province > county > township > village."""

    __tablename__ = "region"
    LEVELS = ("province", "county", "township", "village")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    # Other names families use for it (an old name, the name in pinyin, a nickname).
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    parent: Mapped[Optional["Region"]] = relationship(remote_side=[id])


class FamilyContact(Base):
    """A family's phone: stored encrypted, found by a keyed hash, never logged."""

    __tablename__ = "family_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_ciphertext: Mapped[str] = mapped_column(Text)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Set when the family's data was erased: no number, no text; the rows stay for statistics.
    erased_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Optional[Region]] = relationship()


class Conversation(Base):
    """One family's thread on one channel, known to Rasa only by its pseudonym.

    Mode BOT: the bot answers (also while a distress case about aid waits for a worker's first
    reply). Mode HUMAN: a case is open and the bot stays silent.
    Channel STAFF is not a family's: it is the SMS thread between the helpline and one worker's
    own phone (case alerts out, "#123 text" commands in), sent through the same outbound queue.
    """

    __tablename__ = "conversation"
    SMS, WEB, STAFF = "sms", "web", "staff"
    # A call from a hidden number: one conversation per call, nothing can be texted back.
    CALL = "call"
    BOT, HUMAN = "bot", "human"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[Optional[int]] = mapped_column(ForeignKey("family_contact.id"))
    channel: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(8), default=BOT)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    # Web chat only: hash of the browser's secret token, which stands in for a phone number.
    web_token_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    # What the bot still wanted to say after the turn's segment budget ran out (sent on MORE).
    more_text: Mapped[Optional[str]] = mapped_column(Text)
    # The family was asked where they live (webhooks/casework/placement.py); the numbered
    # places they were offered when several fit; whether their answer was read.
    place_asked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    place_choices: Mapped[Optional[list[int]]] = mapped_column(JSON)
    place_answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The fact the bot's last turn asked the family about, and when (webhooks/messaging/turns.py):
    # the family's next text is read as its answer (webhooks/messaging/inbound.py).
    bot_asked: Mapped[Optional[str]] = mapped_column(String(64))
    bot_asked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Where a family without a phone (web chat) lives; an SMS family's place is on its contact.
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    # Staff threads only: the worker whose phone this thread texts.
    worker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"), unique=True)
    # The Android gateway line (one phone of several) the family last texted: their replies
    # leave from it, so they keep one number. None: the one sender (Twilio), or the first line.
    line: Mapped[Optional[str]] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Optional[FamilyContact]] = relationship()
    region: Mapped[Optional[Region]] = relationship()
    worker: Mapped[Optional["Worker"]] = relationship(foreign_keys=[worker_id])
    messages: Mapped[list["Message"]] = relationship(
        back_populates="conversation", order_by="Message.id"
    )

    @property
    def family_region(self) -> Optional[Region]:
        """Where the family lives, if known: on the contact (SMS) or here (web chat)."""
        return self.contact.region if self.contact is not None else self.region

    def place_family(self, region: Region) -> None:
        if self.contact is not None:
            self.contact.region = region
        else:
            self.region = region

    __table_args__ = (
        Index("ix_conversation_contact_channel", "contact_id", "channel", unique=True),
    )


class Message(Base):
    """One message in or out of a conversation.

    Inbound: RECEIVED (waiting for its turn) > HANDLED (answered, or left for a worker).
    Outbound: QUEUED > SENDING > SENT > DELIVERED, or UNDELIVERED / FAILED as the provider
    reports; SUPPRESSED when the family opted out before it left; SPOKEN when it was read
    aloud to a family on a call (webhooks/messaging/voice.py) instead of texted.
    Kind says why an outbound message exists; only an opt-out confirmation may reach a family
    who has opted out.
    """

    __tablename__ = "message"
    IN, OUT = "in", "out"
    FAMILY, BOT, WORKER, SYSTEM = "family", "bot", "worker", "system"
    RECEIVED, HANDLED = "received", "handled"
    QUEUED, SENDING, SENT, DELIVERED = "queued", "sending", "sent", "delivered"
    UNDELIVERED, FAILED, SUPPRESSED = "undelivered", "failed", "suppressed"
    SPOKEN = "spoken"
    REPLY, OPT_OUT_CONFIRMATION, HOLDING, EMERGENCY = "reply", "opt_out", "holding", "emergency"
    # Outbound: which texts take the sender's budget first. URGENT: the emergency reply and
    # alerts about a child in danger, sent ahead of every other text waiting.
    NORMAL, URGENT = 0, 2

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    author: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16), default=REPLY)
    worker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"))
    # Twilio's MessageSid (inbound) or the provider's id for a sent message: unique, so a
    # retried webhook cannot be stored twice.
    provider_sid: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    # The inbound message an outbound message answers.
    reply_to_id: Mapped[Optional[int]] = mapped_column(ForeignKey("message.id"))
    # Staff threads: the case an alert or a worker's command is about, so erasing the family
    # erases these words too.
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("support_case.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[Optional[str]] = mapped_column(String(200))
    danger: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=NORMAL, server_default="0")
    holding_reply_sent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class DeliveryAttempt(Base):
    """One try at handing an outbound message to the SMS provider."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # sent | retry | failed
    error: Mapped[Optional[str]] = mapped_column(String(200))


class Worker(Base):
    """A village child welfare director, township supervisor or admin who answers families."""

    __tablename__ = "worker"
    ROLES = ("worker", "supervisor", "admin")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="worker")
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    password_hash: Mapped[str] = mapped_column(String(256))
    phone_ciphertext: Mapped[Optional[str]] = mapped_column(Text)
    phone_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    # The language of the SMS alerts the worker's phone gets.
    language: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(default=True)
    # The worker texted STOP from their phone: no texts to it until they text START.
    texts_stopped: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Optional[Region]] = relationship()


class Case(Base):
    """A conversation handed to a person.

    OPEN (the conversation is in human mode; a distress case about aid leaves the bot answering
    until a worker replies) > RESOLVED (the family is back with the bot).
    RESOLVED > FOLLOW_UP when the family is asked whether they applied for a referral (human mode
    again, so their answer reaches the case) > RESOLVED ("yes") or OPEN ("no", or a question).
    """

    __tablename__ = "support_case"
    OPEN, RESOLVED, FOLLOW_UP = "open", "resolved", "follow_up"
    NORMAL, URGENT = "normal", "urgent"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    reason: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16), default=NORMAL)
    summary: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"), index=True)
    # A worker who opened the case themselves; None when the bot or the danger screen did.
    opened_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it became urgent, on opening or later: the urgent deadline runs from then, so a case
    # made urgent after a day's wait is not overdue the moment it is.
    urgent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    first_reply_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # When nobody had replied in time and the supervisor was alerted.
    escalated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    resolved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    follow_up_asked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # The danger screen was not sure and asked the family "is a child in danger now?"; cleared
    # by their answer, which sets the priority.
    danger_question_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # A danger report the family was not asked about (one the screen was sure of, without a
    # question about aid, or a sign of self-harm): their "no" to a danger question asked about
    # another report does not lower the case.
    stays_urgent: Mapped[bool] = mapped_column(default=False, server_default=false())

    conversation: Mapped[Conversation] = relationship()
    region: Mapped[Optional[Region]] = relationship()
    assignee: Mapped[Optional[Worker]] = relationship(foreign_keys=[assignee_id])
    referrals: Mapped[list["Referral"]] = relationship(
        back_populates="case", order_by="Referral.id"
    )


class CaseEvent(Base):
    """One entry in a case's history: an internal note, or something a person or job did."""

    __tablename__ = "case_event"
    NOTE, OPENED, CLAIMED, TRANSFERRED, RESOLVED = (
        "note",
        "opened",
        "claimed",
        "transferred",
        "resolved",
    )
    REOPENED, ESCALATED, URGENT, PLACED = "reopened", "escalated", "urgent", "placed"
    REFERRED, OUTCOME, FOLLOW_UP, ANSWERED = "referred", "outcome", "follow_up", "answered"
    # The family's answer to "is a child in danger now?": yes keeps the case urgent, no lowers it.
    DANGER_ANSWER = "danger_answer"
    # A caller's recorded message (detail: recording URL, seconds, Twilio's transcription).
    VOICEMAIL = "voicemail"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # A note's words; empty for the other kinds, whose particulars are in detail.
    body: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    worker: Mapped[Optional[Worker]] = relationship()


class Referral(Base):
    """A programme a case referred the family to, and what became of it.

    REFERRED > APPLIED > APPROVED or REFUSED; WITHDRAWN at any point. The family is asked once,
    FOLLOW_UP_DAYS after the referral, whether they applied.
    """

    __tablename__ = "referral"
    REFERRED, APPLIED, APPROVED = "referred", "applied", "approved"
    REFUSED, WITHDRAWN = "refused", "withdrawn"
    STATUSES = (REFERRED, APPLIED, APPROVED, REFUSED, WITHDRAWN)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    programme: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=REFERRED, index=True)
    referred_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    follow_up_sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="referrals")


class AuditEvent(Base):
    """Who did what to which record, and when: every look at a family's data is written here."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("worker.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[Optional[int]]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Call(Base):
    """One phone call to the helpline's voice line (webhooks/channels/voice.py): for the family's
    conversation, and for the dashboard's counts (answered, minutes, put through, voicemails)."""

    __tablename__ = "call"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Twilio's CallSid: it names the call, not the caller.
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    seconds: Mapped[Optional[int]]
    # How far the call got: Twilio's last CallStatus (in-progress, completed, busy, failed...).
    status: Mapped[str] = mapped_column(String(16), default="in-progress")
    # The family asked for a person ("0"): whether one answered, and whether they left a message.
    asked_for_person: Mapped[bool] = mapped_column(default=False)
    put_through: Mapped[bool] = mapped_column(default=False)
    voicemail: Mapped[bool] = mapped_column(default=False)

    conversation: Mapped[Conversation] = relationship()


class GatewayLine(Base):
    """An Android phone relaying texts (webhooks/channels/android.py), one row per line: when it
    last reported anything, so a phone that went quiet shows on /readyz and the dashboard."""

    __tablename__ = "gateway_line"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_event: Mapped[str] = mapped_column(String(32))
    # The phone's own verdict in its last ping: pass, warn or fail (battery, signal, failures).
    health: Mapped[Optional[str]] = mapped_column(String(8))


class Lease(Base):
    """Something one job holds until a time: e.g. "turns-42", answering conversation 42."""

    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
