"""From facts to an outcome a practitioner can act on: what to do, why, and where it says so."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.triage.evidence import EVIDENCE_FACTS, Turn, evidence, quoted
from bot.triage.facts import CAPACITY_AGE, TriageFacts
from bot.triage.rules import DecisionTable, load_table
from bot.wording import fill_contacts_in


@dataclass(frozen=True)
class AreaContact:
    """Who to call in the user's area (from guidance/contacts.yml, passed in by the caller)."""

    area_name: str
    area_contact: str
    police_phone: str
    police_inbox: str
    #: The date caveat of guidance/contacts.yml: Annex B is from April 2019.
    contacts_dated: str = ""
    #: False for an area outside the SET policy (Lewisham, Birmingham, Middlesbrough): the SET
    #: inbox, phone and Annex B contacts do not apply there; its own seed's route does.
    set_policy: bool = True
    #: Outside SET: where that area's own seed sends referrals ("" when it names none).
    area_inbox: str = ""
    area_citation: str = ""


def area_contact(base: Any, area_id: str | None, inbox: str, default_area: str) -> AreaContact:
    """The contact for the area named in the conversation (else the default) and the
    configured inbox, with the Annex B date caveat (SET Annex B, SET 2.5).

    `base` is the loaded guidance (bot.guidance.GuidanceBase): its contacts.yml is the one
    place contacts live. An area outside the SET policy keeps its own route: a Lewisham
    teacher is never told Essex's inbox or phone.
    """
    named = base.any_area(area_id)
    if named is not None and not named.set_policy:
        return AreaContact(
            area_name=named.name,
            area_contact="",
            police_phone="",
            police_inbox="",
            set_policy=False,
            area_inbox=named.prevent_inbox,
            area_citation=named.citation,
        )
    area = base.area((area_id or default_area).lower())
    first = next((c for c in area.contacts if c.email), None)
    return AreaContact(
        area_name=area.name,
        area_contact=f"{first.name} ({first.email})" if first else area.prevent_inbox,
        police_phone=base.police.phone,
        police_inbox=inbox,
        contacts_dated=base.contacts_dated,
    )


@dataclass(frozen=True)
class TriageOutcome:
    """The advice: never a verdict on a person, always the policy's next step with reasons."""

    outcome: str
    row_id: str
    headline: str
    reasons: tuple[str, ...]
    steps: tuple[str, ...]
    notes: tuple[str, ...]
    citations: tuple[str, ...]

    def payload(self) -> dict[str, Any]:
        """The contract other parts rely on (DESIGN.md): outcome, reasons, citations."""
        return {
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "citations": list(self.citations),
        }


#: Placeholders that name the SET routes: a step using one does not apply outside SET.
_SET_ROUTE_FIELDS = ("police_inbox", "police_phone", "area_contact")


@dataclass(frozen=True)
class TriageWording:
    outcomes: dict[str, dict[str, Any]]
    reasons: dict[str, str]
    dimensions: dict[str, str]
    notes: dict[str, str]
    note_citations: dict[str, list[str]]
    #: The route for an area outside the SET policy, in place of the SET inbox and phone.
    outside_set: dict[str, str]


