"""Inbox pages and the JSON they poll: sign in, queues, a case's conversation and its actions.

Every case is fetched through auth.case_or_404, which keeps the worker inside their area.
(Over 400 lines for that reason: every route of the inbox blueprint in one place, each a few
lines that hand the work to casework and present.)
"""

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webhooks import auth
from webhooks.auth import case_or_404, limiter, staff_required
from webhooks.casework import access, cases, placement, referrals, routing
from webhooks.core.db import Session
from webhooks.core.models import Case, CaseEvent, Message, Referral, Worker
from webhooks.core.parsing import whole_number
from webhooks.core.texts import both, text
from webhooks.inbox import bp, forms, present, queues

CANNED_REPLIES = ("canned_received", "canned_call", "canned_documents", "canned_emergency")
# Checked when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password")


@bp.after_request
def staff_headers(response):
    return auth.security_headers(response)


@bp.app_errorhandler(404)
@bp.app_errorhandler(403)
@bp.app_errorhandler(400)
def error(e):
    if request.blueprint not in ("inbox", "dashboard"):
        return e
    if auth.wants_json():
        return jsonify(error=e.name), e.code
    return render_template("inbox/error.html", error=e), e.code


def _login_name() -> str:
    return "login:" + request.form.get("username", "").strip().casefold()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth.login_rate_limit, methods=["POST"], deduct_when=auth.failed_login)
@limiter.limit(
    auth.login_rate_limit, methods=["POST"], key_func=_login_name, deduct_when=auth.failed_login
)
def login():
    form = forms.LoginForm()
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    if form.validate_on_submit():
        with Session.begin() as session:
            worker = session.scalar(select(Worker).where(Worker.username == form.username.data))
            hashed = worker.password_hash if worker else _DUMMY_HASH
            good = check_password_hash(hashed, form.password.data) and worker and worker.active
            access.audit(
                session,
                worker.id if worker else None,
                "login" if good else "login_failed",
                "worker",
                worker.id if worker else None,
            )
            if good:
                login_user(auth.staff_of(worker))
                return redirect(_safe_next(request.args.get("next")))
        flash(both("flash_wrong_login"), "error")
    return render_template("inbox/login.html", form=form)


@bp.post("/logout")
@staff_required
def logout():
    if forms.ConfirmForm().validate_on_submit():
        logout_user()
    return redirect(url_for("inbox.login"))


@bp.get("/")
def home():
    return redirect(url_for("inbox.index"))


@bp.get("/inbox")
@staff_required
def index():
    with Session() as session:
        counts = queues.counts(session, current_user)
        name = request.args.get("queue") or next(
            (q for q in (queues.URGENT, queues.UNASSIGNED, queues.MINE) if counts[q]), queues.MINE
        )
        if name not in queues.QUEUES:
            abort(404)
        page = _page(queues.pages(counts[name]))
        rows = [present.case_row(c) for c in queues.cases_in(session, current_user, name, page)]
    return render_template(
        "inbox/queue.html",
        queues=queues.QUEUES,
        current=name,
        counts=counts,
        rows=rows,
        page=page,
        pages=queues.pages(counts[name]),
        poll_seconds=_poll_seconds(),
    )


def _page(last: int) -> int:
    """The ?page= asked for, within 1..last; anything else is page 1."""
    page = whole_number(request.args.get("page", "1"))
    return page if page is not None and 1 <= page <= last else 1


@bp.get("/inbox/api/queues")
@staff_required
def queue_json():
    name = request.args.get("queue", queues.MINE)
    if name not in queues.QUEUES:
        abort(404)
    with Session() as session:
        counts = queues.counts(session, current_user)
        page = _page(queues.pages(counts[name]))
        return jsonify(
            counts=counts,
            page=page,
            cases=[present.case_row(c) for c in queues.cases_in(session, current_user, name, page)],
        )


