"""Hardening (issue 23): the chat page cannot be framed or run injected script, production
will not expose its metrics by default, behind a proxy each client has its own login bucket,
and the development secrets file is never readable by others."""

import json
import os
import stat

import pytest

from tests.app.conftest import UNREACHABLE_RASA
from tests.support.inbox_helpers import StaffClient
from tests.support.settings import SETTINGS
from webhooks import create_app
from webhooks.core import config
from webhooks.core.config import ConfigError, Settings


def test_the_chat_page_has_the_staff_pages_headers_and_no_inline_script(client):
    page = client.get("/chat/")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "<style>" not in html
    assert client.get("/chat/static/chat.js").status_code == 200


def production(**extra):
    secrets = {
        "SECRET_KEY": "k" * 32,
        "PHONE_ENCRYPTION_KEYS": "x9nNv2mGGmiwYCPMpCNp5Hp5C1Zl7vM9ss0K3RNu5Mw=",
        "PHONE_HASH_KEY": "h" * 32,
        "DEMO_WORKER_PASSWORD": "unused",
        "SMS_PROVIDER": "console",
    }
    return Settings.from_env({**SETTINGS, "APP_ENV": "production", **secrets, **extra})


def test_production_refuses_to_start_with_metrics_open():
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        production()
    assert production(METRICS_TOKEN="s3cret").METRICS_TOKEN == "s3cret"
    assert production(METRICS_OPEN="1").METRICS_OPEN == "1"  # firewalled, on purpose


def test_behind_a_proxy_each_client_has_its_own_login_bucket(database_url, area):
    app = create_app(
        {**SETTINGS, "DATABASE_URL": database_url, "RASA_URL": UNREACHABLE_RASA, "PROXY_HOPS": 1}
    )
    app.config["TESTING"] = True
    guesser, worker = StaffClient(app), StaffClient(app)
    guesser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
    worker.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.9"
    assert [guesser.login("wang", f"guess {n}").status_code for n in range(6)][-1] == 429
    assert worker.login("li").status_code == 302  # another client: not locked out


def test_the_development_secrets_file_is_never_readable_by_others(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    monkeypatch.setattr(config, "DEV_SECRETS_FILE", tmp_path / "dev-secrets.json")
    modes = []
    real_link = os.link

    def link(source, target):  # the draft as it is the moment it goes into place
        modes.append(stat.S_IMODE(os.stat(source).st_mode))
        real_link(source, target)

    monkeypatch.setattr(config.os, "link", link)
    created = config.development_secrets()
    assert modes == [0o600]
    assert stat.S_IMODE(os.stat(tmp_path / "dev-secrets.json").st_mode) == 0o600
    assert json.loads((tmp_path / "dev-secrets.json").read_text()) == created
