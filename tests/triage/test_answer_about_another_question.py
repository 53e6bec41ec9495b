"""A yes or no whose words are about another question answers that one, not the one asked.

Why: to "do they have the means or know-how to carry it out?", a teacher typed "yes his mum
knows" (answering the family question a step early) and the outcome quoted it as evidence of
capability. The DSL already had this rule; it now holds for every question of its own
(family, DSL, age) against the questions about the person's views and behaviour.
"""

from __future__ import annotations

import pytest

from bot.triage import answer_facts
from bot.triage.conversation import read_reply

BEHAVIOUR_QUESTIONS = ("engagement", "intent", "capability", "other_safeguarding", "terrorism")

ABOUT_OTHERS = [
    ("yes his mum knows", {"family_aware": "yes"}),
    ("yes, both parents are aware", {"family_aware": "yes"}),
    ("yes he's 15", {"age": 15}),
    ("yes, I told our DSL this morning", {"dsl_consulted": "yes"}),
    ("no, his dad doesn't know yet", {"family_aware": "no"}),
]


@pytest.mark.parametrize("asked", BEHAVIOUR_QUESTIONS)
@pytest.mark.parametrize(("reply", "kept"), ABOUT_OTHERS)
def test_the_yes_goes_with_what_the_reply_is_about(asked, reply, kept):
    facts = answer_facts(asked, reply)
    assert asked not in facts, (asked, reply, facts)
    for key, value in kept.items():
        assert facts.get(key) == value, (reply, facts)
    # Nothing is answered for the question asked: it is asked again, or (a sentence in the
    # person's own words) kept as "not sure" - never a yes or no it did not say.
    reading = read_reply(asked, reply)
    assert reading.values.get(asked) in (None, "unsure"), reading


@pytest.mark.parametrize(
    ("asked", "reply", "value"),
    [
        ("capability", "yes", "yes"),
        ("capability", "no", "no"),
        ("capability", "yes, his dad has a shotgun and his mum knows", "yes"),
        ("intent", "yes, he said he'd hurt them, and his mum knows", "yes"),
        ("intent", "yes, he threatened to stab a boy, and his mum knows", "yes"),
        ("capability", "yes he is good at chemistry", "yes"),
    ],
)
def test_an_answer_about_the_question_still_counts(asked, reply, value):
    assert answer_facts(asked, reply).get(asked) == value
