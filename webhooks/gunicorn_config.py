"""gunicorn's hooks, read by the Procfile's web line (`-c python:webhooks.gunicorn_config`)."""

from webhooks.services import settle


def post_worker_init(worker) -> None:
    """Each worker, once it has built the app: see services.settle."""
    settle()
