"""Guidance actions with a real tracker: what the user is shown when nothing answers."""

from __future__ import annotations

from pathlib import Path

from bot.actions.guidance import ActionAnswerGuidance, ActionTalkToPerson
from tests.actions.conftest import responses, run, slots_set, user_turn


def test_not_sure_names_the_area_contact_with_the_annex_b_date_caveat(var: Path):
    """Contacts date from April 2019 (SET Annex B): the fallback says to check them."""
    tracker = user_turn(
        "what is the quorvex flange rota?", "ask_guidance", slots={"area": "thurrock"}
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


def test_one_turn_classifies_and_searches_the_message_once(var: Path, monkeypatch):
    """Cold review C4: the routing read the message twice (route() directly and again inside
    search()), and the action searched again to answer: one route and one search now."""
    import bot.guidance.routing as routing_module
    import bot.guidance.service as service_module
    from bot.guidance import get_service

    calls = {"route": 0, "search": 0}
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
    assert calls == {"route": 1, "search": 1}


def test_should_he_be_referred_starts_the_triage_from_the_guidance_action(var: Path):
    """Cold review C1: a passive referral question the classifier sends to the guidance
    action starts the should-I-refer questions (it was answered from the guidance)."""
    events, messages = run(
        ActionAnswerGuidance(), user_turn("Should he be referred?", "ask_guidance")
    )
    assert not any(r.startswith("utter_guidance_answer") for r in responses(messages))
    assert any(e.get("name") == "triage_form" for e in events if e.get("event") == "followup")
