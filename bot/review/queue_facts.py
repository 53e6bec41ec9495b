"""What the queue shows about a referral beyond its reference: area, age band, flags.

Worked out in the review app from the decrypted referral's JSON (the only place the inbox key
is), and kept in this process's memory only (`FactsCache`): nothing of a referral's content is
written to the database the bot shares, not even these coarse fields. A restarted app works
them out again the first time the queue is shown (one decryption per referral).

The words (age bands, consent readings, flags) are data: guidance/review/queue.yml.
Plain Python (no web framework).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.referral.form import age_from_date_or_age

CHILD, SIXTEEN_SEVENTEEN, ADULT, UNKNOWN_AGE = "child", "sixteen_seventeen", "adult", "unknown"
AGE_ORDER = (CHILD, SIXTEEN_SEVENTEEN, ADULT, UNKNOWN_AGE)
CONSENT_NOT_RECORDED, CONSENT_OTHER = "not_recorded", "other"
_NOT_KNOWN = {"", "not known", "unknown"}


@dataclass(frozen=True)
class QueueWords:
    age_bands: dict[str, str]
    consent_labels: dict[str, str]
    consent_patterns: tuple[tuple[str, tuple[str, ...]], ...]
    flags: dict[str, str]


@functools.lru_cache(maxsize=4)
def load_words(path: Path) -> QueueWords:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return QueueWords(
        age_bands=dict(data["age_bands"]),
        consent_labels=dict(data["consent"]["labels"]),
        consent_patterns=tuple(
            (kind, tuple(str(p).lower() for p in patterns))
            for kind, patterns in data["consent"]["patterns"].items()
        ),
        flags=dict(data["flags"]),
    )


@dataclass(frozen=True)
class QueueFacts:
    """Coarse facts for the queue: never names, never the concern."""

    area: str
    age_band: str
    imminent_risk: bool
    consent: str


def age_band(value: str, on: date | None) -> str:
    """child (under 16), 16-17, adult (18+), or unknown, at the date of referral."""
    if value.strip().lower() in _NOT_KNOWN:
        return UNKNOWN_AGE
    age = age_from_date_or_age(value, on)
    if age is None:
        return UNKNOWN_AGE
    if age < 16:
        return CHILD
    return SIXTEEN_SEVENTEEN if age < 18 else ADULT


def consent_status(text: str, words: QueueWords) -> str:
    lowered = " ".join(text.lower().split())
    if lowered in _NOT_KNOWN:
        return CONSENT_NOT_RECORDED
    for kind, patterns in words.consent_patterns:
        if any(p in lowered for p in patterns):
            return kind
    return CONSENT_OTHER


def facts_from_json(data: dict[str, Any], words: QueueWords) -> QueueFacts:
    """The queue's facts from a referral's JSON (bot.referral.render.to_json)."""
    values = {
        str(f.get("id")): str(f.get("value") or "")
        for s in data.get("sections") or []
        if isinstance(s, dict)
        for f in s.get("fields") or []
        if isinstance(f, dict)
    }
    try:
        on = datetime.strptime(str(data.get("referral_date") or ""), "%d/%m/%Y").date()
    except ValueError:
        on = None
    return QueueFacts(
        area=values.get("area") or str(data.get("area") or ""),
        age_band=age_band(values.get("date_of_birth", ""), on),
        imminent_risk=values.get("imminent_risk", "").strip().lower() == "yes",
        consent=consent_status(values.get("consent", ""), words),
    )


class FactsCache:
    """Facts per reference, worked out once per process by `compute` (None: cannot open)."""

    def __init__(self, compute: Callable[[str], QueueFacts | None]) -> None:
        self._compute = compute
        self._facts: dict[str, QueueFacts] = {}
        self._lock = threading.Lock()

    def get(self, reference: str) -> QueueFacts | None:
        with self._lock:
            found = self._facts.get(reference)
        if found is not None:
            return found
        facts = self._compute(reference)
        if facts is not None:
            with self._lock:
                self._facts[reference] = facts
        return facts
