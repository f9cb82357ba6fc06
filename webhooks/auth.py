"""Who is signed in, what their role allows, and which region's families they may see.

Region scoping lives here, once: every inbox, dashboard and worker-SMS lookup of a case or a
region goes through region_scope(), never a hand-written filter in a view.
"""

import hashlib
from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, current_app, jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session as OrmSession

from webhooks.casework import access
from webhooks.core.db import Session
from webhooks.core.models import Case, Worker

WORKER, SUPERVISOR, ADMIN = Worker.ROLES

csrf = CSRFProtect()
login_manager = LoginManager()
# Only failed logins count: a worker signing in on several phones is not an attack.
limiter = Limiter(key_func=get_remote_address)


@dataclass(frozen=True)
class Staff(UserMixin):
    """The signed-in worker as the request sees them: plain values, no database session."""

    id: int
    username: str
    display_name: str
    role: str
    region_id: int | None
    token: str  # changes with the password, so a reset signs out every other session

    def get_id(self) -> str:
        return f"{self.id}.{self.token}"

    @property
    def is_supervisor(self) -> bool:
        return self.role in (SUPERVISOR, ADMIN)


def session_token(worker: Worker) -> str:
    return hashlib.sha256(worker.password_hash.encode()).hexdigest()[:16]


def staff_of(worker: Worker) -> Staff:
    return Staff(
        worker.id,
        worker.username,
        worker.display_name,
        worker.role,
        worker.region_id,
        session_token(worker),
    )


def init_app(app: Flask) -> None:
    settings = app.extensions["helpline"].settings
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.REDIS_URL or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", settings.QUEUE_NAME)
    app.config.update(
        REMEMBER_COOKIE_SECURE=settings.APP_ENV == "production",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "inbox.login"
    login_manager.session_protection = "strong"
    limiter.init_app(app)


@login_manager.user_loader
def load_staff(user_id: str) -> Staff | None:
    worker_id, _, token = user_id.partition(".")
    if not worker_id.isdigit():
        return None
    with Session() as session:
        worker = session.get(Worker, int(worker_id))
        if worker is None or not worker.active or session_token(worker) != token:
            return None
        return staff_of(worker)


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return jsonify(error="sign in first"), 401
    return redirect(url_for("inbox.login", next=request.full_path.rstrip("?")))


def wants_json() -> bool:
    return "/api/" in request.path or request.path.endswith(".csv")


def login_rate_limit() -> str:
    return current_app.extensions["helpline"].settings.LOGIN_RATE_LIMIT


def failed_login(response) -> bool:
    return response.status_code != 302


def role_required(*roles: str):
    """Signed in with one of these roles; others get 403, anonymous users the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(WORKER, SUPERVISOR, ADMIN)
supervisor_required = role_required(SUPERVISOR, ADMIN)


def case_or_404(session: OrmSession, case_id: int) -> Case:
    """For views: the signed-in worker's case, or 404 (audited) if it is elsewhere or nowhere."""
    case = access.find_case(session, current_user, case_id)
    if case is None:
        record_denied(current_user.id, "case", case_id)
        abort(404)
    return case


def security_headers(response):
    """Pages with families' words: no inline script or framing, never cached on a shared phone."""
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def record_denied(worker_id: int, subject_type: str, subject_id: int) -> None:
    """Written in its own transaction: the request's own is rolled back by the 404."""
    with Session.begin() as session:
        access.audit(session, worker_id, "denied", subject_type, subject_id, path=request.path)
