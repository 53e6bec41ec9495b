"""Which facts the triage conversation still needs to ask, in order, given what it knows.

The plan follows the SET policy: safety first (immediacy, SET 2.5), then who the person
is (child or adult, SET 2.4), whether the worry is about extremism at all, the three
dimensions (SET 2.2/2.3), other safeguarding worries, consent (SET 2.4) and whether the
DSL or Prevent lead has been consulted (SET 2.5). Facts that cannot change the outcome
are not asked: no consent questions when there is nothing to refer.
"""

from __future__ import annotations

from bot.triage.facts import TriageFacts


def remaining(facts: TriageFacts) -> list[str]:
    """The facts still to ask, first one first. Empty means the table can decide."""
    todo: list[str] = []

    def need(name: str) -> None:
        if getattr(facts, name) is None:
            todo.append(name)

    need("immediate_risk")
    if facts.immediate_risk == "yes":
        return todo
    if facts.terrorism == "yes":  # the police route supersedes the rest (Thurrock pack)
        return todo
    if facts.age is None and facts.age_group is None:
        todo.append("age_group")
    extremism_possible = facts.ideology != "no" or facts.any_indicator
    if facts.ideology is None and not facts.engagement_or_intent:
        todo.append("ideology")  # a skill alone does not say whether extremism is involved
    if extremism_possible:
        for dimension in ("engagement", "intent", "capability"):
            need(dimension)
    capability_counts = facts.capability in ("yes", "unsure") and facts.ideology != "no"
    if facts.intent in ("yes", "unsure") or capability_counts or facts.engagement == "yes":
        # A sign seen: is anything being planned, or travel to join a group? Either goes to
        # the police ahead of local routes (SET 2.4, Thurrock pack), so it is always asked.
        need("terrorism")
    indicators_known = None not in (facts.engagement, facts.intent, facts.capability)
    if facts.ideology == "no" and not facts.any_indicator:
        need("other_safeguarding")
        return todo
    if indicators_known and facts.indicators_all_no:
        if facts.ideology != "yes":  # views of concern go to the lead whatever else (SET 2.5)
            need("other_safeguarding")
        return todo
    if not (facts.any_indicator or facts.any_indicator_unsure) and not todo:
        need("other_safeguarding")
        return todo
    group = facts.effective_age_group
    if group == "adult":
        need("adult_consent")
        if facts.adult_consent == "refused":
            need("public_interest")
    elif facts.family_implicated != "yes":  # consent is not sought from an implicated family
        need("family_aware")
    need("dsl_consulted")
    return todo


def next_question(facts: TriageFacts) -> str | None:
    todo = remaining(facts)
    return todo[0] if todo else None
