"""A lawful form says nothing about its aim, and an incident's date is no age (review S3-3/4).

- "A petition to deport all Muslims" was read as `ideology: no` because petitions are
  lawful; the aim against people for who they are is what SET 1.2 speaks of (mutual respect
  and tolerance), so the views are left for the extremism question instead.
- "posted it on 12/03/2025" in a short reply made the person a one-year-old child.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.triage.extract import age_from_text, answer_facts, mentioned_facts

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    "text",
    [
        "he's been getting signatures on a petition to deport every Muslim in town",
        "she organised a lawful march to keep the refugees out of our area",
        "a peaceful campaign to shut down the new mosque",
        "a petition, he says asylum seekers should be sent back",
    ],
)
def test_a_lawful_form_with_an_aim_against_people_is_not_a_no(text: str) -> None:
    assert mentioned_facts(text).get("ideology") != "no"
    assert answer_facts("ideology", text).get("ideology") in ("unsure", "yes")


@pytest.mark.parametrize(
    "text",
    [
        "a peaceful protest about climate change",
        "she signed a petition to save the local library",
        "he joined the Green Party and goes canvassing",
    ],
)
def test_lawful_protest_and_politics_alone_are_still_no(text: str) -> None:
    assert answer_facts("ideology", text).get("ideology") == "no"


def test_a_view_of_concern_with_a_petition_stays_yes() -> None:
    text = "he's a neo-nazi and started a petition to deport Muslims"
    assert answer_facts("ideology", text).get("ideology") == "yes"


@pytest.mark.parametrize("text", ["posted it 3 March 2025", "on 12/03/2025", "it was 01/09/2024"])
def test_a_recent_date_without_a_birthday_word_is_no_age(text: str) -> None:
    assert age_from_text(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "age"),
    [("12/03/2010", 16), ("3rd March 2011", 15), ("born 12/03/2024", 2), ("dob 01/01/2022", 4)],
)
def test_dates_of_birth_are_still_ages(text: str, age: int) -> None:
    assert age_from_text(text, today=TODAY) == age
