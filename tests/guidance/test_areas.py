"""A question that names an area gets that area's contacts (contacts.yml), with its source and
date caveat, not the default area's; an area named earlier in the conversation carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.guidance import GuidanceAnswer, GuidanceService, load_guidance
from bot.guidance.areas import named_area

ROOT = Path(__file__).resolve().parents[2]
FLOOR = 0.45

#: Each seed area asked about as a question and named mid-sentence.
AREA_QUESTIONS = [
    ("lewisham", "I'm in Lewisham, who do I contact?"),
    ("lewisham", "we teach at a primary in Lewisham and I'm not sure who to email a prevent form to"),
    ("birmingham", "who's the Prevent lead for Birmingham?"),
    ("birmingham", "our Birmingham academy needs the name of someone to talk to about prevent"),
    ("middlesbrough", "Middlesbrough referral email?"),
    ("middlesbrough", "I work in a Middlesbrough college, where do I send a prevent referral?"),
    ("southend", "we're a Southend school, who are our prevent contacts?"),
    ("southend", "as a DSL in Southend I'd like the contact details for prevent"),
    ("thurrock", "who's the Prevent lead for Thurrock?"),
    ("thurrock", "my school is in Thurrock so who should I be emailing about a prevent worry?"),
    ("essex", "I'm a teacher in Chelmsford - who is my prevent contact?"),
    ("essex", "as a school in Essex, which prevent contacts do we have?"),
]


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), FLOOR)


def _emails(text: str) -> set[str]:
    return {e.lower().rstrip(".") for e in re.findall(r"[\w.+-]+@[\w.-]+", text)}


@pytest.mark.parametrize(("area_id", "question"), AREA_QUESTIONS)
def test_a_named_area_gets_that_areas_contacts_with_source_and_date(service, area_id, question):
    area = service.base.areas[area_id]
    answer = service.answer(question)
    assert isinstance(answer, GuidanceAnswer), question
    assert answer.topic_id == area.topic, question
    assert area.name in answer.answer
    assert area.citation in answer.citations
    assert answer.dated, "a contact is dated: the answer must say to check it is current"
    others = set().union(
        *(_emails(" ".join(c.email for c in a.contacts)) for a in service.base.areas.values())
    ) - _emails(" ".join(c.email for c in area.contacts) + " " + area.prevent_inbox)
    assert not _emails(answer.answer) & others, "another area's address in the answer"


@pytest.mark.parametrize(
    ("area_id", "question"),
    [
        ("southend", "we're a Southend school, where do referrals go?"),
        ("thurrock", "where does a Thurrock college send its prevent referral forms?"),
        ("essex", "Where do I email the completed VTR form in Essex?"),
    ],
)
def test_a_set_area_asking_where_referrals_go_gets_the_set_route_and_its_contacts_first(
    service, area_id, question
):
    """The Essex Police inbox is the route of all three SET areas (SET 2.5): the route
    stands, with its secure-email and password steps, and the area's own contacts come first."""
    area = service.base.areas[area_id]
    answer = service.answer(question)
    assert isinstance(answer, GuidanceAnswer)
    assert answer.topic_id == "where_to_send"
    assert area.prevent_inbox.lower() in answer.answer.lower()
    assert answer.related[0].id == area.topic


def test_outside_set_asking_where_referrals_go_never_gets_the_essex_route(service):
    for question in [
        "Birmingham school here, where do I send a referral?",
        "I've moved from Essex to a Lewisham school - who do I email the prevent form to?",
        "where does a middlesbrough school send its prevent referral?",
    ]:
        answer = service.answer(question)
        assert isinstance(answer, GuidanceAnswer)
        assert "prevent@essex.pnn.police.uk" not in answer.answer.lower(), question
        assert answer.topic_id.startswith("contacts_"), question


@pytest.mark.parametrize("area_id", ["lewisham", "birmingham", "middlesbrough", "thurrock"])
def test_an_area_named_earlier_carries_to_a_contact_question(service, area_id):
    answer = service.answer("who do I contact about a prevent concern?", known_area=area_id)
    assert isinstance(answer, GuidanceAnswer)
    assert answer.topic_id == service.base.areas[area_id].topic


def test_without_an_area_the_contact_question_keeps_its_general_answer(service):
    answer = service.answer("who do I contact about a prevent concern?")
    assert isinstance(answer, GuidanceAnswer)
    assert answer.topic_id == "talk_to_person"


def test_an_area_does_not_take_over_a_question_that_is_not_about_contacts(service):
    for question, topic in [
        ("I'm in Lewisham, what is Channel?", "what_is_channel"),
        ("what has Birmingham done on prevent in its schools?", "birmingham_prevent"),
    ]:
        answer = service.answer(question, known_area="lewisham")
        assert isinstance(answer, GuidanceAnswer)
        assert answer.topic_id == topic, question


@pytest.mark.parametrize(
    ("text", "area_id"),
    [
        ("a school in Southend, Essex", "southend"),
        ("I've moved from Essex to a Lewisham school", "lewisham"),
        ("we emailed Essex Police about it", None),
        ("referring someone who lives outside essex", None),
        ("Middlesbrough", "middlesbrough"),
        ("nothing about places here", None),
        # a place used as a place
        ("I'm at a school in Southend, who do I ask?", "southend"),
        ("we're in Basildon", "essex"),
        ("our academy is near Grays", "thurrock"),
        # a place inside a name or title is not where the user is
        ("Mr Birmingham in year 9 said something odd", None),
        ("Mrs Essex, our head, wants to know about WRAP", None),
        ("Dr. Lewisham asked me about Channel", None),
        ("we watched a Clint Eastwood film in class", None),
        ("Is West Ham or Southend United better for a school football trip?", None),
        ("Colchester United FC are visiting the school", None),
        ("Essex Police's leaflet on Prevent", None),
        # an organisation of the area still places the user there
        ("Thurrock Council's leaflet says to email the panel", "thurrock"),
    ],
)
def test_named_area_reads_where_the_user_is(service, text, area_id):
    assert named_area(text, service.base) == area_id


def test_every_area_has_a_contacts_topic_citing_its_source_and_agreeing_on_addresses(service):
    """contacts.yml is the list; each area's topic must say the same addresses, no others."""
    base = service.base
    for area in base.areas.values():
        topic = base.topics[area.topic]
        assert area.citation in topic.citations and topic.dated
        listed = _emails(" ".join(c.email for c in area.contacts) + " " + area.prevent_inbox)
        assert _emails(topic.answer) <= listed | _emails(base.police.inbox), area.id
        assert listed <= _emails(topic.answer), area.id


def test_the_triage_and_not_sure_keep_the_set_areas_only(service):
    """The SET routes (police team, inbox) hold in Southend, Essex and Thurrock only."""
    assert service.base.area("lewisham").id == "essex"
    assert service.base.area("thurrock").id == "thurrock"
