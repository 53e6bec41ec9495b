"""What the triage conversation knows about a concern: facts, each possibly still unknown.

Facts are small enumerations, not free text: "yes", "no", "unsure" (a valid answer the
outcome takes into account), or None while nobody has said. Ages are whole years.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

Answer = Literal["yes", "no", "unsure"]
ANSWERS: tuple[str, ...] = ("yes", "no", "unsure")
AdultConsent = Literal["given", "refused", "not_asked", "unsure"]
ADULT_CONSENT: tuple[str, ...] = ("given", "refused", "not_asked", "unsure")
AgeGroup = Literal["child", "adult", "unsure"]
AGE_GROUPS: tuple[str, ...] = ("child", "adult", "unsure")
#: Facts a practitioner observes. Once "yes", a later "no" (often the person's own account of
#: it: "he says it means nothing") does not erase it: what staff saw stands (SET 2.3).
OBSERVED: tuple[str, ...] = (
    "terrorism",
    "ideology",
    "engagement",
    "intent",
    "capability",
    "other_safeguarding",
    "family_implicated",
)

#: The age from which the SET policy treats someone as an adult for consent (SET 2.4).
ADULT_AGE = 18
#: From this age, capacity to consent is judged under the Mental Capacity Act (SET 2.4).
CAPACITY_AGE = 16


@dataclass(frozen=True)
class TriageFacts:
    """Everything the decision table may look at. None means "not known yet"."""

    age_group: AgeGroup | None = None
    age: int | None = None
    immediate_risk: Answer | None = None
    terrorism: Answer | None = None
    ideology: Answer | None = None
    engagement: Answer | None = None
    intent: Answer | None = None
    capability: Answer | None = None
    other_safeguarding: Answer | None = None
    dsl_consulted: Answer | None = None
    family_aware: Answer | None = None
    family_implicated: Answer | None = None
    adult_consent: AdultConsent | None = None
    public_interest: Answer | None = None
    capacity_concern: Answer | None = None
    #: The person's own account plays it down ("just curious", "he says it means nothing").
    #: Recorded apart from what was observed, and never turned into `ideology: no`.
    denial: Answer | None = None

    def merged(self, **new: Any) -> TriageFacts:
        """A copy with the given facts set (unknown names and None values are ignored)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in new.items() if k in known and v is not None})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> TriageFacts:
        """Build from slot-like values, dropping anything that is not a valid fact value."""
        clean: dict[str, Any] = {}
        for f in fields(cls):
            value = values.get(f.name)
            if value is None:
                continue
            if f.name == "age":
                try:
                    age = int(value)
                except (TypeError, ValueError):
                    continue
                if 0 <= age <= 120:
                    clean["age"] = age
            elif f.name == "age_group":
                if value in AGE_GROUPS:
                    clean["age_group"] = value
            elif f.name == "adult_consent":
                if value in ADULT_CONSENT:
                    clean["adult_consent"] = value
            elif value in ANSWERS:
                clean[f.name] = value
        return cls(**clean)

    def combined(self, new: dict[str, Any]) -> TriageFacts:
        """These facts with `new` added, observed facts first (SET 2.3, 2.5).

        An observed "yes" is never replaced by a later "no" or "not sure", and `ideology: no`
        is not taken while a sign on one of the three dimensions has been seen: the person's
        account, or a passing "it's nothing", does not erase what staff saw or heard.
        """
        values = {k: v for k, v in new.items() if v is not None}
        for name in OBSERVED:
            if getattr(self, name) == "yes" and values.get(name) not in (None, "yes"):
                values.pop(name)
        if values.get("age_group") == "unsure" and self.age_group in ("child", "adult"):
            values.pop("age_group")
        merged = TriageFacts.from_mapping({**self.as_dict(), **values})
        if merged.ideology == "no" and merged.any_indicator:
            merged = replace(merged, ideology=self.ideology if self.ideology != "no" else None)
        return merged

    # -- derived ---------------------------------------------------------------------------

    @property
    def effective_age_group(self) -> AgeGroup | None:
        if self.age is not None:
            return "adult" if self.age >= ADULT_AGE else "child"
        return self.age_group

    @property
    def seen(self) -> str:
        """ "yes" once a sign on any of the three dimensions has been seen (derived fact)."""
        return "yes" if self.any_indicator else "no"

    @property
    def any_indicator(self) -> bool:
        """A sign seen on one of the three dimensions (SET 2.2/2.3). A skill alone (cadets,
        chemistry, a shooting club) is a sign only while a link to extremism is not ruled
        out: SET 2.3's capability indicators are about contributing to terrorism."""
        if "yes" in (self.engagement, self.intent):
            return True
        return self.capability == "yes" and self.ideology != "no"

    @property
    def engagement_or_intent(self) -> bool:
        """Something seen or said on engagement or intent: the extremism link is evident."""
        return "yes" in (self.engagement, self.intent)

    @property
    def any_indicator_unsure(self) -> bool:
        return "unsure" in (self.engagement, self.intent, self.capability)

    @property
    def indicators_all_no(self) -> bool:
        return all(v == "no" for v in (self.engagement, self.intent, self.capability))
