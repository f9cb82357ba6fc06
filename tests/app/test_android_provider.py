"""Sending through SMS Gateway for Android: the real client library and provider against a local
HTTP server that answers as the phone's API does. What is sent, retried, given up, and the
settings that name the phones."""

import json
import logging

import pytest

from tests.support.android import SIGNING_KEYS, gateways_file
from tests.support.doubles import FakeGateway
from tests.support.settings import app_settings
from webhooks.core.config import AndroidGateway, ConfigError
from webhooks.sms.providers import PermanentFailure, TemporaryFailure
from webhooks.sms.providers.android import AndroidGatewayProvider

PHONE = "+8613800000041"


@pytest.fixture
def gateway():
    started = FakeGateway()
    yield started
    started.stop()


def provider(*gateways: FakeGateway, password: str | None = None) -> AndroidGatewayProvider:
    lines = {
        line: AndroidGateway(
            line=line,
            url=gateway.url,
            login=gateway.login,
            password=password or gateway.password,
            signing_key=SIGNING_KEYS[line],
        )
        for line, gateway in zip(("t1", "t2"), gateways, strict=False)
    }
    return AndroidGatewayProvider(lines)


def test_a_text_goes_to_the_phone_with_its_number_words_and_key(gateway):
    sent = provider(gateway).send(PHONE, "你好，申请低保请到乡镇政府。", key="12-abc")
    assert sent.provider_sid == "android:12-abc"
    [request] = gateway.requests
    assert request.payload["id"] == "12-abc"
    assert (request.phone, request.text) == (PHONE, "你好，申请低保请到乡镇政府。")
    assert request.payload["withDeliveryReport"] is True


def test_a_resend_of_a_text_the_phone_has_counts_as_sent_and_is_not_sent_again(gateway):
    send = provider(gateway).send
    assert send(PHONE, "hello", key="7-1").provider_sid == "android:7-1"
    assert send(PHONE, "hello", key="7-1").provider_sid == "android:7-1"  # 409: had it
    assert [r.status for r in gateway.requests] == [202, 409]
    assert gateway.texts == [(PHONE, "hello")]


@pytest.mark.parametrize(
    ("answer", "failure"),
    [
        (500, TemporaryFailure),
        (503, TemporaryFailure),  # the phone's queue is full
        (429, TemporaryFailure),
        (404, TemporaryFailure),  # a wrong path in the URL: the operator fixes it
        (400, PermanentFailure),  # not a number the phone can text
    ],
)
def test_failures_are_sorted_into_retry_or_give_up(gateway, answer, failure):
    gateway.fail(answer)
    with pytest.raises(failure):
        provider(gateway).send(PHONE, "hello", key="1-1")


def test_wrong_credentials_are_retried_until_the_operator_fixes_them(gateway):
    with pytest.raises(TemporaryFailure, match="401"):
        provider(gateway, password="not-the-password").send(PHONE, "hello", key="1-1")
    assert gateway.texts == []


def test_a_phone_that_cannot_be_reached_is_retried():
    gone = FakeGateway()
    gone.stop()  # nothing listens on its port any more
    with pytest.raises(TemporaryFailure, match="unreachable"):
        provider(gone).send(PHONE, "hello", key="1-1")


def test_each_line_sends_from_its_own_phone_and_an_unknown_line_from_the_first():
    first, second = FakeGateway(), FakeGateway()
    try:
        send = provider(first, second).send
        send(PHONE, "on t2", line="t2", key="1-1")
        send(PHONE, "no line", key="2-1")
        send(PHONE, "removed line", line="t9", key="3-1")
    finally:
        first.stop()
        second.stop()
    assert [text for _, text in second.texts] == ["on t2"]
    assert [text for _, text in first.texts] == ["no line", "removed line"]


def test_no_number_words_or_secret_reaches_the_log(gateway, caplog):
    caplog.set_level(logging.DEBUG)
    send = provider(gateway).send
    gateway.fail(500)
    with pytest.raises(TemporaryFailure):
        send(PHONE, "孩子的秘密", key="5-1")
    send(PHONE, "孩子的秘密", key="5-1")
    send(PHONE, "孩子的秘密", key="5-1")  # 409
    logged = caplog.text + repr(provider(gateway)._gateways)
    for secret in (PHONE, PHONE[3:], "孩子的秘密", gateway.password, SIGNING_KEYS["t1"]):
        assert secret not in logged


# --- Settings ----------------------------------------------------------------------------


def android_settings(path):
    return app_settings(SMS_PROVIDER="android-gateway", ANDROID_GATEWAYS=str(path))


def test_the_gateways_file_names_each_line_in_order(tmp_path, gateway):
    settings = android_settings(gateways_file(tmp_path, {"t2": gateway, "t1": gateway}))
    assert list(settings.gateway_lines) == ["t2", "t1"]
    assert settings.sending_line(None) == "t2"  # the first line is the default
    assert settings.sending_line("t1") == "t1"
    assert settings.sending_line("gone") == "t2"


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({}, "JSON object of lines"),
        ({"T 1": {}}, "line name"),
        ({"t1": {"url": "http://p", "login": "a", "password": "b"}}, "needs signing_key"),
        (
            {"t1": {"url": "http://p", "login": "a", "password": "b", "signing_key": "short"}},
            "at least 16",
        ),
        (
            {"t1": {"url": "p", "login": "a", "password": "b", "signing_key": "k" * 20}},
            "url must start",
        ),
        (
            {
                "t1": {
                    "url": "http://p",
                    "login": "a",
                    "password": "b",
                    "signing_key": "k" * 20,
                    "sim": 4,
                }
            },
            "sim is 1, 2 or 3",
        ),
    ],
)
def test_a_wrong_gateways_file_stops_the_app_and_says_where(tmp_path, spec, complaint):
    path = tmp_path / "gateways.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(ConfigError, match=complaint) as refused:
        android_settings(path)
    assert "k" * 20 not in str(refused.value)


def test_the_android_provider_needs_its_gateways_file(tmp_path):
    with pytest.raises(ConfigError, match="ANDROID_GATEWAYS"):
        app_settings(SMS_PROVIDER="android-gateway")
    with pytest.raises(ConfigError, match="cannot read"):
        android_settings(tmp_path / "missing.json")
