"""A family in the web chat, in a real browser: a message the helpline cannot take stays in
the box with a note in both languages, and goes once when sent again; a chat the helpline no
longer knows starts afresh instead of losing the message."""

from playwright.sync_api import Page, expect

from tests.support import databases
from webhooks.core.texts import text


def open_chat(page: Page, live_server: str) -> None:
    page.goto(live_server + "/chat/")
    expect(page.locator("h1")).to_contain_text("Family helpline")


def send(page: Page, words: str) -> None:
    page.fill("#body", words)
    page.click("button[type=submit]")


def test_a_message_sent_while_the_database_is_down_waits_in_the_box(page, live_server):
    open_chat(page, live_server)
    with databases.unreachable():
        send(page, "我想问问低保")
        note = page.locator(".msg.note")
        expect(note).to_contain_text(text("chat_not_sent", "zh"))
        expect(note).to_contain_text(text("chat_not_sent", "en"))
        expect(page.locator("#body")).to_have_value("我想问问低保")

    page.click("button[type=submit]")
    family = page.locator(".msg.family")
    expect(family).to_have_text(["我想问问低保"])
    # Rasa does not answer in this test: the family is told that we have their message.
    expect(page.locator(".msg.system")).to_have_text([text("holding", "zh")])
    expect(page.locator("#body")).to_have_value("")
    expect(family).to_have_count(1)


def test_a_chat_the_helpline_no_longer_knows_starts_afresh(page, live_server):
    open_chat(page, live_server)
    page.evaluate("localStorage.setItem('chatToken', 'forgotten')")
    open_chat(page, live_server)  # the page starts with the old token
    send(page, "hello")
    expect(page.locator(".msg.family")).to_have_text(["hello"])
    assert page.evaluate("localStorage.getItem('chatToken')") not in (None, "", "forgotten")


def test_a_forgotten_chat_still_sends_when_the_poll_finds_out_first(page, live_server):
    """Both the long-poll and the message go out with the forgotten token; the poll's refusal
    arrives first and clears it. The message must still reach the helpline, not be marked unsent."""
    open_chat(page, live_server)
    page.evaluate("localStorage.setItem('chatToken', 'forgotten')")
    held = []

    def hold_stale(route):
        if route.request.headers.get("x-chat-token") == "forgotten":
            held.append(route)
        else:
            route.continue_()

    page.route("**/chat/api/messages*", hold_stale)
    open_chat(page, live_server)
    send(page, "hello")
    while len(held) < 2:  # the page's first poll and the message, both held on their way
        page.wait_for_timeout(20)
    poll_request, post_request = sorted(held, key=lambda r: r.request.method != "GET")
    poll_request.continue_()
    page.wait_for_function("() => localStorage.getItem('chatToken') === null")
    post_request.continue_()

    expect(page.locator(".msg.family")).to_have_text(["hello"])
    expect(page.locator(".msg.note")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('chatToken')") not in (None, "", "forgotten")
