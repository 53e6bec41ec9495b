"""The triage action's contact: the area slot (named in the conversation) and the configured
inbox (PREVENT_INBOX_ADDRESS), never a hard-coded default."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.actions.triage import _area_contact, _fact_events
from bot.triage import TriageFacts
from tests.helpers.settings import reread_settings


def _tracker(slots: dict) -> Tracker:
    return Tracker("t", slots, {}, [], False, None, {}, "action_listen")


def test_the_action_uses_the_area_slot_and_the_configured_inbox(monkeypatch):
    monkeypatch.setenv("PREVENT_INBOX_ADDRESS", "prevent-configured@essex.pnn.police.uk")
    monkeypatch.setenv("PREVENT_DEFAULT_AREA", "essex")
    reread_settings(monkeypatch)
    contact = _area_contact(_tracker({"area": "thurrock"}))
    assert contact.area_name == "Thurrock"
    assert contact.police_inbox == "prevent-configured@essex.pnn.police.uk"
    assert "April 2019" in contact.contacts_dated


def test_an_area_named_in_a_message_sets_the_area_slot():
    events = _fact_events(TriageFacts(), {"area": "southend", "age": 14})
    assert {"event": "slot", "name": "area", "value": "southend"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


def _latest(text: str, slots: dict) -> Tracker:
    return Tracker(
        "t", slots, {"text": text, "intent": {"name": "inform"}}, [], False, None, {},
        "action_listen",
    )


def test_the_area_given_after_an_outcome_updates_the_contact_without_a_new_triage():
    """QA B6: "we're in Southend" after an outcome used to start the questions again."""
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.triage import ActionStartTriage

    slots = {
        "last_answer": "outcome",
        "triage_outcome": "consult_dsl",
        "triage_immediate_risk": "no",
        "area": None,
    }
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ActionStartTriage().run(dispatcher, _latest("we're in Southend", slots), {})
    )
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "Southend's Prevent contact is" in said and "April 2019" in said
    assert not any(m.get("response") == "utter_triage_intro" for m in dispatcher.messages)
    names = [(e.get("event"), e.get("name")) for e in events]
    assert ("slot", "area") in names and ("followup", "action_listen") in names
    assert ("slot", "triage_immediate_risk") not in names  # the facts are kept


def test_an_area_alone_is_no_shortcut_before_an_outcome_or_within_a_new_worry():
    from bot.triage.conversation import area_only

    assert area_only("we're in Southend") == "southend"
    assert area_only("Thurrock") == "thurrock"
    assert area_only("A 14 year old in Southend has a swastika tattoo") is None