@functools.lru_cache(maxsize=2)
def load_wording(path: Path) -> TriageWording:
    """The outcome wording; ``{contact.x}`` filled from the guidance folder's contacts.yml."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    contacts_file = path.parent.parent / "contacts.yml"
    if contacts_file.exists():
        data = fill_contacts_in(data, yaml.safe_load(contacts_file.read_text(encoding="utf-8")))
    return TriageWording(
        outcomes=data["outcomes"],
        reasons=data["reasons"],
        dimensions=data["dimensions"],
        notes=data["notes"],
        note_citations=data.get("note_citations", {}),
        outside_set=data["outside_set"],
    )


@dataclass(frozen=True)
class Why:
    """Why a question is asked, and where the policy says so."""

    text: str
    citations: tuple[str, ...]


def load_why(path: Path) -> dict[str, Why]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {k: Why(v["text"], tuple(v["citations"])) for k, v in data["why"].items()}


class Triage:
    """Decides with the table and words the result with `guidance/triage/outcomes.yml`."""

    def __init__(
        self, table: DecisionTable, wording: TriageWording, whys: dict[str, Why] | None = None
    ) -> None:
        self.table = table
        self.wording = wording
        self.whys = whys or {}

    @classmethod
    def from_directory(cls, directory: Path) -> Triage:
        return cls(
            load_table(directory / "decision_table.yml"),
            load_wording(directory / "outcomes.yml"),
            load_why(directory / "why.yml"),
        )

    def why(self, fact: str) -> Why | None:
        """The reason a question is asked (for "why are you asking?")."""
        return self.whys.get(fact)

    def decide(
        self,
        facts: TriageFacts,
        contact: AreaContact,
        turns: Sequence[Turn] = (),
    ) -> TriageOutcome | None:
        """The outcome once the facts allow one; None while a question is still open.

        `turns` (what was asked and typed) let the reasons quote the words each fact came
        from, so the practitioner sees what the advice rests on (bot/triage/evidence.py).
        """
        row = self.table.decide(facts)
        if row is None:
            return None
        w = self.wording
        seen = [
            w.dimensions[d]
            for d in ("engagement", "intent", "capability")
            if getattr(facts, d) == "yes"
        ]
        values = {
            "dimensions": "; ".join(seen) or "none",
            "unsure": ", ".join(_unsure_topics(facts)),
            **contact.__dict__,
        }
        reasons = [w.reasons[r].format(**values) for r in row.reasons]
        quotes = _evidence_line(row.when, row.outcome, facts, turns)
        if quotes:
            reasons.insert(0, w.reasons["evidence"].format(quotes=quotes))
        if facts.denial == "yes" and row.outcome not in ("emergency", "police"):
            reasons.append(w.reasons["denial_noted"])
        if facts.other_safeguarding == "yes" and row.outcome in ("refer", "consult_dsl"):
            reasons.append(w.reasons["also_safeguarding"])
        if _unsure_topics(facts):
            reasons.append(w.reasons["unsure_answers"].format(**values))
        notes, note_citations = self._notes(facts, row.outcome)
        spec = w.outcomes[_wording_key(row.outcome, facts, w)]
        cited = [*row.citations, *note_citations]
        if not contact.set_policy:
            # Outside SET the area's own seed gives the route, not the SET Annex B contacts.
            cited = [c for c in cited if c != "SET Annex B"] + [contact.area_citation]
        citations = tuple(dict.fromkeys(c for c in cited if c))
        return TriageOutcome(
            outcome=row.outcome,
            row_id=row.id,
            headline=spec["headline"].format(**values),
            reasons=tuple(reasons),
            steps=self._steps(spec["steps"], contact, values),
            notes=tuple(notes),
            citations=citations,
        )

    def area_update(self, contact: AreaContact) -> str:
        """What to say when the area is given after an outcome: its contact (SET Annex B),
        without going through the questions again."""
        if not contact.set_policy:
            return self._outside_set_route(contact)
        return self.wording.notes["area_updated"].format(**contact.__dict__).strip()

    def _steps(
        self, steps: Sequence[str], contact: AreaContact, values: dict[str, Any]
    ) -> tuple[str, ...]:
        """The outcome's steps; outside the SET policy, each step naming a SET route (its
        inbox, phone or Annex B contact) gives way to that area's own route, said once."""
        out: list[str] = []
        for step in steps:
            if not contact.set_policy and any(f"{{{k}}}" in step for k in _SET_ROUTE_FIELDS):
                step = self._outside_set_route(contact)
                if step in out:
                    continue
                out.append(step)
                continue
            out.append(step.format(**values))
        return tuple(out)

    def _outside_set_route(self, contact: AreaContact) -> str:
        routes = self.wording.outside_set
        key = "with_inbox" if contact.area_inbox else "without_inbox"
        return routes[key].format(**contact.__dict__).strip()

    def _notes(self, facts: TriageFacts, outcome: str) -> tuple[list[str], list[str]]:
        keys: list[str] = []
        if outcome == "safeguarding" and facts.family_implicated == "yes":
            keys.append("child_family_implicated")
        if outcome in ("refer", "consult_dsl"):
            if facts.effective_age_group != "adult":
                keys.append("child_family")
                if facts.family_implicated == "yes":
                    keys.append("child_family_implicated")
                elif facts.family_aware == "no":
                    keys.append("child_family_not_told")
            if facts.age is not None and facts.age >= CAPACITY_AGE:
                keys.append("capacity")
            keys.append("support_not_suspicion")
        notes = [self.wording.notes[k] for k in keys]
        citations = [c for k in keys for c in self.wording.note_citations.get(k, [])]
        return notes, citations


def _wording_key(outcome: str, facts: TriageFacts, wording: TriageWording) -> str:
    """The outcome's wording: "talk to your DSL first" is wrong once they have (SET 2.5), so
    consult_dsl with `dsl_consulted: yes` is worded as what follows (`consult_dsl_after_dsl`).
    The outcome itself (the payload other parts rely on) is unchanged."""
    variant = f"{outcome}_after_dsl"
    if facts.dsl_consulted == "yes" and variant in wording.outcomes:
        return variant
    return outcome


def _evidence_line(
    when: dict[str, tuple[str, ...]], outcome: str, facts: TriageFacts, turns: Sequence[Turn]
) -> str:
    """The practitioner's words behind the facts this row rests on (and the person's own
    account, and other worries, when the reasons name them)."""
    if not turns:
        return ""
    relevant = set(when)
    if relevant & {"indicators", "seen"}:
        relevant |= {"engagement", "intent", "capability"}
    if outcome == "police":
        relevant |= {"engagement", "intent", "capability"}
    elif outcome != "emergency":
        relevant |= set(EVIDENCE_FACTS) - {"immediate_risk"}
    found = evidence(turns, facts)
    labels = {
        fact: f"{_TOPICS.get(fact, fact)}: {_SAID.get(str(getattr(facts, fact)), '')}".rstrip(": ")
        for fact in found
    }
    return quoted(found, labels, relevant)


_SAID = {"yes": "yes", "no": "no", "unsure": "not sure"}
_TOPICS = {
    "immediate_risk": "immediate danger",
    "terrorism": "planning, travel or membership",
    "ideology": "a link to extremism",
    "engagement": "engagement",
    "intent": "intent",
    "capability": "capability",
    "other_safeguarding": "other safeguarding worries",
    "denial": "their own account",
}


def _unsure_topics(facts: TriageFacts) -> list[str]:
    names = {
        "immediate_risk": "immediate danger",
        "terrorism": "whether an offence or travel is being planned",
        "ideology": "a link to extremism",
        "engagement": "engagement",
        "intent": "intent",
        "capability": "capability",
        "other_safeguarding": "other safeguarding worries",
        "dsl_consulted": "talking to your DSL",
        "family_aware": "whether the family knows",
        "public_interest": "the public interest",
    }
    return [label for name, label in names.items() if getattr(facts, name) == "unsure"]


def get_triage() -> Triage:
    """The triage tables of the process's settings (read once per guidance folder)."""
    from bot.config import get_config

    return _triage(get_config().guidance_dir / "triage")


@functools.lru_cache(maxsize=4)
def _triage(directory: Path) -> Triage:
    return Triage.from_directory(directory)
