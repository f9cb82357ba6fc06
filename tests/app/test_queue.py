"""The embedded queue, as `make run` and `make bench` start it on a new clone."""

from webhooks.core.config import Settings
from webhooks.core.queue import make_huey


def test_the_sqlite_queue_makes_its_folder_on_a_new_clone(tmp_path):
    queue_file = tmp_path / "instance" / "queue.db"  # instance/ is not in git
    settings = Settings.from_env({"QUEUE_FILE": str(queue_file), "REDIS_URL": ""})

    huey = make_huey(settings)
    huey.storage.enqueue(b"job")

    assert queue_file.exists()
    assert huey.pending_count() == 1
