"""The simulator's call mode in a real browser: a grandmother calls, goes through a screening
with the keypad alone to a result, and has it texted; another asks for a person nobody
answers and leaves a voicemail, kept on the village director's case."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.inbox_helpers import V1, place_family
from webhooks.core.db import Session
from webhooks.core.models import CaseEvent
from webhooks.core.texts import text

pytestmark = pytest.mark.stack


def keys(page: Page, digits: str) -> None:
    """Press the keys, then # to send them, and wait for what the helpline says back."""
    steps = int(page.locator("#heard").get_attribute("data-steps"))
    for digit in digits + "#":
        page.click(f"#keypad button:text-is('{digit}')")
    expect(page.locator("#heard")).to_have_attribute("data-steps", str(steps + 1), timeout=30_000)


def dial(page: Page, live_server: str, phone: str) -> None:
    page.goto(live_server + "/simulator/")
    page.fill("#phone", phone)
    page.click("#dial")
    expect(page.locator("#heard")).to_contain_text(text("voice_greeting", "zh"), timeout=30_000)


def test_a_keypad_screening_on_the_simulators_call(page, live_server, bot):
    dial(page, live_server, "+8613800000901")
    keys(page, "1")  # "查补助"
    expect(page.locator("#heard")).to_contain_text("孩子今年几岁")
    offer = text("voice_offer_text", "zh")
    for _ in range(15):
        if offer in page.locator("#heard p").last.inner_text():
            break
        last = page.locator("#heard p").last.inner_text()
        if last == text("voice_keys_income", "zh"):
            keys(page, "2000*4")  # income, star, people: as the line says
        else:
            keys(page, "9" if "岁" in last else "2")
    else:
        pytest.fail("no result after 15 answers")
    keys(page, "1")  # text it to me
    expect(page.locator("#heard")).to_contain_text(text("voice_texted", "zh"))
    expect(page.locator("#thread .segment").first).to_be_visible(timeout=30_000)  # the SMS
    page.click("#hangup")
    expect(page.locator("#heard")).to_contain_text("通话结束")


def test_nobody_answers_and_the_voicemail_reaches_the_case(page, live_server, bot, app, area):
    phone = "+8613800000902"
    dial(page, live_server, phone)
    page.fill("#speech", "你好")
    page.click("#speak")
    expect(page.locator("#heard")).to_have_attribute("data-steps", "2", timeout=30_000)
    place_family(app, phone, V1)
    keys(page, "0")
    expect(page.locator("#heard")).to_contain_text(text("voice_ringing", "zh"))
    expect(page.locator("#ringing")).to_be_visible()
    page.click("#no-answer")
    expect(page.locator("#recording")).to_be_visible(timeout=30_000)
    page.fill("#voicemail", "孩子奶奶住院了 想问问谁能帮忙照看")
    page.click("#leave")
    expect(page.locator("#heard")).to_contain_text(text("voice_message_kept", "zh"))

    expect(page.locator("#heard")).to_contain_text("通话结束")
    with Session() as session:
        voicemails = session.scalars(
            select(CaseEvent).where(CaseEvent.kind == CaseEvent.VOICEMAIL)
        ).all()
    assert [v.detail["recording_url"].startswith("https://") for v in voicemails] == [True]
