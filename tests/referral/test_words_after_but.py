"""Words after "but", "although", "though" or "except" are content (cold review P1).

"Nothing else, but his brother has the same posters" opens like "nothing else" and then
says something: before, the draft read only the opening ("done", "don't know", "no") and
dropped the rest. Now the words are kept (the answer is saved as typed) or, where the
field takes only yes or no (the danger question), the question is asked back on its own and
the words after the "no" are kept as more of the concern (nothing typed is lost).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import CONCERN_MORE, UNKNOWN, Draft, fields_to_ask, get_form, take_answer
from bot.referral.form import validate, words_after_but

FORM = get_form()
TODAY = date(2026, 12, 1)
STORY = "He shares their videos."


@pytest.mark.parametrize(
    "typed",
    [
        "Nothing else, but his brother has the same posters",
        "No, but his brother has the same posters",
        "nope - but his brother has the same posters.",
        "none, although his brother has the same posters",
        "Not really, though his brother has the same posters",
        "That's all except his brother has the same posters",
        "no more, except that his brother has the same posters",
        "I don't know, but his brother has the same posters",
        "n/a but his brother has the same posters",
        "nothing else apart from his brother having the same posters",
    ],
)
def test_more_concern_after_a_no_word_is_kept(typed: str) -> None:
    draft = Draft()
    assert take_answer(FORM, draft, "concern", STORY).accepted
    result = take_answer(FORM, draft, CONCERN_MORE, typed)
    assert result.accepted
    assert draft.values["concern"].startswith(STORY)
    assert "brother" in draft.values["concern"] and "same posters" in draft.values["concern"]


@pytest.mark.parametrize(
    "typed", ["No, but thanks", "nothing else, though", "no but that's all", "None, thank you"]
)
def test_a_but_with_nothing_after_it_still_ends_the_concern(typed: str) -> None:
    draft = Draft()
    take_answer(FORM, draft, "concern", STORY)
    take_answer(FORM, draft, CONCERN_MORE, typed)
    assert CONCERN_MORE not in fields_to_ask(FORM, draft)
    assert draft.values["concern"] == STORY


@pytest.mark.parametrize(
    "field_id, typed, kept",
    [
        ("capability", "Don't know, but he has been looking up how to make weapons", "weapons"),
        ("intent", "not sure, although he did say they deserve what's coming", "deserve"),
        ("other_vulnerabilities", "unknown but he's been excluded twice this year", "excluded"),
        ("surname", "not sure, but his brother is Tom Okafor", "Okafor"),
        ("phone", "No, but his mum's number is 07700 900123", "mum"),
        ("phone", "he doesn't have one, but his mum's is 07700 900123", "mum"),
        ("school", "n/a though he was at Westcliff High until May", "Westcliff"),
    ],
)
def test_an_answer_after_dont_know_or_no_is_saved_as_typed(
    field_id: str, typed: str, kept: str
) -> None:
    checked = validate(FORM.field(field_id), typed, today=TODAY)
    assert checked.ok and checked.value != UNKNOWN, (typed, checked)
    assert kept in checked.value


def test_a_choice_after_not_sure_is_read_from_the_words_after_it() -> None:
    checked = validate(FORM.field("ideology"), "not sure, but he shares far-right memes", TODAY)
    assert checked.ok and checked.value == "extreme_right_wing"


def test_the_danger_question_answered_no_but_is_asked_back_and_the_words_kept() -> None:
    draft = Draft()
    typed = "No, but he said he'd bring a knife in on Monday"
    result = take_answer(FORM, draft, "imminent_risk", typed)
    assert not result.accepted and "yes or no" in result.problem
    assert "imminent_risk" not in draft.values
    # what came after the "no" is more of the concern, kept as typed and said so
    assert draft.values["concern"] == "he said he'd bring a knife in on Monday"
    assert result.kept_for_concern == "he said he'd bring a knife in on Monday"
    assert "he said he'd bring a knife in on Monday" in result.problem
    # the same reply sent again is not added twice
    take_answer(FORM, draft, "imminent_risk", typed)
    assert draft.values["concern"] == "he said he'd bring a knife in on Monday"
    # on the last try the words are still not lost: kept as typed, listed as needed
    result = take_answer(FORM, draft, "imminent_risk", typed, last_try=True)
    assert result.accepted and "knife" in draft.values["imminent_risk"]


def test_an_unsure_danger_answer_with_more_words_keeps_them_and_gives_the_999_advice() -> None:
    draft = Draft()
    result = take_answer(FORM, draft, "imminent_risk", "not sure, but he mentioned his dad's gun")
    assert not result.accepted and "999" in result.problem
    assert draft.values["concern"] == "he mentioned his dad's gun"


def test_words_kept_from_the_danger_question_lead_to_anything_else_not_the_concern_again() -> None:
    draft = Draft()
    take_answer(FORM, draft, "imminent_risk", "no but his brother has the same flag")
    assert take_answer(FORM, draft, "imminent_risk", "no").accepted
    todo = fields_to_ask(FORM, draft)
    assert "concern" not in todo and CONCERN_MORE in todo


@pytest.mark.parametrize("typed", ["no", "No, nobody is", "none", "nope, no one"])
def test_a_plain_no_is_still_no(typed: str) -> None:
    assert validate(FORM.field("imminent_risk"), typed, today=TODAY).value == "no"


@pytest.mark.parametrize(
    "typed, tail",
    [
        ("Nothing else, but his brother has the same posters", "his brother has the same posters"),
        ("no but thanks", ""),
        ("no", ""),
        ("He shares videos but not often", ""),  # not a no-word opening: nothing to split
        ("none, although I'm not sure", ""),
    ],
)
def test_words_after_but(typed: str, tail: str) -> None:
    assert words_after_but(typed) == tail
