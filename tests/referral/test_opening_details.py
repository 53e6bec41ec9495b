"""What a referrer says in the message that starts the draft is kept: the person's name, the
date of birth (or age) and the concern, so none of it is asked again; a request to draft
that is the first sentence of a long message still starts the draft.

Why: "I need to refer a pupil, <name>, born <date>, he has been ..." started an empty
draft, and the form then asked for the name, the date of birth and the concern again.
"""

from __future__ import annotations

import pytest

from bot.referral import Draft, fields_to_ask, get_form, summary
from bot.referral.openers import asks_to_draft
from bot.referral.opening import details_from_opening

FORM = get_form()


@pytest.mark.parametrize(
    "text, forename, surname, dob, concern_start",
    [
        (
            "I need to refer a pupil, Aled Pritchard, born 3/4/2010, he has been sharing "
            "far-right memes in the form group chat",
            "Aled",
            "Pritchard",
            "03/04/2010",
            "he has been sharing",
        ),
        (
            "I have to make a Prevent referral for Keisha Morrow (DOB 12/11/2008). She told "
            "her tutor she wants to travel to join a group abroad.",
            "Keisha",
            "Morrow",
            "12/11/2008",
            "She told her tutor",
        ),
        (
            "We need to complete a VTR referral about a student called Tomasz Nowak, date of "
            "birth the fifth of March 2009, who keeps watching beheading videos at lunch",
            "Tomasz",
            "Nowak",
            "05/03/2009",
            "who keeps watching",
        ),
        (
            "The DSL agreed I should refer Bilal Haddad to Prevent, he's 15, because he "
            "has been posting support for a banned group",
            "Bilal",
            "Haddad",
            "about 15",
            "because he has been posting",
        ),
    ],
)
def test_the_opening_gives_name_date_of_birth_and_concern(
    text: str, forename: str, surname: str, dob: str, concern_start: str
) -> None:
    found = details_from_opening(FORM, text)
    assert found.values.get("forename") == forename
    assert found.values.get("surname") == surname
    assert found.values.get("date_of_birth") == dob
    assert found.values.get("concern", "").startswith(concern_start)
    assert not found.problems


def test_what_is_kept_is_not_asked_again_and_the_summary_shows_it() -> None:
    text = (
        "I need to refer a pupil, Aled Pritchard, born 3/4/2010, he has been sharing far-right "
        "memes in the form group chat and drew a swastika on his planner"
    )
    draft = Draft()
    for field_id, value in details_from_opening(FORM, text).values.items():
        draft.set(field_id, value)
    todo = fields_to_ask(FORM, draft)
    assert not {"forename", "surname", "date_of_birth", "concern"} & set(todo)
    assert "concern_more" in todo  # "anything else to add?" still comes after the concern
    shown = {label: value for _, rows in summary(FORM, draft) for label, value in rows}
    assert "Aled" in shown.values() and "Pritchard" in shown.values()
    assert "03/04/2010" in shown.values()
    assert any("swastika" in v for v in shown.values())


@pytest.mark.parametrize(
    "text",
    [
        "I need to fill in a VTR referral form",
        "I need to refer a pupil to Prevent",
        "I have to make a referral, can you help?",
        "The DSL agreed we should complete the VTR",
    ],
)
def test_a_bare_request_keeps_nothing(text: str) -> None:
    assert details_from_opening(FORM, text).values == {}


def test_a_date_that_does_not_exist_is_said_and_the_rest_kept() -> None:
    text = "I need to refer Aled Pritchard, born 31/02/2010, he has been sharing far-right memes"
    found = details_from_opening(FORM, text)
    assert "date_of_birth" not in found.values
    assert found.values["forename"] == "Aled"
    assert found.values["concern"].startswith("he has been sharing")
    assert found.problems and "31/02/2010" in found.problems[0]


def test_a_long_message_whose_first_sentence_asks_to_draft_starts_the_draft() -> None:
    text = "I need to refer a pupil to Prevent. " + (
        "He has been sharing videos from a banned group in the class chat and told friends "
        "he wants to join them; his tutor has seen the symbol on his bag several times. "
    ) * 4
    assert len(text) > 400
    assert asks_to_draft(text)
    found = details_from_opening(FORM, text)
    assert found.values["concern"].startswith("He has been sharing videos")


def test_a_long_message_that_only_mentions_a_referral_later_does_not() -> None:
    text = (
        "He has been sharing videos from a banned group in the class chat and told friends "
        "he wants to join them. "
    ) * 4 + "Do I need to make a referral?"
    assert not asks_to_draft(text)


def test_a_date_of_birth_that_ends_a_sentence_is_read() -> None:
    text = (
        "I have to refer a 16 year old girl, Nadia Rahman, d.o.b 05.06.2010. Her older "
        "boyfriend keeps sending her videos from a banned group."
    )
    found = details_from_opening(FORM, text)
    assert found.values["date_of_birth"] == "05/06/2010"
    assert not found.problems
