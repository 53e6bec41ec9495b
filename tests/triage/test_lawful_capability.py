"""Skills and lawful service with no cause: not a radicalisation worry on their own.

SET 2.3 lists capability indicators (military training, survival skills, chemistry) as ways
someone could contribute to terrorism, alongside engagement with an extremist group, cause
or ideology and intent to cause harm. Cadets, a shooting club or wanting to join the armed
forces, with the practitioner's own "no extremist views" and nothing on engagement or intent,
is not a Prevent concern; the extremism question is still asked when only a skill is known
(it used to be skipped, and the skill alone sent the case to the DSL). Joining a lawful
institution (the army, the police, cadets) is not engagement with a group or cause.
Wordings written for these tests.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts
from bot.triage.facts import TriageFacts
from bot.triage.questions import next_question
from tests.triage._play import play


def test_a_skill_alone_does_not_skip_the_extremism_question():
    facts = TriageFacts(immediate_risk="no", age=15, age_group="child", capability="yes")
    assert next_question(facts) == "ideology"


def test_a_skill_with_no_cause_is_not_a_sign_seen():
    facts = TriageFacts(capability="yes", ideology="no", engagement="no", intent="no")
    assert not facts.any_indicator
    assert TriageFacts(capability="yes", ideology="unsure").any_indicator
    assert TriageFacts(capability="yes", ideology="yes").any_indicator
    assert TriageFacts(intent="yes", ideology="no").any_indicator  # what was said stands


@pytest.mark.parametrize(
    "reply",
    [
        "she wants to join the RAF when she leaves school",
        "he's hoping to get into the Royal Marines after sixth form",
        "he goes to sea cadets every week and wants to be in the navy",
    ],
)
def test_joining_a_lawful_service_is_not_engagement(reply):
    assert answer_facts("engagement", reply).get("engagement") != "yes"


def test_joining_an_extremist_group_is_still_engagement():
    assert answer_facts("engagement", "he wants to join a far-right group he found online")[
        "engagement"
    ] == "yes"


def test_cadets_and_target_shooting_with_no_cause_end_with_no_concern():
    conv, asked = play(
        "A year 10 girl does air cadets and target shooting at a club; a supply teacher "
        "thinks her interest in rifles is a Prevent worry.",
        {
            "immediate_risk": "no",
            "ideology": "no, nothing extremist, she just loves the cadets",
            "engagement": "she wants to join the RAF when she leaves school",
            "other_safeguarding": "no",
        },
    )
    assert "ideology" in asked
    assert conv.outcome().outcome == "no_concern"


def test_a_skill_with_views_of_concern_still_goes_to_the_lead():
    conv, _ = play(
        "A year 10 girl does air cadets and keeps saying immigrants are vermin.",
        {"immediate_risk": "no", "age_group": "15"},
    )
    assert conv.outcome().outcome in ("consult_dsl", "refer")
