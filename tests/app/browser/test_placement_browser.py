"""The newcomer's path in a real browser: on the simulator's basic phone, and in the web chat,
a family asks for a person through the real bot, answers the place question with a typo, and
the village's director finds the case, with the family's messages, in their unassigned
queue."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.inbox_helpers import PASSWORD, add_worker, demo_county
from webhooks.core.texts import text


@pytest.fixture
def county_with_director(app):
    """The demo county, with 李主任 directing 城关镇红旗村."""
    regions = demo_county()
    add_worker("hongqi", "worker", regions["CN-51-demo-t1-v2"], display_name="李主任")


def text_from_the_phone(page: Page, words: str) -> None:
    """Type and send, on the simulator's phone or in the web chat (both have #body)."""
    page.fill("#body", words)
    page.click("button[type=submit]")


@pytest.mark.stack
@pytest.mark.parametrize(
    ("url", "thread"),
    [("/simulator/", "#thread"), ("/chat/", "body")],
    ids=["simulator", "web-chat"],
)
def test_ask_for_a_person_answer_the_place_and_the_director_has_the_case(
    page, browser, live_server, bot, county_with_director, url, thread
):
    page.goto(live_server + url)
    if url == "/simulator/":
        page.fill("#phone", "+8613800000777")
    text_from_the_phone(page, "我想找儿童主任说话")
    expect(page.locator(thread)).to_contain_text(text("place_question", "zh"), timeout=30_000)
    text_from_the_phone(page, "宏旗村")  # a homophone typo of 红旗村
    expect(page.locator(thread)).to_contain_text(
        text("place_thanks", "zh", place="城关镇红旗村"), timeout=30_000
    )

    director = browser.new_context(locale="zh-CN").new_page()
    director.goto(live_server + "/inbox")
    director.fill("#username", "hongqi")
    director.fill("#password", PASSWORD)
    director.click("button[type=submit]")
    expect(director).to_have_url(re.compile(r"/inbox"))
    director.click('.tab[data-queue="unassigned"]')
    case = director.locator("#cases .case")
    expect(case).to_have_count(1)
    case.locator("a").click()
    timeline = director.locator("#timeline")
    expect(timeline).to_contain_text("我想找儿童主任说话")
    expect(timeline).to_contain_text("宏旗村")
