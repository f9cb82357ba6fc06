"""The queue consumer's entry point, the Procfile's queue line:
`huey_consumer webhooks.jobs.consumer.huey`. The jobs' queue, bound to this process's settings."""

from webhooks.core import logs
from webhooks.core.config import Settings
from webhooks.core.queue import bind
from webhooks.jobs.tasks import huey

bind(huey, Settings.from_env())
logs.hide_details()
logs.show_app_lines()
