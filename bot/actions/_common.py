"""Small helpers shared by the action modules: the user's area and button payloads."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker

from bot.config import get_config


def user_area(tracker: Tracker) -> str:
    """The area the user said they work in, else the configured default (SET Annex B)."""
    return (tracker.get_slot("area") or get_config().default_area).lower()


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that Rasa parses without NLU: `/intent{"entity": "value"}`."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return value if isinstance(value, str) else None
