"""Where a handoff's case goes: the family's own region, never the screening's rules region."""

import dataclasses

from tests.support.inbox_helpers import T1, V1, place_family, staff_texts
from webhooks.casework import cases
from webhooks.core.conversations import sms_conversation
from webhooks.core.db import Session
from webhooks.core.models import Case, Region

PHONE = "+8613800000061"
# What the bot's handoff carries after a screening: facts["region"] is the rules region.
HANDOFF = {
    "reason": "requested",
    "summary": "孩子7岁，父母都去世了",
    "facts": {"region": "CN-51-demo", "child": {"age": 7}},
    "programmes": ["orphan_allowance"],
}


def hand_off(app, handoff=HANDOFF) -> Case:
    with Session.begin() as session:
        conversation = sms_conversation(session, app.extensions["helpline"].vault, PHONE)
        case = cases.open_from_handoff(session, conversation, handoff)
        session.flush()
        return session.get(Region, case.region_id).code if case.region_id else None


def test_unplaced_family_goes_to_the_unplaced_region_not_the_rules_region(app, area):
    services = app.extensions["helpline"]
    services.settings = dataclasses.replace(services.settings, UNPLACED_REGION_CODE=T1)
    assert hand_off(app) == T1
    assert any("#" in body for body in staff_texts(app, "chen"))  # the township supervisor


def test_placed_family_goes_to_their_village(app, area):
    place_family(app, PHONE, V1)
    assert hand_off(app) == V1
    assert any("#" in body for body in staff_texts(app, "wang"))


def test_an_explicit_region_code_in_the_handoff_places_the_family(app, area):
    assert hand_off(app, {**HANDOFF, "region": V1}) == V1
