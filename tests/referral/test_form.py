"""The VTR form model: loading, validation of every field type, finding fields by name."""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import UNKNOWN, get_form, validate
from bot.referral.form import FormSpecError, parse_spec

FORM = get_form()
TODAY = date(2026, 11, 23)


def check(field_id: str, text: str):
    return validate(FORM.field(field_id), text, today=TODAY)


def test_the_form_has_the_sections_of_the_vtr_form():
    assert [s.id for s in FORM.sections] == [
        "safety",
        "person",
        "concern",
        "consent",
        "actions",
        "referrer",
    ]
    required = {f.id for f in FORM.fields if f.required is True}
    assert {
        "date_of_birth",
        "concern",
        "consent",
        "dsl_discussed",
        "referrer_name",
        "area",
    } <= required


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14/02/2011", "14/02/2011"),
        ("1-3-2010", "01/03/2010"),
        ("about 15", "about 15"),
        ("15", "about 15"),
        ("roughly 40 years old", "about 40"),
    ],
)
def test_dates_of_birth_and_approximate_ages_are_accepted(text, value):
    assert check("date_of_birth", text).value == value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31/02/2011", "isn't a real date"),
        ("01/01/2030", "in the future"),
        ("01/01/1850", "over 120"),
        ("soon", "DD/MM/YYYY"),
        ("don't know", "approximate age"),
    ],
)
def test_bad_dates_say_what_is_wrong(text, problem):
    result = check("date_of_birth", text)
    assert not result.ok and problem in result.problem


@pytest.mark.parametrize("name", ["Zoë", "Łukasz Wójcik", "عائشة", "O'Brien-Smith", "李小龍"])
def test_names_in_any_script_are_kept_exactly(name):
    assert check("forename", name).value == name


def test_control_characters_are_dropped_but_text_is_kept():
    assert check("forename", "Cal\x00lum\x07").value == "Callum"


def test_a_ten_thousand_character_concern_is_kept_whole():
    concern = ("He said the group would look after him. " * 250)[:10_000]
    assert len(concern) == 10_000
    assert check("concern", concern).value == concern.strip()


def test_text_over_the_limit_is_refused_with_the_numbers():
    result = check("forename", "x" * 101)
    assert not result.ok and "101" in result.problem and "100" in result.problem


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("12 Mill Lane, Chelmsford CM1 1AA", True),
        ("cm11aa", True),
        ("12 Mill Lane", True),
        ("CM1 1A", True),
    ],
)
def test_postcodes_are_normalised_when_present(text, ok):
    result = check("address", text)
    assert result.ok == ok
    if "cm1" in text.lower() and "1aa" in text.lower():
        assert "CM1 1AA" in result.value


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("07700 900123", True),
        ("+44 7700 900123", True),
        ("01245 452196", True),
        ("12345", False),
        ("call me", False),
    ],
)
def test_phone_numbers_are_shape_checked(text, ok):
    assert check("referrer_phone", text).ok == ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("d.whitfield@moulsham-park.example.org", True),
        ("bob@", False),
        ("not an email", False),
        ("<a@b.co>", True),
    ],
)
def test_emails_are_shape_checked(text, ok):
    assert check("referrer_email", text).ok == ok


def test_dont_know_is_accepted_only_where_the_form_allows():
    assert check("gender", "prefer not to say").value == UNKNOWN
    assert check("nationality", "I don't know").value == UNKNOWN
    assert check("referrer_name", "I don't know").value != UNKNOWN  # a name is free text here


def test_area_is_one_of_the_three_set_areas():
    assert check("area", "Essex").value == "essex"
    assert not check("area", "Kent").ok


def test_choices_accept_labels_and_keep_free_text_where_allowed():
    assert check("ideology", "extreme right-wing").value == "extreme_right_wing"
    assert check("ideology", "some conspiracy stuff").value == "some conspiracy stuff"


@pytest.mark.parametrize(
    ("words", "field_id"),
    [
        ("change the date of birth", "date_of_birth"),
        ("can I edit the surname", "surname"),
        ("change my email", "referrer_email"),
        ("fix the postcode please", "address"),
        ("change the concern", "concern"),
    ],
)
def test_fields_are_found_by_the_names_people_use(words, field_id):
    assert FORM.find_field(words).id == field_id


def test_a_malformed_form_is_refused_by_name():
    with pytest.raises(FormSpecError, match="unknown type"):
        parse_spec(
            {
                "id": "x",
                "title": "X",
                "sections": [
                    {
                        "id": "s",
                        "title": "S",
                        "fields": [{"id": "f", "label": "F", "type": "colour"}],
                    }
                ],
            }
        )


def test_none_known_is_kept_as_said_not_rewritten_to_not_known():
    from bot.referral.form import get_form, validate

    spec = get_form().field("other_vulnerabilities")
    assert validate(spec, "None known").value == "None known"
    assert validate(spec, "don't know").value == "unknown"


def test_phone_numbers_with_extensions_and_from_abroad_are_accepted_as_typed():
    from bot.referral.form import get_form, validate

    spec = get_form().field("referrer_phone")
    for number in (
        "01245 452196 ext 210",
        "01245 452196 extension 4021",
        "01702 215000 x123",
        "+44 (0)1702 215000",
        "+33 1 23 45 67 89",
        "0033 1 23 45 67 89",
        "+1 (555) 010-4477",
        "+353 1 234 5678",
    ):
        checked = validate(spec, number)
        assert checked.ok and checked.value == number, number
    for bad in ("12345", "call me", "01245 ext 210", "+12"):
        assert not validate(spec, bad).ok, bad


def test_the_family_question_does_not_ask_what_the_consent_question_asks():
    from bot.referral.form import get_form

    form = get_form()
    family = form.field("family").question("child").lower()
    assert "know" not in family and "told" not in family
    assert "told" in form.field("consent").question("child").lower()


def _random_bytes(seed: int) -> str:
    import random

    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(200)).decode("latin-1")


@pytest.mark.parametrize(
    "noise", [_random_bytes(1), _random_bytes(2), "😡😡🔪🔪", "?!?!*&^%", "{[<>]}~~##$$"]
)
@pytest.mark.parametrize("field_id", ["surname", "address", "concern"])
def test_noise_is_not_an_answer(field_id, noise):
    result = check(field_id, noise)
    assert not result.ok and result.noise


@pytest.mark.parametrize(
    "answer",
    [
        "O'Brien-Smith",
        "Łukasz Wójcik",
        "محمد",
        "12 High St, Southend-on-Sea, SS1 1AA",
        "paid £500 cash by older lads",
        "he shared https://www.tiktok.com/@someone/video/7234567890123456789 with friends",
    ],
)
def test_ordinary_answers_are_not_noise(answer):
    field_id = "address" if "High St" in answer else "concern" if " " in answer else "surname"
    assert check(field_id, answer).ok
