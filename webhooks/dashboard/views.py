"""Dashboard page and CSV export, for supervisors (their area) and admins (everything)."""

import csv
import io
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from webhooks import auth
from webhooks.auth import supervisor_required
from webhooks.casework import access
from webhooks.core import gateway_lines
from webhooks.core.db import Session, utcnow
from webhooks.core.models import Region
from webhooks.core.parsing import whole_number
from webhooks.dashboard import bp, stats

CHART_WIDTH, CHART_HEIGHT, LABEL_ROOM = 600, 150, 16
CSV_COLUMNS = (
    "date",
    "region_code",
    "region_name",
    "messages_in",
    "messages_out",
    "cases_opened",
    "cases_resolved",
    "median_first_response_minutes",
    "referrals",
    "approved",
)


@bp.after_request
def staff_headers(response):
    return auth.security_headers(response)


@bp.get("/")
@supervisor_required
def index():
    with Session() as session:
        area, days = _choice(session)
        data = _collect(session, area, days)
        return render_template(
            "dashboard/index.html",
            data=data,
            areas=stats.areas(session, current_user),
            area=area,
            days=days,
            periods=stats.PERIODS,
            messages_chart=_chart(
                [(d, f.messages_in, f.messages_out) for d, f in data.per_day.items()]
            ),
            cases_chart=_chart(
                [(d, f.cases_opened, f.cases_resolved) for d, f in data.per_day.items()]
            ),
            gateways=_gateways(session),
        )


@bp.get("/export.csv")
@supervisor_required
def export():
    with Session.begin() as session:
        area, days = _choice(session)
        data = _collect(session, area, days)
        access.audit(
            session,
            current_user.id,
            "export_dashboard",
            "region",
            area.id if area else None,
            days=days,
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for region, _ in data.per_region:
            for day in data.days:
                figures = data.per_region_day.get((region.id, day), stats.Figures())
                writer.writerow(
                    _safe_cells(
                        [
                            day.isoformat(),
                            region.code,
                            region.name,
                            figures.messages_in,
                            figures.messages_out,
                            figures.cases_opened,
                            figures.cases_resolved,
                            figures.median_first_response
                            if figures.median_first_response is not None
                            else "",
                            figures.referrals,
                            figures.approved,
                        ]
                    )
                )
    name = f"helpline-{area.code if area else 'all'}-{days}d.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _choice(session) -> tuple[Region | None, int]:
    """The area and period asked for; an area outside the person's is 404, and audited."""
    days = whole_number(request.args.get("days", "30"))
    if days not in stats.PERIODS:
        abort(400)
    asked = request.args.get("region", "")
    if not asked:
        return None, days
    region = whole_number(asked)
    if region is None:
        abort(400)
    area = session.scalar(
        select(Region).where(Region.id == region, access.region_scope(current_user, Region.id))
    )
    if area is None:
        auth.record_denied(current_user.id, "region", region)
        abort(404)
    return area, days


def _collect(session, area: Region | None, days: int) -> stats.Dashboard:
    zone = ZoneInfo(current_app.extensions["helpline"].settings.LOCAL_TIMEZONE)
    return stats.collect(session, current_user, area, days, zone, utcnow())


def _gateways(session) -> list[dict]:
    """The Android phones relaying texts, and whether each still reports (times local)."""
    settings = current_app.extensions["helpline"].settings
    zone = ZoneInfo(settings.LOCAL_TIMEZONE)
    return [
        {
            "line": state.line,
            "silent": state.silent,
            "health": state.health,
            "last_seen": state.last_seen_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if state.last_seen_at
            else None,
        }
        for state in gateway_lines.states(session, settings)
    ]


def _chart(points: list[tuple]) -> dict:
    """Paired bars per day as SVG rectangles: attributes, not inline styles, which CSP forbids."""
    top = max([max(first, second) for _, first, second in points] + [1])
    slot = CHART_WIDTH / max(len(points), 1)
    width = max(slot / 2 - 1, 1)
    every = max(1, len(points) // 10)
    bars, labels = [], []
    for index, (day, first, second) in enumerate(points):
        x = index * slot
        for offset, value, kind in ((0, first, "first"), (width, second, "second")):
            height = value / top * (CHART_HEIGHT - LABEL_ROOM)
            bars.append(
                {
                    "x": round(x + offset, 1),
                    "y": round(CHART_HEIGHT - LABEL_ROOM - height, 1),
                    "width": round(width, 1),
                    "height": round(height, 1),
                    "kind": kind,
                    "title": f"{day.isoformat()}: {value}",
                }
            )
        if index % every == 0:
            labels.append({"x": round(x, 1), "text": day.strftime("%m-%d")})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "labels": labels,
        "top": top,
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cells(row: list) -> list:
    """No cell a spreadsheet would run as a formula (=, +, -, @ at the start)."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
        for cell in row
    ]
