"""bot/runtime/speedups.py changes speed only: action replies are validated as before,
events resolve to the same classes."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from bot.runtime import speedups


def test_action_replies_are_still_validated() -> None:
    speedups.apply()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_events_resolve_to_the_same_classes() -> None:
    speedups.apply()
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        first = next(
            c for c in rasa.shared.utils.common.all_subclasses(Event)
            if c.type_name == cls.type_name
        )
        assert Event.resolve_by_type(cls.type_name) is first
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("topic") is None
