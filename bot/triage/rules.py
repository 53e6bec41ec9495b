"""The decision table: facts in, the first matching row out (guidance/triage/decision_table.yml)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.triage.facts import TriageFacts

OUTCOMES = ("emergency", "police", "refer", "consult_dsl", "safeguarding", "no_concern")
INDICATOR_STATES = ("any_yes", "unsure_only", "all_no")


class DecisionTableError(ValueError):
    """The decision table file is malformed."""


@dataclass(frozen=True)
class Row:
    """One row: when every condition holds, the outcome applies with its reasons."""

    id: str
    when: dict[str, tuple[str, ...]]
    outcome: str
    reasons: tuple[str, ...]
    citations: tuple[str, ...]

    def matches(self, facts: TriageFacts) -> bool:
        return all(_value(facts, name) in allowed for name, allowed in self.when.items())


def indicator_state(facts: TriageFacts) -> str | None:
    """The three dimensions (SET 2.2) folded into one derived fact."""
    if facts.any_indicator:
        return "any_yes"
    if facts.indicators_all_no:
        return "all_no"
    values = (facts.engagement, facts.intent, facts.capability)
    if None not in values and facts.any_indicator_unsure:
        return "unsure_only"
    return None


def _value(facts: TriageFacts, name: str) -> str | None:
    if name == "indicators":
        return indicator_state(facts)
    if name == "age_group":
        return facts.effective_age_group
    if name == "seen":
        return facts.seen
    value = getattr(facts, name)
    return None if value is None else str(value)


@dataclass(frozen=True)
class DecisionTable:
    rows: tuple[Row, ...]

    def decide(self, facts: TriageFacts) -> Row | None:
        """The first row that matches, or None while facts are still missing.

        Order is precedence: rows are listed safety first (emergency, police, refer,
        consult_dsl, safeguarding, no_concern where several could hold), and the tests in
        tests/triage/test_precedence.py fail if the rows are reordered.
        """
        return next((row for row in self.rows if row.matches(facts)), None)


def _as_value(value: Any) -> str:
    """YAML reads a bare yes/no as a boolean: fold it back to the fact value it means."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def parse_table(data: dict[str, Any], known_facts: Sequence[str]) -> DecisionTable:
    rows = []
    allowed_names = set(known_facts) | {"indicators", "seen"}
    for i, raw in enumerate(data.get("rows") or []):
        where = f"decision table row {raw.get('id', i + 1)!r}"
        try:
            when = {
                name: tuple([values] if isinstance(values, str) else values)
                for name, values in raw["when"].items()
            }
            row = Row(
                id=str(raw["id"]),
                when={k: tuple(_as_value(v) for v in vs) for k, vs in when.items()},
                outcome=str(raw["outcome"]),
                reasons=tuple(raw.get("reasons") or ()),
                citations=tuple(raw.get("citations") or ()),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise DecisionTableError(f"{where}: malformed ({exc})") from exc
        if row.outcome not in OUTCOMES:
            raise DecisionTableError(f"{where}: unknown outcome {row.outcome!r}")
        unknown = set(row.when) - allowed_names
        if unknown:
            raise DecisionTableError(f"{where}: unknown facts {sorted(unknown)}")
        if not row.citations:
            raise DecisionTableError(f"{where}: every row must cite the policy")
        rows.append(row)
    if not rows:
        raise DecisionTableError("the decision table has no rows")
    return DecisionTable(tuple(rows))


@functools.lru_cache(maxsize=2)
def load_table(path: Path) -> DecisionTable:
    from dataclasses import fields

    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return parse_table(data, [f.name for f in fields(TriageFacts)])
