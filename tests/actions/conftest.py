"""Actions run as the SDK runs them: a real `Tracker`, a `CollectingDispatcher`, the real
domain, and real stores in a throwaway `var/` (SQLite, keys made for the test)."""

from __future__ import annotations

import asyncio
import base64
import secrets
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import PROJECT_ROOT, get_config
from bot.store import crypto

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


def _clear_caches() -> None:
    get_config.cache_clear()
    crypto.get_keyring.cache_clear()
    crypto.get_pepper.cache_clear()


@pytest.fixture()
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh var/ for the stores the actions use; no inbox certificate unless a test sets one."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("PREVENT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PREVENT_MASTER_KEYS", f"v1:{key}")
    monkeypatch.setenv("PREVENT_OWNER_PEPPER", base64.b64encode(secrets.token_bytes(32)).decode())
    for name in ("PREVENT_DATABASE_URL", "PREVENT_INBOX_CERTS", "TRACKER_DB", "TRACKER_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    _clear_caches()
    yield tmp_path
    monkeypatch.undo()
    _clear_caches()


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
