"""The action server starts: every action in bot/actions registers under its domain name,
and no base class is taken for an action (the SDK registers every concrete subclass)."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.actions.conftest import DOMAIN


def test_every_domain_action_is_served_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("bot.actions")  # raises if a registered class has no name
    served = set(executor.actions)
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= served, sorted(custom - served)
    assert served <= custom, sorted(served - custom)
