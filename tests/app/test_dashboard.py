"""The supervisors' dashboard: figures of their own area only, per day and per village; CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.inbox_helpers import V1, V2, V3, open_case, place_family
from webhooks.casework import referrals
from webhooks.core.db import Session
from webhooks.core.models import Case, Region
from webhooks.messaging import voice


@pytest.fixture
def month(app, area, sms, signed_in):
    """Township 1: two cases (answered after 10 and 30 minutes), one resolved, referrals for
    dibao (approved) and education aid (refused). Township 2: one case, never answered."""
    first = open_case(app, "+8613800000401", V1)
    second = open_case(app, "+8613800000402", V2)
    open_case(app, "+8613800000403", V3)
    sms.text("+8613800000401", "低保怎么申请？")
    sms.text("+8613800000403", "低保和孤儿补助能一起领吗")
    signed_in("wang").post(f"/inbox/cases/{first}/reply", {"body": "可以申请低保"})
    signed_in("li").post(f"/inbox/cases/{second}/reply", {"body": "收到"})
    signed_in("wang").post(f"/inbox/cases/{first}/resolve")
    with Session.begin() as session:
        for case_id, minutes in ((first, 10), (second, 30)):
            case = session.get(Case, case_id)
            case.first_reply_at = case.opened_at + timedelta(minutes=minutes)
        dibao = referrals.refer(session, session.get(Case, first), "dibao", None)
        dibao.status = "approved"
        aid = referrals.refer(session, session.get(Case, second), "education_aid", None)
        aid.status = "refused"
    return first, second


def figure(page: str, name: str) -> str:
    return re.search(rf'id="{name}">([^<]*)<', page).group(1)


def test_a_supervisor_sees_the_figures_of_their_township_only(month, signed_in):
    page = signed_in("chen").page("/dashboard/")
    assert figure(page, "cases-opened") == "2"
    assert figure(page, "cases-resolved") == "1"
    assert figure(page, "median-first-response") == "20.0"
    assert figure(page, "messages-in") == "1"  # the family of township 2 is not counted
    assert figure(page, "messages-out") == "3"  # two replies and the note on resolving
    assert figure(page, "referrals") == "2"
    assert figure(page, "reached-aid") == "1"
    assert "低保 Dibao" in page and "education_aid" not in page


def test_the_other_township_sees_its_own(month, signed_in):
    page = signed_in("sun").page("/dashboard/")
    assert figure(page, "cases-opened") == "1"
    assert figure(page, "messages-in") == "1"
    assert figure(page, "median-first-response") == "—"
    assert figure(page, "reached-aid") == "0"


def test_the_by_region_table_splits_the_township_into_villages(month, signed_in):
    page = signed_in("chen").page("/dashboard/")
    table = page[
        page.index('id="by-region"') : page.index("</table>", page.index('id="by-region"'))
    ]
    cells = {
        re.search(r">([^<>]+)</a>", row).group(1): re.findall(r'<td class="n">([^<]*)</td>', row)
        for row in table.split("<tr>")
        if "</a>" in row
    }
    # in, out, opened, resolved, first response, referrals, approved
    assert cells["一村 Village 1"] == ["1", "2", "1", "1", "10.0", "1", "1"]
    assert cells["二村 Village 2"] == ["0", "1", "1", "0", "30.0", "1", "0"]
    assert cells["四村 Village 4"] == ["0", "0", "0", "0", "—", "0", "0"]


def test_programmes_asked_about_count_families_words_and_the_bots_suggestions(month, signed_in):
    page = signed_in("chen").page("/dashboard/")
    asked = page[page.index('id="programmes-asked"') :]
    assert re.search(r"低保 Dibao</td><td class=\"n\">1<", asked)
    assert "孤儿" not in asked  # only township 2's family asked about it


def test_narrowing_to_one_village(month, signed_in, area):
    page = signed_in("chen").page(f"/dashboard/?region={area.regions[V2]}&days=7")
    assert figure(page, "cases-opened") == "1"
    assert figure(page, "median-first-response") == "30.0"


def test_the_csv_has_one_row_per_village_and_day(month, signed_in):
    response = signed_in("chen").get("/dashboard/export.csv?days=7")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3 * 7
    today = [r for r in rows if r["cases_opened"] == "1"]
    assert sorted((r["region_code"], r["median_first_response_minutes"]) for r in today) == [
        (V1, "10.0"),
        (V2, "30.0"),
    ]


def test_the_csv_never_starts_a_cell_with_a_formula(app, month, signed_in):
    with Session.begin() as session:
        session.scalar(select(Region).where(Region.code == V1)).name = "=HYPERLINK(1)"
    rows = signed_in("chen").get("/dashboard/export.csv?days=7").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in rows
    assert "\n2" in rows  # rows still start with their date


def test_an_admin_sees_everything(month, signed_in):
    page = signed_in("admin").page("/dashboard/")
    assert figure(page, "cases-opened") == "3"
    assert figure(page, "messages-in") == "2"


@pytest.mark.parametrize("query", ["days=5", "days=x", "region=abc"])
def test_odd_parameters_are_refused(month, signed_in, query):
    assert signed_in("chen").get(f"/dashboard/?{query}").status_code == 400


def test_calls_are_counted_for_the_familys_area(app, area, signed_in):
    """Two calls from township 1 (one put through to a worker, one voicemail), one from
    township 2: the township's supervisor sees their own two."""
    services = app.extensions["helpline"]
    calls = [
        ("CA1", "+8613800000501", V1, 180, True, False),
        ("CA2", "+8613800000502", V2, 60, False, True),
        ("CA3", "+8613800000503", V3, 600, True, False),
    ]
    for sid, phone, region, seconds, answered, voicemail in calls:
        voice.call_started(services, sid, phone)
        place_family(app, phone, region)
        if answered:
            voice.accepted(sid)  # a worker picked up and pressed 1
        if voicemail:
            voice.voicemail(services, sid, phone, "RE" + sid, "https://example.com/r", 20)
        voice.call_ended(sid, "completed", seconds)
    page = signed_in("chen").page("/dashboard/")
    assert figure(page, "calls") == "2"
    assert figure(page, "call-minutes") == "4"
    assert figure(page, "put-through") == "1"
    assert figure(page, "voicemails") == "1"
    metrics = app.test_client().get("/metrics").text
    assert 'helpline_calls{kind="all"} 3.0' in metrics
    assert "helpline_call_minutes 14.0" in metrics
