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


def test_recent_rule_states_are_the_last_of_all_states() -> None:
    """RulePolicy gets only the last states, and they are exactly the last of Rasa's own
    (the earlier events still applied: slots, loops and reverted turns carry over)."""
    import copy
    import functools

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        SlotSet,
        UserUtteranceReverted,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.store.test_tracker_store import DOMAIN_YAML

    domain = Domain.from_yaml(DOMAIN_YAML)
    tracker = DialogueStateTracker("someone", domain.slots)
    for n in range(30):
        for event in [
            ActionExecuted("action_listen"),
            UserUttered(f"message {n}", intent={"name": "greet", "confidence": 1.0}),
            *([SlotSet("referral_started", True)] if n == 3 else []),
            *([ActionExecuted("vtr_form"), ActiveLoop("vtr_form")] if n == 10 else []),
            *([UserUtteranceReverted()] if n == 12 else []),
            *([ActiveLoop(None), SlotSet("pupil_name", "x")] if n == 20 else []),
            ActionExecuted("utter_greet"),
            BotUttered("Hello"),
        ]:
            tracker.update(event)
    everything = domain.states_for_tracker_history(tracker)
    for keep in (1, 3, 7, len(everything), len(everything) + 5):
        recent = copy.copy(tracker)
        recent.generate_all_prior_trackers = functools.partial(
            speedups._recent_prior_trackers, tracker, keep
        )
        assert domain.states_for_tracker_history(recent) == everything[-keep:]
