"""The embedded queue, as `make run` and `make bench` start it on a new clone."""

import pytest

from tests.support.settings import app_settings
from webhooks.core.queue import bind, make_huey


def test_the_sqlite_queue_makes_its_folder_on_a_new_clone(tmp_path):
    queue_file = tmp_path / "instance" / "queue.db"  # instance/ is not in git
    settings = app_settings(QUEUE_FILE=str(queue_file), REDIS_URL="")

    huey = bind(make_huey(), settings)
    huey.storage.enqueue(b"job")

    assert queue_file.exists()
    assert huey.pending_count() == 1


def test_a_queue_not_bound_to_its_storage_refuses_work():
    with pytest.raises(RuntimeError, match="no storage yet"):
        make_huey().storage.enqueue(b"job")
