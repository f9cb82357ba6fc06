"""A worker in a real browser: an urgent case escalated by SMS appears without reloading, is
claimed, answered (the family's phone gets the SMS), resolved, and the bot takes over again.
What a family writes is shown as text, never run as markup."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.inbox_helpers import PASSWORD, V1, bot_says, open_case, place_family, staff_texts
from webhooks.core.texts import text

FAMILY = "+8613800000601"


def sign_in(page: Page, live_server: str, username: str) -> None:
    page.goto(live_server + "/inbox")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox"))


@pytest.mark.stack
def test_an_urgent_case_from_the_familys_sms_to_the_bot_again(
    page, live_server, sms, bot, app, area
):
    greeting = bot_says("utter_greet")
    sms.text(FAMILY, "你好")
    assert sms.replies(FAMILY) == [greeting]
    place_family(app, FAMILY, V1)  # as their village worker did on an earlier case
    sign_in(page, live_server, "wang")
    page.click('.tab[data-queue="urgent"]')
    expect(page.locator("#cases .empty")).to_be_visible()

    sms.text(FAMILY, "救命，孩子被打了")  # signed like Twilio's; the danger screen opens a case
    urgent = page.locator("#cases .case.urgent")
    expect(urgent).to_have_count(1)  # no reload: the queue polls
    expect(urgent).to_contain_text("救命，孩子被打了")
    expect(page.locator("#new-urgent")).to_be_visible()
    expect(page.locator('.tab[data-queue="urgent"] .count')).to_have_text("1")
    assert staff_texts(app, "wang")[0].startswith("紧急求助 #")  # and both their phones
    assert staff_texts(app, "chen")[0].startswith("紧急求助 #")

    urgent.locator("a").click()
    expect(page.locator("#case-priority")).to_have_text("紧急 Urgent")
    expect(page.locator("#timeline .item.family").last).to_have_text(re.compile("救命，孩子被打了"))
    expect(page.locator("#timeline")).to_contain_text(greeting)  # the whole history
    expect(page.locator("#phone")).to_have_text("•••• 0601")

    page.click("#claim")
    expect(page.locator("#case-assignee")).to_have_text("王主任 Director Wang")

    page.click(".canned-reply >> nth=0")
    expect(page.locator("#reply-body")).to_have_value(text("canned_received", "zh"))
    page.fill("#reply-body", "我是王主任，十分钟后到您家。")
    page.click("#send-reply")
    expect(page.locator(".flash.ok")).to_have_text("已发送 Sent")
    expect(page.locator("#timeline .item.worker")).to_contain_text("我是王主任，十分钟后到您家。")
    assert sms.replies(FAMILY)[-1] == "我是王主任，十分钟后到您家。"

    sms.text(FAMILY, "好的，我们在家等")
    expect(page.locator("#timeline .item.family").last).to_have_text(re.compile("好的，我们在家等"))

    page.click("#resolve")
    expect(page.locator("#case-status")).to_have_text("已结案 Resolved")
    assert sms.replies(FAMILY)[-1] == text("case_resolved", "zh")

    sms.text(FAMILY, "你好")
    assert sms.replies(FAMILY)[-1] == greeting
    expect(page.locator("#timeline .item.bot").last).to_contain_text(greeting)


def test_a_familys_markup_is_shown_as_text(page, live_server, sms, app, area):
    summary = '<img src=x onerror="window.pwned=1">'
    case_id = open_case(app, FAMILY, V1, summary=summary)
    sign_in(page, live_server, "wang")
    page.click('.tab[data-queue="unassigned"]')
    expect(page.locator("#cases .summary")).to_have_text(summary)  # drawn by the queue's JS

    page.goto(f"{live_server}/inbox/cases/{case_id}")
    script = "<script>window.pwned=2</script>"
    image = '<img src=x onerror="window.pwned=3">'
    sms.text(FAMILY, script)
    sms.text(FAMILY, image)
    family = page.locator("#timeline .item.family .body")
    expect(family).to_have_text([script, image])  # arrived by polling: inserted by JS
    page.reload()
    expect(family).to_have_text([script, image])  # rendered by the server
    expect(page.locator("#summary")).to_have_text(summary)
    assert page.locator("#timeline img, #summary img").count() == 0
    assert page.evaluate("window.pwned") is None
