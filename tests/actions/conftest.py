"""Actions run as the SDK runs them: a real `Tracker`, a `CollectingDispatcher`, the real
domain, and real stores in a throwaway `var/` (SQLite, keys made for the test)."""

from __future__ import annotations

import asyncio
import base64
import secrets
import string
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import PROJECT_ROOT, Config, use_config

SENDER = "dsl-actions-test"
CHANNEL = "rest"


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            into.setdefault(key, {}).update(value)
        elif isinstance(value, list):
            into.setdefault(key, []).extend(value)


def load_domain() -> dict[str, Any]:
    """domain/*.yml as Rasa merges them (slots, forms, responses, actions)."""
    domain: dict[str, Any] = {}
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        _merge(domain, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return domain


DOMAIN = load_domain()


_ENVIRONMENTS: dict[Path, dict[str, str]] = {}


@pytest.fixture()
def var(tmp_path: Path) -> Iterator[Path]:
    """A fresh var/ for the stores the actions use, as this process's settings; no inbox
    certificate unless a test adds one (`settings`)."""
    _ENVIRONMENTS[tmp_path] = {
        "PREVENT_VAR_DIR": str(tmp_path),
        "PREVENT_MASTER_KEYS": "v1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "PREVENT_OWNER_PEPPER": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PREVENT_MIGRATE_ON_START": "1",
    }
    with use_config(Config.from_env(_ENVIRONMENTS[tmp_path])):
        yield tmp_path
    del _ENVIRONMENTS[tmp_path]


def settings(var: Path, **extra: str) -> AbstractContextManager[Config]:
    """The test's settings with more of them (e.g. PREVENT_INBOX_CERTS), for a `with` block."""
    return use_config(Config.from_env({**_ENVIRONMENTS[var], **extra}))


def user_turn(
    text: str,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    before: list[dict[str, Any]] | None = None,
    after: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender: str = SENDER,
) -> Tracker:
    """A tracker whose latest event is the user's message (then `after`, e.g. a rule's reply)."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": {},
    }
    events = [
        *(before or []),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message, "input_channel": CHANNEL},
        *(after or []),
    ]
    return Tracker(
        sender,
        dict(slots or {}),
        message,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        events[-1].get("name") if events[-1].get("event") == "action" else "action_listen",
    )


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(events, messages) of one action run; every response it sent can be filled in."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    for message in dispatcher.messages:
        assert_fillable(message, tracker)
    if not isinstance(action, FormValidationAction):  # a paused form returns none, rightly
        assert events, "every action returns an event (the safety net's sign that it ran)"
    return events, dispatcher.messages


def assert_fillable(message: dict[str, Any], tracker: Tracker) -> None:
    """Rasa fills a response's {fields} from the message's values, else from slots; a field
    neither gives is logged by Rasa's interpolator and shown to the user as "{field}"."""
    name = message.get("response")
    if not name:
        return
    variants = DOMAIN["responses"].get(name)
    assert variants, f"{name} is not a response in domain/"
    for variant in variants:
        for _, field, _, _ in string.Formatter().parse(variant.get("text") or ""):
            if field:
                assert field in message or field in DOMAIN["slots"], f"{name} needs {{{field}}}"


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the events set (the last value wins), as Rasa applies them."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m.get("response") for m in messages]
