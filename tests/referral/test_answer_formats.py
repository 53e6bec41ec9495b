"""Answers as staff type them (t13b probe classes): dates and ages in many shapes, answers
with a lead-in ("his DOB is ...", "Surname: ..."), "no number", and the end of the concern.

Each case failed before: the form asked the same question three times and then kept the
answer as typed (or, for the concern, asked "anything else to add?" for ever).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import CONCERN_MORE, UNKNOWN, Draft, fields_to_ask, get_form, take_answer
from bot.referral.form import validate

FORM = get_form()
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("3rd March 2010", "03/03/2010"),
        ("3 Mar 2010", "03/03/2010"),
        ("the 21st of July 2010", "21/07/2010"),
        ("June 4, 1979", "04/06/1979"),
        ("June 4th 1979", "04/06/1979"),
        ("2001-11-05", "05/11/2001"),
        ("2001/11/05", "05/11/2001"),
        ("12.05.2011", "12/05/2011"),
        ("14 Feb 2009", "14/02/2009"),
        ("14-February-2009", "14/02/2009"),
        ("his DOB is 17/09/2009", "17/09/2009"),
        ("DOB: 17/09/2009", "17/09/2009"),
        ("she was born on 1 September 2012", "01/09/2012"),
        ("born 14/02/11", "14/02/2011"),
        ("01/02/88", "01/02/1988"),
        ("she's about 15", "about 15"),
        ("he is 15", "about 15"),
        ("9 years old", "about 9"),
        ("15", "about 15"),
        ("15 I think", "about 15"),
        ("aged 19", "about 19"),
        ("19 (born 2007)", "about 19"),
        ("not sure, year 8 so 12 or 13", "about 12-13"),
        ("12 or 13", "about 12-13"),
        ("mid teens, about 15 or 16", "about 15-16"),
        ("in his forties", "about 40-49"),
        ("late 20s", "about 27-29"),
    ],
)
def test_dates_and_ages_in_the_shapes_people_type_them(typed: str, stored: str) -> None:
    checked = validate(FORM.field("date_of_birth"), typed, today=TODAY)
    assert checked.ok, (typed, checked.problem)
    assert checked.value == stored
    # what is stored validates again (a stored value is re-checked before "ready")
    assert validate(FORM.field("date_of_birth"), checked.value, today=TODAY).ok


@pytest.mark.parametrize(
    "typed", ["sometime in 2011", "last spring", "31/02/2010", "I'm really worried about her"]
)
def test_what_is_not_a_date_or_an_age_is_still_refused(typed: str) -> None:
    assert not validate(FORM.field("date_of_birth"), typed, today=TODAY).ok


def test_a_date_in_the_future_is_still_refused() -> None:
    assert not validate(FORM.field("date_of_birth"), "3rd March 2031", today=TODAY).ok


@pytest.mark.parametrize(
    "field_id, typed, stored",
    [
        ("forename", "His first name is Tyler", "Tyler"),
        ("forename", "first name: Aoife", "Aoife"),
        ("forename", "Her first name is Aoife", "Aoife"),
        ("surname", "Surname: McAllister", "McAllister"),
        ("surname", "his surname is O'Brien", "O'Brien"),
        ("surname", "last name - Smith-Patel", "Smith-Patel"),
        ("surname", "It's D'Souza", "D'Souza"),
        ("referrer_name", "My name is Siobhán O'Connor", "Siobhán O'Connor"),
        ("referrer_name", "I'm Grace Adeyemi", "Grace Adeyemi"),
        ("referrer_name", "Grace Adeyemi", "Grace Adeyemi"),
        ("referrer_organisation", "I work for Westcliff High School", "Westcliff High School"),
        ("referrer_organisation", "I work at St Bede's", "St Bede's"),
        ("referrer_role", "I'm the deputy head and DSL", "deputy head and DSL"),
        ("referrer_role", "My role is Head of Year 9", "Head of Year 9"),
        ("referrer_phone", "my number is 01702 123456", "01702 123456"),
        ("referrer_phone", "you can call me on 07700 900123.", "07700 900123"),
        (
            "referrer_email",
            "my email is g.adeyemi@westcliff.example.sch.uk",
            "g.adeyemi@westcliff.example.sch.uk",
        ),
        ("referrer_email", "email: a@b.example.org.", "a@b.example.org"),
    ],
)
def test_a_lead_in_is_not_kept_in_the_answer(field_id: str, typed: str, stored: str) -> None:
    checked = validate(FORM.field(field_id), typed, today=TODAY)
    assert checked.ok and checked.value == stored, (typed, checked)


def test_a_name_that_only_looks_like_a_lead_in_is_kept() -> None:
    # "Isla" is not "is"; "Ima" is not "I'm"
    for name in ("Isla", "Ima Khan", "Mya", "Sir Name"):
        assert validate(FORM.field("forename"), name, today=TODAY).value == name


@pytest.mark.parametrize(
    "typed",
    [
        "no",
        "none",
        "don't have one",
        "no number",
        "they don't have a phone",
        "n/a",
        "not known",
        "No, he doesn't have one",
        "nope",
    ],
)
def test_no_phone_for_them_is_not_known(typed: str) -> None:
    checked = validate(FORM.field("phone"), typed, today=TODAY)
    assert checked.ok and checked.value == UNKNOWN, (typed, checked)


@pytest.mark.parametrize(
    "typed",
    [
        "I don't know",
        "dunno",
        "prefer not to say",
        "n/a",
        "nope",
        "no",
        "No, that's everything",
        "nothing else",
        "not really",
        "I think that covers it",
        "that's it thanks",
        "no more",
        "😊",
        "ok",
    ],
)
def test_the_concern_ends_on_a_reply_that_adds_nothing(typed: str) -> None:
    draft = Draft()
    assert take_answer(FORM, draft, "concern", "He shares their videos.").accepted
    take_answer(FORM, draft, CONCERN_MORE, typed)
    if CONCERN_MORE in fields_to_ask(FORM, draft):  # asked once more, then it ends
        take_answer(FORM, draft, CONCERN_MORE, typed, last_try=True)
    assert CONCERN_MORE not in fields_to_ask(FORM, draft)
    assert draft.values["concern"] == "He shares their videos."


def test_the_same_words_again_end_the_concern_without_a_copy() -> None:
    draft = Draft()
    take_answer(FORM, draft, "concern", "He shares their videos.")
    take_answer(FORM, draft, CONCERN_MORE, "He shares their videos.")
    assert CONCERN_MORE not in fields_to_ask(FORM, draft)
    assert draft.values["concern"] == "He shares their videos."


def test_more_words_for_the_concern_are_still_added() -> None:
    draft = Draft()
    take_answer(FORM, draft, "concern", "He shares their videos.")
    take_answer(FORM, draft, CONCERN_MORE, "Also, on Friday he drew their logo on his bag.")
    assert "drew their logo" in draft.values["concern"]
    assert CONCERN_MORE in fields_to_ask(FORM, draft)
    take_answer(FORM, draft, CONCERN_MORE, "No, that's all")
    assert CONCERN_MORE not in fields_to_ask(FORM, draft)


# -- corrections, "go back" and questions in place of an answer ---------------------------

from bot.referral.chat import correction, looks_like_question, previous_field  # noqa: E402


@pytest.mark.parametrize(
    "asked, typed, field_id, value",
    [
        ("date_of_birth", "sorry, his surname is actually Okafor-Reid", "surname", "Okafor-Reid"),
        (
            "gender",
            "sorry, I got that wrong, his date of birth is 02/01/2008",
            "date_of_birth",
            "02/01/2008",
        ),
        ("address", "Actually her first name is spelt Aoife", "forename", "Aoife"),
        ("nationality", "oops - the surname should be Nowak", "surname", "Nowak"),
        (
            "school",
            "correction: her date of birth is 3rd March 2010",
            "date_of_birth",
            "03/03/2010",
        ),
        ("surname", "sorry, his first name is Jamal not Jamaal", "forename", "Jamal"),
    ],
)
def test_a_correction_of_an_earlier_answer_is_read(
    asked: str, typed: str, field_id: str, value: str
) -> None:
    draft = Draft(values={"forename": "Jamaal", "surname": "Okafor", "date_of_birth": "01/02/2008"})
    fix = correction(FORM, draft, asked, typed)
    assert fix is not None, typed
    assert fix[0] == field_id
    assert validate(FORM.field(field_id), fix[1], today=TODAY).value == value


@pytest.mark.parametrize(
    "asked, typed",
    [
        ("surname", "O'Brien"),
        ("gender", "Male"),
        ("school", "Sorry, I don't know"),
        ("family", "Mum, Dad and an older brother; his surname is different from hers"),
        ("concern", "Actually his name is on a list of people the group follows"),
        ("referrer_name", "Dana Whitfield"),
    ],
)
def test_an_ordinary_answer_is_not_a_correction(asked: str, typed: str) -> None:
    assert correction(FORM, Draft(values={"forename": "Ann"}), asked, typed) is None


def test_go_back_names_the_question_before() -> None:
    draft = Draft(values={"imminent_risk": "no", "forename": "Ella"})
    assert previous_field(FORM, draft, "surname") == "forename"
    draft.values.update(surname="Grant", date_of_birth="about 9")
    assert previous_field(FORM, draft, "gender") == "date_of_birth"
    assert previous_field(FORM, Draft(), "imminent_risk") is None


@pytest.mark.parametrize(
    "typed",
    [
        "wait, who actually reads this referral once I send it?",
        "sorry - what counts as engagement?",
        "quick question: does the family get told?",
        "ok but what happens after I send it?",
    ],
)
def test_a_question_after_a_few_words_is_a_question(typed: str) -> None:
    assert looks_like_question(typed)


def test_a_statement_with_a_question_mark_inside_a_story_is_not() -> None:
    assert not looks_like_question("He asked me why the country is run by traitors?")


# -- markup and answers that would be asked for ever ---------------------------------------


def test_markup_is_dropped_from_answers_and_the_words_kept() -> None:
    assert validate(FORM.field("referrer_name"), "Pat <b>Lee</b>", today=TODAY).value == "Pat Lee"
    told = validate(FORM.field("concern"), "He posted <script>x</script> and <img src=1>.")
    assert told.ok and "<" not in told.value and "He posted" in told.value


def test_a_story_with_angle_brackets_that_are_not_markup_is_kept() -> None:
    text = "He wrote 'immigrants < us' and drew a heart <3 next to the logo"
    assert validate(FORM.field("concern"), text, today=TODAY).value == text


def test_no_phone_and_no_email_on_the_last_try_moves_on_and_stays_missing() -> None:
    from bot.referral import missing_labels

    draft = Draft()
    assert take_answer(FORM, draft, "referrer_phone", "don't know").accepted
    assert not take_answer(FORM, draft, "referrer_email", "don't know").accepted
    assert take_answer(FORM, draft, "referrer_email", "don't know", last_try=True).accepted
    assert "referrer_email" not in fields_to_ask(FORM, draft)
    assert "referrer_phone" not in fields_to_ask(FORM, draft)
    assert "Referrer's phone" in missing_labels(FORM, draft)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("far right", "extreme_right_wing"),
        ("Neo-Nazi stuff", "extreme_right_wing"),
        ("ISIS I think", "islamist"),
        ("incel", "mixed_unclear_unstable"),
        ("animal rights", "left_anarchist_single_issue"),
        ("Extreme right-wing", "extreme_right_wing"),
        ("Massacre fixation", "school_massacre"),
        ("something about sovereign citizens", "something about sovereign citizens"),
    ],
)
def test_an_ideology_in_everyday_words_is_the_forms_choice(typed: str, value: str) -> None:
    assert validate(FORM.field("ideology"), typed, today=TODAY).value == value
