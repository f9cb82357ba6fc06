"""The workers' inbox: sign in, queues of cases in their area, and one conversation at a time."""

from flask import Blueprint

bp = Blueprint(
    "inbox",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/inbox/static",
)

from webhooks.inbox import views  # noqa: E402, F401  (registers the routes on bp)