@bp.get("/inbox/go")
@staff_required
def go():
    number = whole_number(request.args.get("case", "").strip().lstrip("#＃"))
    if number is None:
        flash(both("flash_enter_a_case_number"), "error")
        return redirect(url_for("inbox.index"))
    return redirect(url_for("inbox.case_view", case_id=number))


@bp.get("/inbox/cases/<int:case_id>")
@staff_required
def case_view(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        access.audit(
            session, current_user.id, "open", "case", case.id, conversation=case.conversation_id
        )
        return _render_case(session, case, reveal=False)


@bp.post("/inbox/cases/<int:case_id>/phone")
@staff_required
def show_phone(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        access.audit(
            session,
            current_user.id,
            "show_phone",
            "case",
            case.id,
            conversation=case.conversation_id,
        )
        return _render_case(session, case, reveal=True)


@bp.get("/inbox/api/cases/<int:case_id>/timeline")
@staff_required
def timeline_json(case_id: int):
    after_message = whole_number(request.args.get("after_message", "0"))
    after_event = whole_number(request.args.get("after_event", "0"))
    if after_message is None or after_event is None:
        return jsonify(error="after_message and after_event are whole numbers"), 400
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        sealed = access.sealed(session, current_user, case)
        items = present.timeline(session, case.conversation, sealed, after_message, after_event)
        if items:  # who read which of the family's words: each read that returned any
            access.audit(
                session,
                current_user.id,
                "read",
                "case",
                case.id,
                after_message=after_message,
                after_event=after_event,
                items=len(items),
            )
        recent = session.execute(
            select(Message.id, Message.status)
            .where(Message.conversation_id == case.conversation_id)
            .where(Message.direction == Message.OUT)
            .order_by(Message.id.desc())
            .limit(20)
        ).all()
        return jsonify(
            case=present.case_row(case),
            items=items,
            statuses={str(i): present.delivery(s) for i, s in recent},
        )


@bp.post("/inbox/cases/<int:case_id>/claim")
@staff_required
def claim(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        _valid(forms.ConfirmForm())
        if cases.claim(session, case, current_user.id):
            flash(both("flash_claimed"), "ok")
        else:
            flash(both("flash_claim_taken"), "error")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/transfer")
@staff_required
def transfer(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        form = _valid(forms.TransferForm())
        to = session.get(Worker, form.worker_id.data)
        if to is None or not routing.can_answer(session, to, case.region_id):
            flash(both("flash_transfer_not_their_area"), "error")
            return _back(case_id)
        cases.transfer(session, case, current_user.id, to)
        flash(both("flash_transferred", name=to.display_name), "ok")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/reply")
@staff_required
def reply(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        form = _valid(forms.ReplyForm(), both("flash_reply_length"))
        if form is None:
            return _back(case_id)
        if case.status != Case.OPEN:
            flash(both("flash_case_closed_reopen"), "error")
            return _back(case_id)
        cases.reply(session, case, session.get(Worker, current_user.id), form.body.data.strip())
        flash(both("flash_sent"), "ok")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/notes")
@staff_required
def note(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        form = _valid(forms.NoteForm(), both("flash_note_empty"))
        if form is not None:
            cases.add_note(session, case, current_user.id, form.body.data.strip())
            flash(both("flash_note_saved"), "ok")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/resolve")
@staff_required
def resolve(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        _valid(forms.ConfirmForm())
        if cases.resolve(session, case, current_user.id):
            flash(both("flash_resolved"), "ok")
        else:
            flash(both("flash_case_not_open"), "error")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/reopen")
@staff_required
def reopen(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        _valid(forms.ConfirmForm())
        if cases.active_case_of(session, case.conversation) is not None:
            flash(both("flash_family_has_open_case"), "error")
            return _back(case_id)
        new = cases.open_again(session, case, session.get(Worker, current_user.id))
        flash(both("flash_case_opened", case=new.id), "ok")
        new_id = new.id
    return _back(new_id)


@bp.post("/inbox/cases/<int:case_id>/region")
@staff_required
def place(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        form = _valid(forms.PlaceForm())
        allowed = {r.id: r for r in access.placeable_regions(session, current_user)}
        region = allowed.get(form.region_id.data)
        if region is None:
            flash(both("flash_region_not_allowed"), "error")
            return _back(case_id)
        cases.place(session, case, region, current_user.id)
        flash(both("flash_region_set", region=region.name), "ok")
        still_visible = access.find_case(session, current_user, case_id) is not None
    return _back(case_id) if still_visible else redirect(url_for("inbox.index"))


@bp.post("/inbox/cases/<int:case_id>/referrals")
@staff_required
def refer(case_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        form = _valid(forms.ReferForm())
        referrals.refer(session, case, form.programme.data, current_user.id)
        flash(both("flash_referral_recorded"), "ok")
    return _back(case_id)


@bp.post("/inbox/cases/<int:case_id>/referrals/<int:referral_id>")
@staff_required
def outcome(case_id: int, referral_id: int):
    with Session.begin() as session:
        case = case_or_404(session, case_id)
        referral = session.get(Referral, referral_id)
        if referral is None or referral.case_id != case.id:
            abort(404)
        form = _valid(forms.OutcomeForm())
        referrals.record_outcome(session, referral, form.status.data, current_user.id)
        flash(both("flash_updated"), "ok")
    return _back(case_id)


def _render_case(session, case: Case, reveal: bool):
    conversation = case.conversation
    services = current_app.extensions["helpline"]
    items = present.timeline(session, conversation, access.sealed(session, current_user, case))
    last_event = session.scalar(
        select(func.max(CaseEvent.id)).join(Case).where(Case.conversation_id == conversation.id)
    )
    colleagues = [
        w for w in routing.colleagues_for(session, case.region_id) if w.id != case.assignee_id
    ]
    contact = conversation.contact
    return render_template(
        "inbox/case.html",
        case=case,
        row=present.case_row(case),
        conversation=conversation,
        phone=present.phone_shown(conversation, services.vault, reveal),
        revealed=reveal,
        opted_out=bool(contact and contact.opted_out),
        items=items,
        last_message=max((i["id"] for i in items if i["kind"] == "message"), default=0),
        last_event=last_event or 0,
        facts=present.facts_shown(case.facts),
        eligibility=present.eligibility(case.facts),
        likely=[referrals.programme_names(p) for p in case.programmes],
        referrals=case.referrals,
        referral_labels=present.REFERRAL_STATUSES,
        programme_choices=referrals.programme_choices(),
        programme_names=dict(referrals.programme_choices()),
        colleagues=colleagues,
        # "城关镇东风村", not "东风村": a county has villages of the same name in two townships.
        regions=[
            {"id": region.id, "name": placement.full_name(region)}
            for region in access.placeable_regions(session, current_user)
        ],
        canned=[(key, text(key, conversation.language)) for key in CANNED_REPLIES],
        reply_max=cases.REPLY_MAX_CHARS,
        poll_seconds=_poll_seconds(),
    )


def _valid(form, message: str = ""):
    """The form if its fields are valid; else a flash (and None), or 400 for a broken request."""
    if form.validate_on_submit():
        return form
    if isinstance(form, forms.ReplyForm | forms.NoteForm):
        flash(message or both("flash_form_not_valid"), "error")
        return None
    abort(400)


def _back(case_id: int):
    return redirect(url_for("inbox.case_view", case_id=case_id))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect). Browsers drop tabs,
    newlines and other control characters from a URL and read a backslash as a slash, so
    "/\t/evil.example" would become "//evil.example": anything but printable ASCII is refused,
    and what is left must parse as a path with no scheme and no host."""
    if not target or not target.isascii() or not target.isprintable() or "\\" in target:
        return url_for("inbox.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("inbox.index")
    return target


def _poll_seconds() -> float:
    return current_app.extensions["helpline"].settings.INBOX_POLL_SECONDS
