"""The supervisors' dashboard: how families are being answered in their area, and what aid
they reached; the same figures as CSV."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")

from webhooks.dashboard import views  # noqa: E402, F401  (registers the routes on bp)
