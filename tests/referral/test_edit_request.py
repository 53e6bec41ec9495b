"""Edits in the user's own words ("change his school to ...", "actually his date of birth
is ...", "the address should be ..."): which field, and the new words for it.

Why: from the summary only "change the date of birth" worked (the form then asked the
question again); saying the new value in the same message was not understood, and in the
NLU it was often not even an edit.
"""

from __future__ import annotations

import pytest

from bot.referral import get_form
from bot.referral.chat import edit_request

FORM = get_form()


@pytest.mark.parametrize(
    "text, field_id, value",
    [
        ("change his school to Riverside Free School", "school", "Riverside Free School"),
        ("Change her surname to Okafor-Reid please", "surname", "Okafor-Reid"),
        ("can you update the school to St Bede's College", "school", "St Bede's College"),
        ("actually his date of birth is 4/5/2010", "date_of_birth", "4/5/2010"),
        ("sorry, her DOB is 21/07/2009", "date_of_birth", "21/07/2009"),
        ("the address should be 4 Elm Row, Basildon SS14 1AA", "address",
         "4 Elm Row, Basildon SS14 1AA"),
        ("his address should be 9 Kent Road", "address", "9 Kent Road"),
        ("the surname should be Mensah, not Mensa", "surname", "Mensah"),
        ("Actually my email is j.okoro@school.example.org", "referrer_email",
         "j.okoro@school.example.org"),
        ("my role should be Head of Sixth Form", "referrer_role", "Head of Sixth Form"),
        ("correct his first name to Jakub", "forename", "Jakub"),
        ("amend the gender to female", "gender", "female"),
        ("her first language is actually Polish", "first_language", "Polish"),
    ],
)
def test_an_edit_names_its_field_and_gives_the_new_words(
    text: str, field_id: str, value: str
) -> None:
    assert edit_request(FORM, text) == (field_id, value)


@pytest.mark.parametrize(
    "text",
    [
        "change the date of birth",  # no new value: the field is asked again instead
        "I want to change something",
        "he said his school should be burnt down and everyone in it",  # a story, not an edit
        "His school is where it happened, in the changing rooms",
        "the address is 12 Mill Lane",  # no word of change: an answer, not an edit
        "yes",
        "change the indicators to something",  # composed of parts: asked part by part
    ],
)
def test_what_is_not_an_edit_with_a_value(text: str) -> None:
    assert edit_request(FORM, text) is None
