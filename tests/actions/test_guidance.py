"""Guidance actions with a real tracker: what the user is shown when nothing answers."""

from __future__ import annotations

from pathlib import Path

from bot.actions.guidance import ActionAnswerGuidance, ActionTalkToPerson
from tests.actions.conftest import responses, run, slots_set, user_turn


def test_not_sure_names_the_area_contact_with_the_annex_b_date_caveat(var: Path):
    """Contacts date from April 2019 (SET Annex B): the fallback says to check them."""
    tracker = user_turn(
        "what about the other thing?", "ask_guidance", slots={"area": "thurrock"}
    )
    events, messages = run(ActionAnswerGuidance(), tracker)
    assert responses(messages) == ["utter_guidance_not_sure"]
    said = messages[0]
    assert "2019" in said["contacts_dated"] and "check" in said["contacts_dated"].lower()
    assert said["area_name"] == "Thurrock" and "@" in said["area_contact"]
    assert all(button["title"] for button in said["buttons"])
    assert slots_set(events) == {"last_answer": "not_sure"}


def test_a_person_to_talk_to_lists_the_area_contacts_one_per_line(var: Path):
    events, messages = run(
        ActionTalkToPerson(),
        user_turn("can I talk to someone", "request_human", slots={"area": "essex"}),
    )
    lines = messages[0]["area_contacts"].splitlines()
    assert len(lines) > 1 and all(line.startswith("• ") for line in lines)
    assert any("@" in line for line in lines)
    assert slots_set(events) == {"last_answer": "contacts"}


def test_a_question_naming_an_area_answers_with_its_contacts_and_remembers_it(var: Path):
    events, messages = run(
        ActionAnswerGuidance(), user_turn("I'm in Lewisham, who do I contact?", "ask_guidance")
    )
    assert messages[0]["custom"]["guidance_topic"] == "contacts_lewisham"
    assert slots_set(events)["area"] == "lewisham"


def test_an_area_named_earlier_answers_a_later_contact_question(var: Path):
    tracker = user_turn(
        "who do I contact about a prevent concern?", "ask_guidance", slots={"area": "birmingham"}
    )
    _, messages = run(ActionAnswerGuidance(), tracker)
    assert messages[0]["custom"]["guidance_topic"] == "contacts_birmingham"


def test_a_person_to_talk_to_outside_set_gets_that_areas_contacts_not_essex(var: Path):
    """Lewisham has its own route: not the SET Annex B list or the Essex police team."""
    events, messages = run(
        ActionTalkToPerson(), user_turn("can I talk to someone in Lewisham", "request_human")
    )
    said = messages[0]
    assert said["custom"]["guidance_topic"] == "contacts_lewisham"
    assert "@essex" not in said["guidance_answer"].lower()
    assert slots_set(events)["area"] == "lewisham"


def test_an_off_topic_question_gets_the_kind_decline_not_a_topic_or_the_triage(var: Path):
    events, messages = run(
        ActionAnswerGuidance(),
        user_turn("could you suggest a nice soup recipe for a cold evening", "nlu_fallback"),
    )
    assert responses(messages) == ["utter_out_of_scope"]
    assert slots_set(events) == {"last_answer": "out_of_scope"}


def test_a_payload_is_not_declined_as_off_topic(var: Path):
    """ "/nlu_fallback" is an intent payload, not words: it still gets "not sure"."""
    _, messages = run(ActionAnswerGuidance(), user_turn("/nlu_fallback", "nlu_fallback"))
    assert responses(messages) == ["utter_guidance_not_sure"]
