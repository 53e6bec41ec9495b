"""Not knowing whether someone is in danger is never stored as "no" (SET 2.5).

The form's first question is "is anyone in immediate danger right now?". "Not sure" or "no
idea" read as "no" would let the form go on as if the police had been ruled out: it is asked
back with the 999 advice instead, and nothing is stored. A soft no ("not that I know of")
is still a no, as it is in the triage.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import get_form, validate

FORM = get_form()
TODAY = date(2026, 11, 23)


def _check(text: str):
    return validate(FORM.field("imminent_risk"), text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "not sure",
        "Not sure tbh",
        "no idea",
        "I don't know",
        "dunno",
        "maybe",
        "possibly",
        "not certain",
        "hard to say",
        "I can't tell",
    ],
)
def test_an_unsure_answer_is_asked_back_with_999_and_not_stored(text):
    checked = _check(text)
    assert checked.problem, f"{text!r} was stored as {checked.value!r}"
    assert "999" in checked.problem


@pytest.mark.parametrize(
    "text, value",
    [
        ("no", "no"),
        ("nope", "no"),
        ("not that I know of", "no"),
        ("nobody is in danger", "no"),
        ("yes", "yes"),
        ("yeah someone is", "yes"),
    ],
)
def test_a_clear_answer_is_still_read(text, value):
    assert _check(text).value == value
