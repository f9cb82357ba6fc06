"""The admins' `flask` commands: regions, workers and their passwords, a family's data."""

import json
import re
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy import func, select

from tests.app.conftest import app_with
from tests.support import replicas as shared
from tests.support.inbox_helpers import PASSWORD, V1, V2, StaffClient, open_case, staff_texts
from tests.support.twilio import TwilioSender
from webhooks.core.db import Session
from webhooks.core.models import (
    AuditEvent,
    Call,
    Case,
    CaseEvent,
    Conversation,
    FamilyContact,
    Message,
    Region,
    Worker,
)
from webhooks.messaging import spool, voice

NEW_PASSWORD = "a much longer secret"
FAMILY = "+8613800000501"
OTHER = "+8613800000502"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def run(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def test_regions_are_created_top_down(runner):
    assert run(runner, "create-region", "CN-52", "贵州省", "--level", "province").exit_code == 0
    county = run(
        runner, "create-region", "CN-52-x", "某县", "--level", "county", "--parent", "CN-52"
    )
    assert county.exit_code == 0
    wrong = run(
        runner, "create-region", "CN-52-x-v", "某村", "--level", "village", "--parent", "CN-52-x"
    )
    assert wrong.exit_code != 0 and "a village sits under a township" in wrong.output
    twice = run(runner, "create-region", "CN-52", "again", "--level", "province")
    assert "exists already" in twice.output
    with Session() as session:
        assert session.scalar(select(Region).where(Region.code == "CN-52-x")).parent.code == "CN-52"


def test_a_new_worker_signs_in_and_gets_alerts_on_their_phone(app, area, runner):
    result = run(
        runner, "create-worker", "zhou", "--name", "周主任", "--region", V1,
        "--phone", "+86 139-0000-0077", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0077" not in result.output
    assert StaffClient(app).login("zhou", NEW_PASSWORD).status_code == 302
    open_case(app, FAMILY, V1)
    assert staff_texts(app, "zhou")[0].startswith("新求助")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wang", "--name", "x", "--region", V1], "exists already"),
        (["new", "--name", "x", "--region", "CN-99"], "no region CN-99"),
        (["new", "--name", "x"], "needs --region"),
        (["new", "--name", "x", "--region", V1, "--phone", "+8613900000001"], "another worker"),
        (["new", "--name", "x", "--region", V1, "--phone", "call me"], "must look like"),
    ],
)
def test_create_worker_refuses_mistakes(area, runner, args, message):
    result = run(runner, "create-worker", *args, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code != 0 and message in result.output


def test_a_short_password_is_refused(area, runner):
    result = run(
        runner, "create-worker", "new", "--name", "x", "--region", V1, input="short\nshort\n"
    )
    assert "at least 10" in result.output


def test_a_generated_password_is_printed_once_and_works(app, area, runner):
    result = run(runner, "create-worker", "boss", "--name", "管理员", "--role", "admin",
                 "--generate-password")  # fmt: skip
    password = result.output.split("password: ")[1].strip()
    assert StaffClient(app).login("boss", password).status_code == 302


def test_resetting_a_password_ends_the_old_sessions(app, area, signed_in, runner):
    wang = signed_in("wang")
    result = run(runner, "reset-password", "wang", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0
    assert wang.get("/inbox").status_code == 302
    assert StaffClient(app).login("wang", PASSWORD).status_code == 200
    assert StaffClient(app).login("wang", NEW_PASSWORD).status_code == 302


def test_a_deactivated_worker_loses_access_and_their_cases_go_back_to_the_queue(
    app, area, signed_in, runner
):
    case_id = open_case(app, FAMILY, V1)
    signed_in("wang").post(f"/inbox/cases/{case_id}/claim")
    told_before = staff_texts(app, "chen")
    result = run(runner, "deactivate-worker", "wang")
    assert "1 cases back with their area" in result.output
    assert StaffClient(app).login("wang").status_code == 200
    listed = signed_in("chen").get("/inbox/api/queues?queue=unassigned").get_json()["cases"]
    assert [row["id"] for row in listed] == [case_id]
    # the area is told the case needs someone again, on the supervisor's phone
    [told] = staff_texts(app, "chen")[len(told_before) :]
    assert f"#{case_id}" in told


def test_a_worker_moved_by_an_import_gives_back_the_cases_of_their_old_village(
    app, area, signed_in, runner, tmp_path
):
    case_id = open_case(app, FAMILY, V1)
    signed_in("wang").post(f"/inbox/cases/{case_id}/claim")
    moved = tmp_path / "workers.csv"
    row = f"wang,王主任 Director Wang,worker,{V2},+8613900000001"  # from village 1 to 2
    moved.write_text(f"username,name,role,region,phone\n{row}\n", encoding="utf-8")
    result = run(runner, "import-workers", str(moved))
    assert "1 changed" in result.output and "1 cases back with their area" in result.output
    listed = signed_in("chen").get("/inbox/api/queues?queue=unassigned").get_json()["cases"]
    assert [row["id"] for row in listed] == [case_id]
    assert signed_in("wang").get(f"/inbox/cases/{case_id}").status_code == 404


def test_a_familys_data_is_exported_as_json(app, area, sms, signed_in, runner):
    case_id = open_case(app, FAMILY, V1, summary="问低保")
    sms.text(FAMILY, "我家在一村")
    signed_in("wang").post(f"/inbox/cases/{case_id}/reply", {"body": "好的"})
    signed_in("wang").post(f"/inbox/cases/{case_id}/notes", {"body": "家里三个孩子"})
    result = run(runner, "export-family", "--phone", FAMILY)
    data = json.loads(result.output)
    assert data["phone"] == FAMILY and data["region"] == V1
    [conversation] = data["conversations"]
    assert [m["body"] for m in conversation["messages"]] == ["我家在一村", "好的"]
    assert conversation["cases"][0]["summary"] == "问低保"
    assert conversation["cases"][0]["notes"][0]["body"] == "家里三个孩子"
    assert run(runner, "export-family", "--case", str(case_id)).output == result.output


def without_csrf(page: str) -> str:
    """The page without its CSRF tokens, which carry the second they were made."""
    return re.sub(r'name="csrf[-_]token" (content|value)="[^"]*"', "", page)


def test_erasing_a_family_leaves_counts_but_no_words_or_number(app, area, sms, signed_in, runner):
    case_id = open_case(app, FAMILY, V1, summary="问低保")
    sms.text(FAMILY, "孩子叫小明，住在一村三组")
    signed_in("wang").post(f"/inbox/cases/{case_id}/notes", {"body": "小明的奶奶"})
    chen = signed_in("chen")
    before = without_csrf(chen.page("/dashboard/"))
    assert run(runner, "erase-family", "--phone", FAMILY).exit_code == 1  # asks first
    result = run(runner, "erase-family", "--phone", FAMILY, "--yes")
    assert result.exit_code == 0, result.output
    with Session() as session:
        bodies = session.scalars(select(Message.body)).all()
        assert bodies and all("小明" not in b and "一村三组" not in b for b in bodies)
        contact = session.scalar(select(FamilyContact))
        assert contact.erased_at is not None and FAMILY[-4:] not in contact.phone_ciphertext
        assert session.get(Case, case_id).summary == ""
        assert session.scalar(select(func.count()).select_from(Message)) == len(bodies)
    page = signed_in("wang").page(f"/inbox/cases/{case_id}")
    assert "小明" not in page and "已删除 Erased" in page
    assert without_csrf(chen.page("/dashboard/")) == before  # the statistics still count them
    sms.text(FAMILY, "你好")  # texting again starts afresh
    with Session() as session:
        assert session.scalar(select(func.count()).select_from(FamilyContact)) == 2


def test_a_web_chat_family_is_exported_and_erased_by_its_case(app, area, runner):
    """A web chat has no number: its case (or its conversation) names it."""
    chat = app.test_client()
    first = chat.post("/chat/api/messages", json={"body": "他爸天天打孩子，打得身上都是伤"})
    token = first.get_json()["token"]
    with Session() as session:
        case_id = session.scalar(select(Case.id))
        conversation_id = session.get(Case, case_id).conversation_id
    exported = json.loads(run(runner, "export-family", "--case", str(case_id)).output)
    assert exported["phone"] is None
    said = [m["body"] for m in exported["conversations"][0]["messages"]]
    assert said[0] == "他爸天天打孩子，打得身上都是伤"
    by_conversation = run(runner, "export-family", "--conversation", str(conversation_id))
    assert json.loads(by_conversation.output) == exported

    result = run(runner, "erase-family", "--case", str(case_id), "--yes")
    assert result.exit_code == 0, result.output
    with Session() as session:
        assert all("打孩子" not in body for body in session.scalars(select(Message.body)))
        audited = session.scalar(select(AuditEvent).where(AuditEvent.action == "erase_family"))
        assert (audited.subject_type, audited.subject_id) == ("web_chat", conversation_id)
    # The chat's token no longer opens it: the page starts a new chat.
    again = chat.get("/chat/api/messages?after=0&wait=0", headers={"X-Chat-Token": token})
    assert again.status_code == 401


def test_erasure_deletes_the_familys_texts_still_spooled_on_disk(
    app, area, sms, runner, tmp_path, monkeypatch
):
    sms.text(FAMILY, "你好")
    services = app.extensions["helpline"]
    monkeypatch.setattr(services, "settings", replace(services.settings, SPOOL_DIR=str(tmp_path)))
    held = spool.spool_for(services)
    held.put(
        spool.InboundSms("SM-spooled", FAMILY, "孩子叫小明"), services.vault.lookup_hash(FAMILY)
    )
    held.put(spool.InboundSms("SM-other", OTHER, "你好"), services.vault.lookup_hash(OTHER))
    result = run(runner, "erase-family", "--phone", FAMILY, "--yes")
    assert result.exit_code == 0 and "1 spooled texts" in result.output, result.output
    [left] = held.waiting()
    assert left.endswith(services.vault.lookup_hash(OTHER))  # another family's is kept
    assert held.drain(lambda sms: None) == 1


@pytest.fixture
def tracked(request, database_url, rasa_stack, redis_url, tmp_path_factory):
    """The app on Rasa replicas whose trackers are in PostgreSQL, as in production."""
    pair = shared.shared_pair(request.config, tmp_path_factory, rasa_stack, redis_url)
    if not pair.shares_trackers:
        pytest.skip("Rasa keeps trackers in memory here: there is no store to erase from")
    store = pair.env["RASA_TRACKER_STORE_URL"]
    for app in app_with(database_url, pair.urls[0], RASA_TRACKER_STORE_URL=store):
        yield app, store


@pytest.mark.stack
def test_erasure_deletes_what_rasas_tracker_store_kept_of_the_family(tracked):
    app, store = tracked
    TwilioSender(app).text(FAMILY, "孩子7岁，爸爸坐牢了，能领什么补助")
    with Session() as session:
        [pseudonym] = session.scalars(select(Conversation.pseudonym)).all()

    def said_to_rasa():
        with psycopg.connect(store) as tracker_store:
            rows = tracker_store.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user'",
                (pseudonym,),
            ).fetchall()
        return [json.loads(data)["text"] for (data,) in rows]

    assert said_to_rasa() == ["孩子7岁，爸爸坐牢了，能领什么补助"]
    result = run(app.test_cli_runner(), "erase-family", "--phone", FAMILY, "--yes")
    assert result.exit_code == 0 and "Rasa tracker events" in result.output, result.output
    assert said_to_rasa() == []


def test_an_unknown_family_is_said_so(area, runner):
    assert "no such family" in run(runner, "export-family", "--phone", "+8613800000599").output
    assert "one of --phone, --case or --conversation" in run(runner, "export-family").output


def test_an_admin_action_is_audited(area, runner):
    run(runner, "deactivate-worker", "li")
    with Session() as session:
        events = session.scalars(select(AuditEvent.action)).all()
        worker = session.scalar(select(Worker).where(Worker.username == "li"))
    assert events == ["deactivate_worker"] and not worker.active


def test_erasing_a_caller_clears_their_voicemail_and_names_the_recording_to_delete(
    app, area, runner
):
    services = app.extensions["helpline"]
    voice.call_started(services, "CA" + "5" * 32, FAMILY)
    voice.voicemail(services, "CA" + "5" * 32, FAMILY, "RE" + "6" * 32, "https://x/RE", 30)
    assert voice.transcribed("CA" + "5" * 32, "RE" + "6" * 32, "my grandson is sick")
    result = run(runner, "erase-family", "--phone", FAMILY, "--yes")
    assert result.exit_code == 0, result.output
    assert "RE" + "6" * 32 in result.output  # to delete in Twilio, where the voice is
    with Session() as session:
        voicemail = session.scalar(select(CaseEvent).where(CaseEvent.kind == CaseEvent.VOICEMAIL))
        assert (voicemail.body, voicemail.detail) == ("", {})
        assert session.scalar(select(Call.sid)).startswith("erased-")
