"""A phone number (or email) that still does not fit after several tries is never kept
silently: the reply says it was kept as typed and marked not checked, the summary and the
document show it marked, and it does not count as a way to reach the referrer.

Why: on the third bad try "0770 12" was stored as the referrer's phone as if it were a
number, the summary showed it plain, and the draft could be confirmed with no working
contact at all.
"""

from __future__ import annotations

from bot.referral import Draft, get_form, missing_required, summary, take_answer
from bot.referral.render import display_value

FORM = get_form()
BAD = "0770 12"


def _shown(draft: Draft) -> dict[str, str]:
    return {label: value for _, rows in summary(FORM, draft) for label, value in rows}


def test_a_bad_phone_on_the_last_try_is_kept_marked_and_the_user_is_told() -> None:
    draft = Draft()
    result = take_answer(FORM, draft, "referrer_phone", BAD, last_try=True)
    assert result.accepted  # the conversation moves on ...
    assert BAD in result.note and "not checked" in result.note  # ... and says so
    assert draft.values["referrer_phone"] == BAD  # nothing typed is lost
    label = FORM.field("referrer_phone").label
    assert _shown(draft)[label].startswith(BAD)
    assert "not checked" in _shown(draft)[label]
    spec = FORM.field("referrer_phone")
    assert "not checked" in display_value(spec, BAD)


def test_an_unchecked_phone_is_no_way_to_reach_the_referrer() -> None:
    draft = Draft()
    take_answer(FORM, draft, "referrer_phone", BAD, last_try=True)
    assert "referrer_phone" in missing_required(FORM, draft)
    take_answer(FORM, draft, "referrer_email", "dsl@school.example.org")
    assert "referrer_phone" not in missing_required(FORM, draft)  # the email reaches them


def test_a_good_phone_is_shown_plain_and_says_nothing_more() -> None:
    draft = Draft()
    result = take_answer(FORM, draft, "referrer_phone", "07700 900123")
    assert result.accepted and not result.note
    assert _shown(draft)[FORM.field("referrer_phone").label] == "07700 900123"


def test_a_bad_email_on_the_last_try_is_marked_too() -> None:
    draft = Draft()
    result = take_answer(FORM, draft, "referrer_email", "dsl at school", last_try=True)
    assert result.accepted and "not checked" in result.note
    assert "not checked" in _shown(draft)[FORM.field("referrer_email").label]
