"""A date is read as a date, never as an age range (cold review P2).

"05/11" to "what is their date of birth?" is the 5th of November without its year; it was
stored as "about 5-11" (and "11-05" as "about 11"). A day and month without a year is now
asked back kindly, naming the date read; a range is read only where it is written as one.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import get_form
from bot.referral.form import validate

FIELD = get_form().field("date_of_birth")
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed, read",
    [
        ("05/11", "05/11"),
        ("5/11", "05/11"),
        ("11-05", "11/05"),
        ("05-11", "05/11"),
        ("11/5", "11/05"),
        ("05.11", "05/11"),
        ("his DOB is 05/11", "05/11"),
        ("5th November", "05/11"),
        ("born on the 5th of Nov", "05/11"),
        ("November 5th", "05/11"),
    ],
)
def test_a_day_and_month_without_a_year_is_asked_back(typed: str, read: str) -> None:
    checked = validate(FIELD, typed, today=TODAY)
    assert not checked.ok and not checked.noise, (typed, checked)
    assert "year" in checked.problem and read in checked.problem


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("5/11/2010", "05/11/2010"),
        ("05.11.10", "05/11/2010"),
        ("5-11-2010", "05/11/2010"),
        ("05/11/10", "05/11/2010"),
        ("5th November 2010", "05/11/2010"),
    ],
)
def test_a_whole_date_is_a_date(typed: str, stored: str) -> None:
    checked = validate(FIELD, typed, today=TODAY)
    assert checked.ok and checked.value == stored


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("15-16", "about 15-16"),
        ("15 or 16", "about 15-16"),
        ("15 to 16", "about 15-16"),
        ("14–15", "about 14-15"),
        ("she's 15/16", "about 15-16"),
        ("about 12-13", "about 12-13"),
        ("15", "about 15"),
        ("she may be 15", "about 15"),
    ],
)
def test_a_range_written_as_a_range_is_still_a_range(typed: str, stored: str) -> None:
    checked = validate(FIELD, typed, today=TODAY)
    assert checked.ok and checked.value == stored, (typed, checked)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("about 15, born 5th November", "about 15 (birthday 05/11)"),
        ("she's 15, birthday 05/11", "about 15 (birthday 05/11)"),
        ("5th Nov, about 14", "about 14 (birthday 05/11)"),
        ("15 - dob 5/11", "about 15 (birthday 05/11)"),
        ("year 9, bday 3rd March", "about 13-14 (birthday 03/03)"),
    ],
)
def test_an_age_given_with_a_birthday_is_the_answer_and_keeps_the_birthday(
    typed: str, stored: str
) -> None:
    """An approximate age is an answer the form accepts: a birthday given with it does not
    make the year a question (before, "about 15, born 5th November" asked for the year)."""
    checked = validate(FIELD, typed, today=TODAY)
    assert checked.ok and checked.value == stored, (typed, checked)
