"""A family's own data: everything held about them, for export; and its erasure.

A family is a phone number with every conversation from it, or a web chat (which has no
number) on its own. Erasure keeps the rows (so statistics still count the messages, cases and
referrals) but leaves no words and no number: bodies, summaries, facts and notes are emptied,
the phone's ciphertext and lookup hash are replaced, a web chat's token stops working, and each
conversation gets a new pseudonym. What Rasa's tracker store keeps under the old pseudonyms
is deleted by the caller (webhooks/core/rasa.py: forget_trackers), and texts spooled on disk
during a database outage by the spool (webhooks/messaging/spool.py).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select, update
from sqlalchemy.orm import Session

from webhooks.core.conversations import new_pseudonym
from webhooks.core.crypto import PhoneVault
from webhooks.core.db import utcnow
from webhooks.core.models import Call, Case, CaseEvent, Conversation, FamilyContact, Message

ERASED = ""


@dataclass(frozen=True)
class Family:
    """Whom an export or erasure is about: a number (`contact`) and its conversations, or one
    web chat with no contact."""

    contact: FamilyContact | None
    conversations: tuple[Conversation, ...]

    @property
    def id(self) -> int:
        """For the audit log: the contact's id, or the web chat's conversation id."""
        return self.contact.id if self.contact else self.conversations[0].id

    @property
    def kind(self) -> str:
        return "family" if self.contact else "web_chat"

    @property
    def pseudonyms(self) -> list[str]:
        """What Rasa knows each conversation by."""
        return [conversation.pseudonym for conversation in self.conversations]


def find_family(
    session: Session,
    vault: PhoneVault,
    phone: str | None = None,
    case_id: int | None = None,
    conversation_id: int | None = None,
) -> Family | None:
    """The family by their number, one of their cases, or a conversation (a web chat's)."""
    contact = None
    if phone:
        contact = session.scalar(
            select(FamilyContact).where(FamilyContact.phone_hash == vault.lookup_hash(phone))
        )
        if contact is None:
            return None
    else:
        case = session.get(Case, case_id) if case_id is not None else None
        conversation = case.conversation if case else session.get(Conversation, conversation_id)
        if conversation is None or conversation.channel == Conversation.STAFF:
            return None
        if conversation.contact is None:
            return Family(None, (conversation,))
        contact = conversation.contact
    conversations = session.scalars(
        select(Conversation).where(Conversation.contact_id == contact.id).order_by(Conversation.id)
    ).all()
    return Family(contact, tuple(conversations))


def export(session: Session, vault: PhoneVault, family: Family) -> dict[str, Any]:
    """Everything the helpline holds about the family, as JSON data."""
    contact = family.contact
    if contact is None:
        conversation = family.conversations[0]
        about = {
            "phone": None,
            "region": conversation.region.code if conversation.region else None,
            "first_contact": conversation.created_at.isoformat(),
        }
    else:
        about = {
            "phone": None if contact.erased_at else vault.decrypt(contact.phone_ciphertext),
            "region": contact.region.code if contact.region else None,
            "opted_out": contact.opted_out,
            "first_contact": contact.created_at.isoformat(),
            "erased_at": contact.erased_at.isoformat() if contact.erased_at else None,
        }
    return {**about, "conversations": [_conversation(session, c) for c in family.conversations]}


def _conversation(session: Session, conversation: Conversation) -> dict[str, Any]:
    cases = session.scalars(
        select(Case).where(Case.conversation_id == conversation.id).order_by(Case.id)
    ).all()
    return {
        "channel": conversation.channel,
        "language": conversation.language,
        "messages": [
            {
                "at": m.created_at.isoformat(),
                "direction": m.direction,
                "author": m.author,
                "body": m.body,
                "status": m.status,
            }
            for m in conversation.messages
        ],
        "cases": [
            {
                "id": case.id,
                "status": case.status,
                "reason": case.reason,
                "priority": case.priority,
                "summary": case.summary,
                "facts": case.facts,
                "opened_at": case.opened_at.isoformat(),
                "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
                "notes": [
                    {"at": e.at.isoformat(), "body": e.body}
                    for e in session.scalars(
                        select(CaseEvent)
                        .where(CaseEvent.case_id == case.id, CaseEvent.kind == CaseEvent.NOTE)
                        .order_by(CaseEvent.id)
                    )
                ],
                "referrals": [
                    {"programme": r.programme, "status": r.status, "at": r.referred_at.isoformat()}
                    for r in case.referrals
                ],
            }
            for case in cases
        ],
    }


def erase(session: Session, family: Family) -> dict[str, int]:
    """Remove the family's words and number; keep countable rows. Returns what was emptied."""
    conversation_ids = [conversation.id for conversation in family.conversations]
    case_ids = select(Case.id).where(Case.conversation_id.in_(conversation_ids))
    about_family = Message.conversation_id.in_(conversation_ids) | Message.case_id.in_(case_ids)
    messages = session.execute(
        update(Message)
        .where(about_family)
        .values(body=ERASED, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Message)
        .where(Message.conversation_id.in_(conversation_ids))
        .where(Message.status.in_((Message.QUEUED, Message.SENDING)))
        .values(status=Message.SUPPRESSED)
        .execution_options(synchronize_session=False)
    )
    cases = session.execute(
        update(Case)
        .where(Case.id.in_(case_ids))
        .values(summary=ERASED, facts={})
        .execution_options(synchronize_session=False)
    ).rowcount
    notes = session.execute(
        update(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids))
        .values(body=ERASED)
        .execution_options(synchronize_session=False)
    ).rowcount
    recordings = [  # kept at Twilio: the operator deletes them there (erase-family says which)
        str(event.detail.get("recording_sid"))
        for event in session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id.in_(case_ids), CaseEvent.kind == CaseEvent.VOICEMAIL
            )
        )
        if event.detail.get("recording_sid")
    ]
    session.execute(  # Twilio's call ids lead back to the number in its call logs
        update(Call)
        .where(Call.conversation_id.in_(conversation_ids))
        .values(sid="erased-" + cast(Call.id, String))
        .execution_options(synchronize_session=False)
    )
    session.execute(  # where a caller's recorded voice is kept
        update(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind == CaseEvent.VOICEMAIL)
        .values(detail={})
        .execution_options(synchronize_session=False)
    )
    for conversation in family.conversations:
        conversation.pseudonym = new_pseudonym()
        conversation.more_text = None
        conversation.web_token_hash = None
    contact = family.contact
    if contact is not None:
        contact.phone_ciphertext = ERASED
        contact.phone_hash = f"erased-{contact.id}"
        contact.erased_at = utcnow()
    session.flush()
    return {"messages": messages, "cases": cases, "events": notes, "recordings": recordings}
