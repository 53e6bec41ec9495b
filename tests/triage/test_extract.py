"""Reading facts from what practitioners type: openings, answers, negations, "not sure"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.triage import age_from_text, answer_facts, mentioned_facts, yes_no


def test_an_opening_message_gives_age_and_indicators_so_they_are_not_asked_again():
    facts = mentioned_facts(
        "Should I refer? A 14 year old has started wearing a badge with a far-right symbol "
        "and keeps saying immigrants are ruining the country."
    )
    assert facts["age"] == 14 and facts["age_group"] == "child"
    assert facts["engagement"] == "yes" and facts["intent"] == "yes" and facts["ideology"] == "yes"


def test_no_immediate_danger_and_spoke_to_dsl_are_read_from_the_opening():
    facts = mentioned_facts("There's no immediate danger and I spoke to our DSL this morning")
    assert facts["immediate_risk"] == "no" and facts["dsl_consulted"] == "yes"


def test_curiosity_is_not_an_indicator():
    facts = mentioned_facts(
        "A pupil asked lots of questions about the IRA after our history lesson."
    )
    assert "engagement" not in facts and "ideology" not in facts


def test_other_safeguarding_worries_are_recognised():
    facts = mentioned_facts(
        "a year 8 girl has bruises and says she's scared of her mum's boyfriend"
    )
    assert facts["other_safeguarding"] == "yes" and facts["age_group"] == "child"


@pytest.mark.parametrize(
    ("asked", "reply", "expected"),
    [
        ("immediate_risk", "No, nobody is in immediate danger", {"immediate_risk": "no"}),
        ("immediate_risk", "Not right this minute, she's in school", {"immediate_risk": "no"}),
        ("age_group", "He is 14, a child", {"age": 14, "age_group": "child"}),
        ("age_group", "an adult, about 30", {"age": 30, "age_group": "adult"}),
        ("age_group", "not sure", {"age_group": "unsure"}),
        ("dsl_consulted", "No, I haven't spoken to the DSL yet", {"dsl_consulted": "no"}),
        ("dsl_consulted", "Not yet", {"dsl_consulted": "no"}),
        ("dsl_consulted", "I am the DSL", {"dsl_consulted": "yes"}),
        ("intent", "No violence or threats that I know of", {"intent": "no"}),
        (
            "engagement",
            "He has been sharing videos from a far-right group with friends",
            {"engagement": "yes"},
        ),
        ("ideology", "No, nothing to do with extremism", {"ideology": "no"}),
        (
            "family_aware",
            "His parents don't know yet and they are not involved",
            {"family_aware": "no", "family_implicated": "no"},
        ),
        ("family_aware", "his dad shares the same far right views", {"family_implicated": "yes"}),
        ("adult_consent", "he refused", {"adult_consent": "refused"}),
        ("adult_consent", "not asked yet", {"adult_consent": "not_asked"}),
        ("capability", "I'm not sure", {"capability": "unsure"}),
    ],
)
def test_answers_to_each_question(asked, reply, expected):
    facts = answer_facts(asked, reply)
    assert {k: facts.get(k) for k in expected} == expected


def test_a_yes_about_the_dsl_is_not_taken_as_an_answer_to_another_question():
    facts = answer_facts("capability", "yes I spoke to our DSL this morning")
    assert facts == {"dsl_consulted": "yes"}


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("yes", "yes"),
        ("Yep", "yes"),
        ("no", "no"),
        ("nope", "no"),
        ("not sure", "unsure"),
        ("I don't know", "unsure"),
        ("no idea", "unsure"),
        ("what?", None),
    ],
)
def test_yes_no_reading(text, reading):
    assert yes_no(text) == reading


def test_age_from_date_of_birth_and_school_year():
    assert age_from_text("14/02/2011", today=date(2026, 11, 23)) == 15
    assert age_from_text("she's in year 9") == 13
    assert age_from_text("31/02/2011") is None


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        (
            "A parent has told me her son is spending all night on a far-right Telegram channel. Do I need to refer him?",
            True,
        ),
        (
            "do i have to tell prevent about a kid who keeps saying the holocaust didn't happen",
            True,
        ),
        (
            "Should I refer an adult learner at our college who posts anti-government extremist videos?",
            True,
        ),
        ("Do I have to ask the parents before referring a 13 year old?", False),
        (
            "What signs would show a young person is getting involved with an extremist group?",
            False,
        ),
        ("If we refer a pupil to Channel does it go on their criminal record?", False),
    ],
)
def test_a_worry_about_a_person_is_told_apart_from_a_policy_question(text, concern):
    from bot.triage import describes_concern

    assert describes_concern(text) is concern
