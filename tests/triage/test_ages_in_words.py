"""Ages as people type them: in words, as a bound, as a birthday to come, as a life stage.

SET 2.4 turns on child or adult (18), so the age question must understand "fifteen",
"under 18", "he'll be 18 in March" (still 17: a child) and "a university student" without
asking again or, worse, reading "under 18" as an adult of 18. Wordings written for these
tests.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts


@pytest.mark.parametrize(
    ("reply", "age", "group"),
    [
        ("fifteen", 15, "child"),
        ("she's seventeen", 17, "child"),
        ("about sixteen I think", 16, "child"),
        ("twenty-three", 23, "adult"),
        ("he is thirteen years old", 13, "child"),
        ("nineteen, he's on the access course", 19, "adult"),
        ("he'll be 18 in March", 17, "child"),
        ("she's nearly 18", 17, "child"),
        ("he turned 18 last month", 18, "adult"),
    ],
)
def test_ages_in_words_and_birthdays_to_come(reply, age, group):
    facts = answer_facts("age_group", reply)
    assert facts.get("age") == age
    assert facts.get("age_group") == group


@pytest.mark.parametrize(
    ("reply", "group"),
    [
        ("under 18", "child"),
        ("under eighteen", "child"),
        ("definitely under 16", "child"),
        ("over 18", "adult"),
        ("over eighteen", "adult"),
        ("18 or over", "adult"),
        ("a university student", "adult"),
        ("he's in his first year at uni", "adult"),
        ("she's a grandmother", "adult"),
        ("he's in year ten", "child"),
    ],
)
def test_bounds_and_life_stages(reply, group):
    facts = answer_facts("age_group", reply)
    assert facts.get("age_group") == group
    if group == "child":
        assert facts.get("age") is None or facts["age"] < 18


def test_an_age_in_words_in_the_opening_is_kept():
    facts = mentioned_facts("My neighbour's fourteen-year-old has started sharing Nazi memes")
    assert facts.get("age") == 14


@pytest.mark.parametrize(
    "text",
    [
        "He's been at the school for five years and shares far-right memes",
        "One of my pupils has been sharing far-right memes",
        "She told me about it twenty minutes ago",
        "Less than 10 minutes ago he said he wanted to join a far-right group",
    ],
)
def test_other_numbers_in_words_are_not_ages(text):
    assert mentioned_facts(text).get("age") is None


@pytest.mark.parametrize(
    ("text", "age", "group"),
    [
        ("My colleague's son (14) has been drawing swastikas", 14, "child"),
        ("A neighbour's daughter keeps sharing far-right memes", None, "child"),
        ("A parent told me their boy (12) watches beheading videos", 12, "child"),
        ("A colleague in the science department shares extremist posts", None, "adult"),
    ],
)
def test_whose_child_it_is_does_not_make_them_an_adult(text, age, group):
    facts = mentioned_facts(text)
    assert facts.get("age") == age
    assert facts.get("age_group") == group
