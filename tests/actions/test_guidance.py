"""Guidance actions with a real tracker: what the user is shown when nothing answers."""

from __future__ import annotations

from pathlib import Path

from bot.actions.guidance import ActionAnswerGuidance, ActionTalkToPerson
from tests.actions.conftest import responses, run, slots_set, user_turn


def test_not_sure_names_the_area_contact_with_the_annex_b_date_caveat(var: Path):
    """Contacts date from April 2019 (SET Annex B): the fallback says to check them."""
    tracker = user_turn("what about the other thing?", "ask_guidance", slots={"area": "thurrock"})
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


def test_one_turn_classifies_and_searches_the_message_once(var: Path, monkeypatch):
    """Cold review C4: the routing read the message twice (route() directly and again inside
    search()), and the action searched again to answer: one route and one search now."""
    import bot.guidance.routing as routing_module
    import bot.guidance.service as service_module
    import bot.triage as triage_module
    from bot.guidance import get_service

    calls = {"route": 0, "search": 0, "concern": 0}
    real_concern = triage_module.describes_concern

    def counted_concern(text):
        calls["concern"] += 1
        return real_concern(text)

    monkeypatch.setattr(triage_module, "describes_concern", counted_concern)
    real_route = routing_module.route
    index = get_service().index
    real_parts = index.search_parts

    def counted_route(text):
        calls["route"] += 1
        return real_route(text)

    def counted_parts(*args, **kwargs):
        calls["search"] += 1
        return real_parts(*args, **kwargs)

    monkeypatch.setattr(service_module, "route", counted_route)
    monkeypatch.setattr(index, "search_parts", counted_parts)
    tracker = user_turn("ok thanks. who sits on the channel panel?", "ask_guidance")
    events, messages = run(ActionAnswerGuidance(), tracker)
    assert responses(messages)[0].startswith("utter_guidance_answer")
    assert calls == {"route": 1, "search": 1, "concern": 1}


def test_should_he_be_referred_starts_the_triage_from_the_guidance_action(var: Path):
    """Cold review C1: a passive referral question the classifier sends to the guidance
    action starts the should-I-refer questions (it was answered from the guidance)."""
    events, messages = run(
        ActionAnswerGuidance(), user_turn("Should he be referred?", "ask_guidance")
    )
    assert not any(r.startswith("utter_guidance_answer") for r in responses(messages))
    assert any(e.get("name") == "triage_form" for e in events if e.get("event") == "followup")


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
