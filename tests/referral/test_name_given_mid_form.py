"""A name given in place of the answer to another question ("I need to refer a pupil", then
"His name is Kofi Mensah" while the form asks about danger) is kept as the first name and
surname, said, and the question asked again; nothing typed is lost."""

from __future__ import annotations

import pytest

from bot.referral import Draft, get_form
from bot.referral.chat import name_given

FORM = get_form()


@pytest.mark.parametrize(
    "text, forename, surname",
    [
        ("His name is Kofi Mensah", "Kofi", "Mensah"),
        ("her name's Amara Bello.", "Amara", "Bello"),
        ("The pupil is Ilona Nowak, 15", "Ilona", "Nowak"),
        ("he's called Rhys", "Rhys", ""),
        ("The student's name is Oisin Byrne and he is 16", "Oisin", "Byrne"),
    ],
)
def test_a_name_in_place_of_an_answer_is_kept(text: str, forename: str, surname: str):
    draft = Draft()
    note = name_given(FORM, draft, "imminent_risk", text)
    assert note and forename in note
    assert draft.values["forename"] == forename
    assert draft.values.get("surname", "") == surname


@pytest.mark.parametrize(
    "text",
    ["The pupil is very quiet", "The pupil is Muslim", "no", "His name is not known yet",
     "The pupil is Kofi Mensah and he has been sharing videos in the group chat"],
)
def test_no_name_or_more_than_a_name_is_not_taken(text: str):
    draft = Draft()
    assert name_given(FORM, draft, "imminent_risk", text) == ""
    assert "forename" not in draft.values


def test_a_name_already_given_or_asked_is_left_to_the_form():
    draft = Draft(values={"forename": "Ama"})
    assert name_given(FORM, draft, "imminent_risk", "His name is Kofi Mensah") == ""
    assert name_given(FORM, Draft(), "forename", "His name is Kofi Mensah") == ""
    assert name_given(FORM, Draft(), "concern", "His name is Kofi Mensah") == ""
