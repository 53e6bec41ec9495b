"""A name given after the request to draft is kept ("I need to refer a pupil. The pupil is
<Name Surname>, 15 ...", "... His name is <Name Surname>"), first name and surname; a
describing word after "the pupil is" (quiet, Muslim, British, Year 9) is never a name.

Why: only a name straight after "refer" or alone between commas was read, so "The pupil is
<name>" started a draft without the name and the form asked for it again.
"""

from __future__ import annotations

import pytest

from bot.referral import get_form
from bot.referral.opening import details_from_opening

FORM = get_form()


@pytest.mark.parametrize(
    "text, forename, surname, dob, concern_start",
    [
        ("I need to refer a pupil. The pupil is Kofi Mensah, 15, and he has been sharing "
         "extremist clips in the group chat.", "Kofi", "Mensah", "about 15", "and he has been"),
        ("I have to refer a student. The student is Ilona Nowak and she keeps talking about "
         "a race war in lessons.", "Ilona", "Nowak", "", "she keeps talking"),
        ("I want to make a referral for a learner. His name is Tomasz Wilk and he is 16.",
         "Tomasz", "Wilk", "about 16", None),
        ("I need to refer a young person. Her name's Amara Bello. She has been watching "
         "beheading videos at break.", "Amara", "Bello", "", "She has been watching"),
        ("Need to refer a pupil. The boy's name is Rhys Evans, aged 14. He drew symbols on "
         "his planner again.", "Rhys", "Evans", "about 14", "He drew symbols"),
        ("I need to refer a pupil. He is called Dev Patel-Shah, he has been saying odd "
         "things about the mosque fire.", "Dev", "Patel-Shah", "", "he has been saying"),
        ("I need to refer a pupil. The pupil is Sam Young, 15, he has been sharing posters from "
         "a banned group.", "Sam", "Young", "about 15", "he has been sharing"),
        ("I'd like to refer a student called Oisin Byrne who is 15.", "Oisin", "Byrne",
         "about 15", None),
        ("Can I refer a pupil? The pupil is Jude Okafor who has been sharing posters from a "
         "banned group.", "Jude", "Okafor", "", "who has been sharing"),
        ("I need to refer a pupil. The pupil is Noor. She is 13 and has been talking about "
         "travelling to join a group.", "Noor", "", "", "She is 13"),
    ],
)
def test_a_name_after_the_request_is_kept(
    text: str, forename: str, surname: str, dob: str, concern_start: str | None
):
    values = details_from_opening(FORM, text).values
    assert values.get("forename") == forename
    assert values.get("surname", "") == surname
    assert values.get("date_of_birth", "") == dob
    if concern_start is None:
        assert "concern" not in values
    else:
        assert values["concern"].startswith(concern_start)


@pytest.mark.parametrize(
    "text",
    [
        "I need to refer a pupil who is worrying me, he has been sharing videos in class.",
        "I need to refer a pupil. The pupil is very quiet and has been sharing videos in class.",
        "I need to refer a pupil. The pupil is Muslim and has been sharing videos in class.",
        "I need to refer a pupil. The pupil is British Pakistani and lives with his nan.",
        "I need to refer a student. The student is Year 9 and has been sharing videos.",
        "I need to refer a pupil. The pupil is White British, he has been drawing swastikas.",
        "I need to refer a pupil. The pupil is Polish.",
        "I need to refer a pupil. The pupil is In Year 10 and very withdrawn lately.",
        "I need to refer a pupil. The pupil is SEN and has an EHCP, he repeats slogans.",
        "I need to refer a pupil. The pupil is Also in my form group and keeps quoting a preacher.",
        "I need to refer a pupil. The pupil is Head Boy and has started quoting a preacher.",
        "I need to refer a student. The student is EAL, she arrived in March and is isolated.",
    ],
)
def test_a_describing_word_is_never_a_name(text: str):
    values = details_from_opening(FORM, text).values
    assert "forename" not in values and "surname" not in values
    assert values.get("concern")  # what was said is still kept, as typed


@pytest.mark.parametrize(
    "text, forename, surname",
    [
        ("i need to refer a pupil. his name is kofi mensah and he is 15", "kofi", "mensah"),
        ("need to refer a student called ilona nowak, she keeps talking about a race war",
         "ilona", "nowak"),
        ("I need to refer a pupil, her name's amara, she has been watching videos at break",
         "amara", ""),
    ],
)
def test_a_name_typed_in_small_letters_after_his_name_is_is_kept_as_typed(
    text: str, forename: str, surname: str
):
    values = details_from_opening(FORM, text).values
    assert values.get("forename") == forename
    assert values.get("surname", "") == surname


@pytest.mark.parametrize(
    "text",
    [
        "I need to refer a pupil. His name is not known yet, he joined last week.",
        "I need to refer a pupil. His name is withheld for now and he keeps quoting a preacher.",
        "I need to refer a pupil who is called names by others and has gone quiet lately.",
        "I need to refer a pupil. The pupil is quiet and keeps to himself.",
    ],
)
def test_small_words_after_name_cues_are_no_names(text: str):
    values = details_from_opening(FORM, text).values
    assert "forename" not in values and "surname" not in values
