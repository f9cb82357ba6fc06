"""gunicorn's hooks, read by the Procfile's web line as a file (`-c webhooks/gunicorn_config.py`),
so that the master, which serves nothing, does not import the app."""


def post_worker_init(worker) -> None:
    """Each worker, once it has built the app: see services.settle."""
    from webhooks.services import settle  # imported already, with the app

    settle()
