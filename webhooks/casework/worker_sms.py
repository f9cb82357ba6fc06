"""A worker answering from their own phone: "#123 text" goes to case 123's family as if typed
in the inbox, "#123 结案" resolves it. Only the active workers' registered numbers get here."""

import logging
import re
import unicodedata

from sqlalchemy.orm import Session

from webhooks.casework import access, cases, staff
from webhooks.core.conversations import store_inbound
from webhooks.core.models import Case, Message, Worker
from webhooks.services import Services
from webhooks.sms import keywords
from webhooks.sms.keywords import Keyword

log = logging.getLogger(__name__)

# "#123 text", "＃１２３ text", "# 123text": the case number, then whatever follows.
COMMAND = re.compile(r"\s*[#＃]\s*([0-9０-９]{1,9})\s*(.*)", re.DOTALL)
RESOLVE_WORDS = frozenset({"结案", "结束", "已结案", "close", "resolve", "resolved", "done"})


def parse(body: str) -> tuple[int, str] | None:
    """(case id, the rest as written) for a command, None for anything else."""
    match = COMMAND.fullmatch(body)
    if match is None:
        return None
    return int(unicodedata.normalize("NFKC", match.group(1))), match.group(2).strip()


def is_resolve(rest: str) -> bool:
    plain = unicodedata.normalize("NFKC", rest).casefold()
    return plain.strip(" .。!！") in RESOLVE_WORDS


def handle(
    session: Session, services: Services, worker: Worker, body: str, provider_sid: str
) -> None:
    """Store the worker's SMS in their staff thread and carry out the command it holds."""
    thread = staff.staff_thread(session, worker)
    session.flush()
    message = store_inbound(session, thread, body, provider_sid=provider_sid)
    if message is None:
        return  # Twilio retried a message we already have
    message.author, message.worker_id = Message.WORKER, worker.id
    message.status = Message.HANDLED
    keyword = keywords.classify(body)
    if keyword in (Keyword.STOP, Keyword.START):  # the worker's own phone, their choice
        worker.texts_stopped = stopped = keyword is Keyword.STOP
        staff.text_worker(session, worker, "staff_stopped" if stopped else "staff_started")
        log.info("worker %s turned alert texts %s", worker.id, "off" if stopped else "on")
        return
    command = parse(body)
    if command is None or not command[1]:
        staff.text_worker(session, worker, "staff_help")
        return
    case_id, rest = command
    case = access.find_case(session, worker, case_id)
    if case is None:
        access.audit(session, worker.id, "denied", "case", case_id, channel="sms")
        staff.text_worker(session, worker, "staff_not_found", case=case_id)
        return
    message.case_id = case.id
    if case.status != Case.OPEN:
        staff.text_worker(session, worker, "staff_case_closed", about=case.id, case=case.id)
        return
    if is_resolve(rest):
        cases.resolve(session, case, worker.id)
        staff.text_worker(session, worker, "staff_resolved", about=case.id, case=case.id)
        log.info("worker %s resolved case %s by SMS", worker.id, case.id)
        return
    cases.reply(session, case, worker, rest)
    log.info("worker %s answered case %s by SMS", worker.id, case.id)
