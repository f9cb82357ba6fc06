"""How the bot's texts are read out on a call, and when workers' phones ring."""

from datetime import UTC, datetime, time

import pytest

from tests.support.settings import app_settings
from webhooks.core.config import ConfigError
from webhooks.core.texts import text
from webhooks.messaging.voice import _within_hours, for_the_ear


@pytest.mark.parametrize(
    ("body", "heard"),
    [
        (
            "孩子今年几岁？回复数字，如：7",
            ["孩子今年几岁？", "按数字，如：7"],
        ),
        (
            "孩子爸爸现在怎样？回复数字：1在家或打工 2去世 10遣返",
            ["孩子爸爸现在怎样？", "按数字：", "按1，在家或打工", "按2，去世", "按10，遣返"],
        ),
        ("想停随时回复“算了”。", ["想停随时说“算了”。"]),  # a word to say, not a key
        ("可回几个数字：1领低保 0都没有", ["可按几个数字：", "按1，领低保", "按0，都没有"]),
        (
            "Is a child in danger now? Reply 1 for yes, 2 for no.",
            ["Is a child in danger now?", "press 1 for yes, 2 for no."],
        ),
        (
            "How old is the child? Reply with a number, e.g. 7",
            ["How old is the child?", "key in a number, e.g. 7"],
        ),
        ("To stop, reply STOP.", ["To stop, say STOP."]),
        (
            "全家一个月收入大概多少元？几口人？如：2000元4口",
            [
                "全家一个月收入大概多少元？",
                "几口人？",
                "如：2000元4口",
                text("voice_keys_income", "zh"),
            ],
        ),
    ],
)
def test_a_text_is_read_out_as_short_sentences_with_keys_to_press(body, heard):
    assert for_the_ear(body) == heard


SHANGHAI = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("utc_hour", "hours", "rings"),
    [
        (1, None, True),  # no hours set: at any time
        (1, (time(8), time(20)), True),  # 09:00 in Shanghai
        (13, (time(8), time(20)), False),  # 21:00
        (15, (time(22), time(6)), True),  # 23:00, a night shift across midnight
        (3, (time(22), time(6)), False),  # 11:00
    ],
)
def test_workers_phones_ring_only_within_the_voice_hours(utc_hour, hours, rings):
    now = datetime(2026, 12, 6, utc_hour, 0, tzinfo=UTC)
    assert _within_hours(hours, SHANGHAI, now) is rings


def test_voice_hours_must_be_readable():
    assert app_settings(VOICE_HOURS="08:00-20:00").voice_hours == (time(8), time(20))
    with pytest.raises(ConfigError, match="VOICE_HOURS"):
        app_settings(VOICE_HOURS="8am to 8pm")
