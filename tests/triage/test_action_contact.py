"""The triage action's contact: the area slot (named in the conversation) and the configured
inbox (PREVENT_INBOX_ADDRESS), never a hard-coded default."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.actions.triage import _area_contact, _fact_events
from bot.config import get_config
from bot.triage import TriageFacts


def _tracker(slots: dict) -> Tracker:
    return Tracker("t", slots, {}, [], False, None, {}, "action_listen")


def test_the_action_uses_the_area_slot_and_the_configured_inbox(monkeypatch):
    monkeypatch.setenv("PREVENT_INBOX_ADDRESS", "prevent-configured@essex.pnn.police.uk")
    monkeypatch.setenv("PREVENT_DEFAULT_AREA", "essex")
    get_config.cache_clear()
    try:
        contact = _area_contact(_tracker({"area": "thurrock"}))
    finally:
        monkeypatch.undo()
        get_config.cache_clear()
    assert contact.area_name == "Thurrock"
    assert contact.police_inbox == "prevent-configured@essex.pnn.police.uk"
    assert "April 2019" in contact.contacts_dated


def test_an_area_named_in_a_message_sets_the_area_slot():
    events = _fact_events(TriageFacts(), {"area": "southend", "age": 14})
    assert {"event": "slot", "name": "area", "value": "southend"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
