"""Which questions remain: safety first, nothing asked twice, nothing irrelevant asked."""

from __future__ import annotations

from bot.triage import TriageFacts, next_question, remaining


def facts(**values):
    return TriageFacts.from_mapping(values)


def test_immediate_danger_is_asked_first():
    assert next_question(facts()) == "immediate_risk"


def test_known_facts_are_not_asked_again():
    todo = remaining(
        facts(immediate_risk="no", age=14, ideology="yes", engagement="yes", intent="yes")
    )
    assert "age_group" not in todo and "engagement" not in todo and "intent" not in todo
    assert todo[0] == "capability"


def test_not_extremism_skips_the_dimensions_and_consent():
    todo = remaining(facts(immediate_risk="no", age=12, ideology="no"))
    assert todo == ["other_safeguarding"]


def test_adults_are_asked_for_consent_and_public_interest_only_when_refused():
    base = dict(
        immediate_risk="no", age=30, ideology="yes", engagement="yes", intent="no", capability="no"
    )
    assert "adult_consent" in remaining(facts(**base))
    assert "public_interest" not in remaining(facts(**base, adult_consent="given"))
    assert "public_interest" in remaining(facts(**base, adult_consent="refused"))


def test_children_are_asked_about_the_family_not_adult_consent():
    todo = remaining(
        facts(
            immediate_risk="no",
            age=14,
            ideology="yes",
            engagement="yes",
            intent="no",
            capability="no",
        )
    )
    assert "family_aware" in todo and "adult_consent" not in todo


def test_an_emergency_answer_ends_the_questions():
    assert remaining(facts(immediate_risk="yes")) == []
