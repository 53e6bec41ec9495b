"""Dates of birth with the day written as a word ("the fifth of March 2009"), with "the"
between month and day ("March the 5th, 2009"), and bad dates: a kind message that repeats
what was typed, and the draft keeps every other answer.

Why: the day in words was read as no date at all ("I need a date of birth as DD/MM/YYYY"),
so a referrer who wrote the date as they would say it was asked again for no reason.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import Draft, get_form, take_answer
from bot.referral.form import validate

FORM = get_form()
DOB = FORM.field("date_of_birth")
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("the fifth of March 2009", "05/03/2009"),
        ("fifth of march 2009", "05/03/2009"),
        ("5th of March, 2009", "05/03/2009"),
        ("March 5 2009", "05/03/2009"),
        ("March the 5th, 2009", "05/03/2009"),
        ("the twenty-first of June 2011", "21/06/2011"),
        ("twenty first June 2011", "21/06/2011"),
        ("the thirty-first of December 2008", "31/12/2008"),
        ("born on the second of February 2012", "02/02/2012"),
        ("his birthday is the 3rd of April, 2010", "03/04/2010"),
        ("Sept the twelfth 2007", "12/09/2007"),
    ],
)
def test_a_date_with_the_day_in_words_is_read(typed: str, stored: str) -> None:
    checked = validate(DOB, typed, today=TODAY)
    assert checked.ok, checked.problem
    assert checked.value == stored


def test_a_day_in_words_without_a_year_asks_for_the_year_only() -> None:
    checked = validate(DOB, "the fifth of March", today=TODAY)
    assert not checked.ok
    assert "05/03" in checked.problem


@pytest.mark.parametrize(
    "typed", ["the thirtieth of February 2010", "31st of April 2011", "31/02/2011"]
)
def test_a_date_that_does_not_exist_gets_a_kind_message_with_what_was_typed(typed: str) -> None:
    checked = validate(DOB, typed, today=TODAY)
    assert not checked.ok
    assert typed in checked.problem  # what they typed, back to them
    assert "DD/MM/YYYY" in checked.problem  # and what works


def test_a_bad_date_loses_nothing_already_in_the_draft() -> None:
    draft = Draft(values={"forename": "Sam", "surname": "Jones", "concern": "sharing videos"})
    result = take_answer(FORM, draft, "date_of_birth", "the thirtieth of February 2010")
    assert not result.accepted
    assert draft.values == {"forename": "Sam", "surname": "Jones", "concern": "sharing videos"}


@pytest.mark.parametrize("typed", ["first name is Sam", "the second one", "March"])
def test_ordinal_words_away_from_a_month_are_not_dates(typed: str) -> None:
    checked = validate(DOB, typed, today=TODAY)
    assert not checked.ok
