"""Who may see what: every inbox, API and dashboard route refuses anonymous users and other
regions' data (404, written to the audit log), and every form needs its CSRF token."""

import pytest
from sqlalchemy import select

from tests.support.inbox_helpers import V1, V2, StaffClient, open_case
from webhooks.casework import referrals
from webhooks.core.db import Session
from webhooks.core.models import AuditEvent, Case, CaseEvent, Message, Worker

FAMILY = "+8613800000201"

# (method, path, form): {case} is Wang's case in village 1, {referral} a referral of it.
CASE_ROUTES = [
    ("GET", "/inbox/cases/{case}", None),
    ("GET", "/inbox/api/cases/{case}/timeline", None),
    ("POST", "/inbox/cases/{case}/phone", {}),
    ("POST", "/inbox/cases/{case}/claim", {}),
    ("POST", "/inbox/cases/{case}/transfer", {"worker_id": "{wang}"}),
    ("POST", "/inbox/cases/{case}/reply", {"body": "你好"}),
    ("POST", "/inbox/cases/{case}/notes", {"body": "备注"}),
    ("POST", "/inbox/cases/{case}/resolve", {}),
    ("POST", "/inbox/cases/{case}/reopen", {}),
    ("POST", "/inbox/cases/{case}/region", {"region_id": "{v2}"}),
    ("POST", "/inbox/cases/{case}/referrals", {"programme": "dibao"}),
    ("POST", "/inbox/cases/{case}/referrals/{referral}", {"status": "approved"}),
]
OTHER_ROUTES = [
    ("GET", "/inbox", None),
    ("GET", "/inbox/api/queues?queue=mine", None),
    ("GET", "/inbox/go?case={case}", None),
    ("GET", "/dashboard/", None),
    ("GET", "/dashboard/export.csv", None),
    ("POST", "/logout", {}),
]
API = ("/api/", ".csv")


@pytest.fixture
def wangs_case(app, area):
    case_id = open_case(app, FAMILY, V1)
    with Session.begin() as session:
        referral = referrals.refer(session, session.get(Case, case_id), "dibao", None)
        values = {
            "case": case_id,
            "referral": referral.id,
            "wang": area.workers["wang"],
            "v2": area.regions[V2],
        }
    return values


def fill(template: str | dict | None, values: dict):
    if template is None:
        return None
    if isinstance(template, str):
        return template.format(**values)
    return {key: fill(value, values) for key, value in template.items()}


def send(client: StaffClient, method: str, path: str, form: dict | None, csrf: bool = True):
    if method == "GET":
        return client.get(path)
    return client.post(path, form, csrf=csrf)


def case_untouched(case_id: int) -> bool:
    with Session() as session:
        case = session.get(Case, case_id)
        worker_messages = session.scalars(
            select(Message).where(
                Message.conversation_id == case.conversation_id, Message.author == "worker"
            )
        ).all()
        events = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).all()
        return (
            case.status == Case.OPEN
            and case.assignee_id is None
            and not worker_messages
            and sorted(events) == ["opened", "referred"]
            and case.region.code == V1
        )


@pytest.mark.parametrize(("method", "path", "form"), CASE_ROUTES + OTHER_ROUTES)
def test_anonymous_users_are_sent_to_sign_in(app, wangs_case, method, path, form):
    anonymous = StaffClient(app)  # with a CSRF token, so it is the sign-in that refuses
    path = fill(path, wangs_case)
    response = send(anonymous, method, path, fill(form, wangs_case))
    if any(marker in path for marker in API):
        assert response.status_code == 401
        assert "sign in" in response.get_json()["error"]
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert case_untouched(wangs_case["case"])


@pytest.mark.parametrize("person", ["li", "sun", "zhao"])
@pytest.mark.parametrize(("method", "path", "form"), CASE_ROUTES)
def test_another_regions_case_answers_404_and_is_audited(
    app, wangs_case, signed_in, area, person, method, path, form
):
    client = signed_in(person)
    response = send(client, method, fill(path, wangs_case), fill(form, wangs_case))
    assert response.status_code == 404
    assert case_untouched(wangs_case["case"])
    with Session() as session:
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "denied", AuditEvent.worker_id == area.workers[person]
            )
        ).all()
    assert [(e.subject_type, e.subject_id) for e in denied] == [("case", wangs_case["case"])]


@pytest.mark.parametrize(
    ("person", "sees"),
    [("wang", True), ("li", False), ("chen", True), ("sun", False), ("admin", True)],
)
def test_queues_list_only_cases_of_the_persons_area(wangs_case, signed_in, person, sees):
    listed = signed_in(person).get("/inbox/api/queues?queue=unassigned").get_json()["cases"]
    assert [row["id"] for row in listed] == ([wangs_case["case"]] if sees else [])


@pytest.mark.parametrize(("method", "path", "form"), [r for r in CASE_ROUTES if r[0] == "POST"])
def test_a_form_without_its_csrf_token_gets_400(wangs_case, signed_in, method, path, form):
    response = send(
        signed_in("wang"), method, fill(path, wangs_case), fill(form, wangs_case), csrf=False
    )
    assert response.status_code == 400
    assert case_untouched(wangs_case["case"])


def test_signing_in_and_out_need_the_csrf_token_too(app, area, signed_in):
    anonymous = StaffClient(app)
    response = anonymous.post("/login", {"username": "wang", "password": "x"}, csrf=False)
    assert response.status_code == 400
    wang = signed_in("wang")
    assert wang.post("/logout", csrf=False).status_code == 400
    assert wang.get("/inbox").status_code == 200


def test_a_referral_of_another_case_is_404(app, wangs_case, signed_in):
    own = open_case(app, "+8613800000202", V1)
    response = signed_in("wang").post(
        f"/inbox/cases/{own}/referrals/{wangs_case['referral']}", {"status": "approved"}
    )
    assert response.status_code == 404


def test_workers_cannot_open_the_dashboard(wangs_case, signed_in):
    assert signed_in("wang").get("/dashboard/").status_code == 403
    assert signed_in("wang").get("/dashboard/export.csv").status_code == 403


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/export.csv"])
def test_a_supervisor_asking_for_another_township_gets_404_and_is_audited(
    wangs_case, signed_in, area, path
):
    response = signed_in("sun").get(f"{path}?region={area.regions[V1]}")
    assert response.status_code == 404
    with Session() as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert [(e.subject_type, e.subject_id) for e in denied] == [("region", area.regions[V1])]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/inbox",
        "/%09/evil.example",  # a tab the browser drops: //evil.example
        "/%0a/evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_signing_in_never_redirects_to_another_site(app, area, target):
    client = StaffClient(app)
    response = client.client.post(
        f"/login?next={target}",
        data={
            "username": "wang",
            "password": "correct horse battery",
            "csrf_token": client.token(),
        },
    )
    assert response.headers["Location"] == "/inbox"


def test_a_deactivated_worker_is_signed_out(app, area, signed_in):
    wang = signed_in("wang")
    with Session.begin() as session:
        session.get(Worker, area.workers["wang"]).active = False
    assert wang.get("/inbox").status_code == 302
    assert StaffClient(app).login("wang").status_code == 200  # refused
