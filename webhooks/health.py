"""Is this process up (/healthz), can it do its work (/readyz), and what has it done (/metrics)."""

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from webhooks.core import gateway_lines, metrics
from webhooks.core.db import Session
from webhooks.jobs.tasks import huey
from webhooks.messaging import spool

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is checked, so a restart is the only cure it asks."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready when the database, the queue and at least one Rasa replica answer.

    With Android gateways, each line and whether it reported within ANDROID_SILENT_MINUTES.
    A silent phone does not make this process unready: the load balancer would take it out,
    and with it the other phones' webhooks, the web chat and the inbox; monitoring reads
    `silent_gateways` instead.
    """
    services = current_app.extensions["helpline"]
    rasa = services.rasa.reachable()
    checks = {
        "database": _answers(_select_one),
        "queue": _answers(huey.pending_count),
        "rasa": any(rasa.values()),
    }
    body = {"ready": all(checks.values()), "checks": checks, "rasa_replicas": rasa}
    if services.settings.gateway_lines and checks["database"]:
        body.update(_gateways(services.settings))
    return jsonify(body), 200 if body["ready"] else 503


def _gateways(settings) -> dict:
    try:
        with Session() as session:
            lines = gateway_lines.states(session, settings)
    except Exception:  # readiness answers whatever fails; the log says why
        current_app.logger.warning("gateway lines could not be read", exc_info=True)
        return {"gateways": None, "silent_gateways": None}
    return {
        "gateways": {
            state.line: {
                "silent": state.silent,
                "last_seen": state.last_seen_at.isoformat() if state.last_seen_at else None,
                "health": state.health,
            }
            for state in lines
        },
        "silent_gateways": [state.line for state in lines if state.silent],
    }


@bp.get("/metrics")
def prometheus_metrics():
    services = current_app.extensions["helpline"]
    token = services.settings.METRICS_TOKEN
    if token and not hmac.compare_digest(
        request.headers.get("Authorization", ""), f"Bearer {token}"
    ):
        abort(401)
    state = metrics.StateCollector(huey, spool.spool_for(services).waiting)
    return Response(metrics.exposition(state), mimetype=CONTENT_TYPE_LATEST)


def _select_one() -> None:
    with Session() as session:
        session.execute(text("SELECT 1"))


def _answers(check) -> bool:
    try:
        check()
    except Exception:  # whatever the failure, the answer is "not ready"; the log says why
        current_app.logger.warning("readiness check failed", exc_info=True)
        return False
    return True
