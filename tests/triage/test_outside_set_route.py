"""An area outside the SET policy keeps its own route (guidance/contacts.yml, its own seed).

Why: a Lewisham teacher was told to send the referral to the Essex Police inbox and ring the
Essex Police Prevent Team, with the SET Annex B contacts and their 2019 caveat; Lewisham's
own page sends referrals to the Met. Every outcome that names a route is checked for every
area, so a new area in contacts.yml is covered without a new test.
"""

from __future__ import annotations

import pytest

from bot.triage import TriageFacts
from bot.triage.outcome import area_contact
from tests.triage._play import BASE, INBOX, TRIAGE

OUTSIDE_SET = [a for a in BASE.areas.values() if not a.set_policy]
INSIDE_SET = [a for a in BASE.areas.values() if a.set_policy]

#: Facts that reach each outcome whose steps name a route (refer, consult_dsl, after DSL).
CASES = {
    "refer": dict(
        immediate_risk="no", age_group="child", ideology="yes", engagement="yes",
        intent="no", capability="no", dsl_consulted="yes", family_aware="yes",
        terrorism_related="no", other_safeguarding="no",
    ),
    "consult_dsl": dict(
        immediate_risk="no", age_group="child", ideology="yes", engagement="no",
        intent="no", capability="no", dsl_consulted="no", terrorism_related="no",
        other_safeguarding="no",
    ),
}


def _outcome_text(facts: dict, area_id: str) -> tuple[str, str]:
    contact = area_contact(BASE, area_id, INBOX, "essex")
    result = TRIAGE.decide(TriageFacts.from_mapping(facts), contact)
    assert result is not None, facts
    if not contact.set_policy:
        # The sources listed under the outcome name the area's seed, not SET Annex B.
        assert "SET Annex B" not in result.citations
        assert contact.area_citation in result.citations
    return result.outcome, "\n".join([result.headline, *result.steps])


def test_there_are_areas_on_both_sides():
    assert OUTSIDE_SET and INSIDE_SET


@pytest.mark.parametrize("area", OUTSIDE_SET, ids=lambda a: a.id)
@pytest.mark.parametrize("case", sorted(CASES))
def test_outside_set_never_names_the_set_route(area, case):
    outcome, text = _outcome_text(CASES[case], area.id)
    assert outcome in ("refer", "consult_dsl"), outcome
    assert INBOX not in text and BASE.police.phone not in text
    assert "SET Annex B" not in text and "April 2019" not in text
    assert area.name in text and f"({area.citation})" in text
    if area.prevent_inbox:
        assert text.count(area.prevent_inbox) == 1
    # 999 and the Anti-Terrorist Hotline are national: they stay.
    if outcome == "consult_dsl":
        assert "999" in text and "0800 789 321" in text


@pytest.mark.parametrize("area", INSIDE_SET, ids=lambda a: a.id)
def test_inside_set_keeps_the_set_route(area):
    _, text = _outcome_text(CASES["refer"], area.id)
    assert INBOX in text and BASE.police.phone in text


@pytest.mark.parametrize("area", OUTSIDE_SET, ids=lambda a: a.id)
def test_an_area_given_after_the_outcome_names_its_own_route(area):
    said = TRIAGE.area_update(area_contact(BASE, area.id, INBOX, "essex"))
    assert area.name in said and INBOX not in said and BASE.police.phone not in said
