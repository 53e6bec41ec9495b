"""Ages and dates of birth are read by ONE implementation (bot/dates.py), used by the triage
and the referral form alike: a birthday with no year is never an age ("born 5th November"
is not 5), an age given with a birthday is the age ("15, born on the 5th of November"), and
a date of birth in words gives the age.

Own sentences (none from eval/).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.triage.extract import age_from_text, answer_facts

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "text, age",
    [
        ("she was born on 3rd March 2011", 15),
        ("DOB 14 February 2012", 14),
        ("his date of birth is 2010-11-05", 16),
        ("born November 5th 2010", 16),
        ("15, born on the 5th of November", 15),
        ("about 16 - birthday is 12/01", 16),
        ("he's 13, his birthday's on 2nd May", 13),
    ],
)
def test_dates_of_birth_and_ages_with_birthdays(text: str, age: int) -> None:
    assert age_from_text(text, today=TODAY, bare_number=True) == age


@pytest.mark.parametrize(
    "text", ["born on the 5th of November", "her birthday is 12/01", "DOB 3rd March"]
)
def test_a_birthday_without_a_year_is_not_an_age(text: str) -> None:
    assert age_from_text(text, today=TODAY, bare_number=True) is None


def test_a_birthday_without_a_year_is_asked_again_not_taken_as_a_child_of_five() -> None:
    assert "age" not in answer_facts("age_group", "born on the 5th of November")


def test_the_triage_and_the_referral_form_share_one_date_reader() -> None:
    from bot import dates
    from bot.referral import form
    from bot.triage import extract

    assert form._find_date is dates.find_date
    assert form._without_day_month is dates.without_day_month
    assert extract.find_date is dates.find_date
    assert not hasattr(extract, "_DATE")


@pytest.mark.parametrize(
    "reply, group",
    [
        ("14-15", "child"),
        ("15 or 16 I think", "child"),
        ("somewhere between 20 and 25", "adult"),
        ("late twenties", "adult"),
        ("17 or 18", "unsure"),
    ],
)
def test_an_age_range_or_decade_answers_the_age_question(reply: str, group: str) -> None:
    """Read by the same reader as the referral form's approximate ages (bot/dates.py)."""
    assert answer_facts("age_group", reply).get("age_group") == group
