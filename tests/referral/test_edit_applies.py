"""An edit from the summary that changes which questions apply (the date of birth crossing
16 or 18): a question that now applies is asked before the summary is shown again; one
that no longer applies is dropped, its answer neither shown nor sent.

Why: changing the date of birth from the summary to a 16+ age showed the summary without
ever asking the capacity question (SET 2.4 asks about capacity from 16).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.referral import get_form
from bot.referral.chat import edit_answer, summary, take_answer
from bot.referral.progress import Draft, applies, fields_to_ask

FORM = get_form()


def _born_years_ago(years: int) -> str:
    today = date.today()
    return f"{today.day:02d}/{today.month:02d}/{today.year - years}" if (
        today.month,
        today.day,
    ) != (2, 29) else f"01/03/{today.year - years}"


def _complete_draft(years: int) -> Draft:
    """A draft with every question that applies answered (as at the summary)."""
    draft = Draft()
    draft.values["date_of_birth"] = _born_years_ago(years)
    for spec in FORM.fields:
        if spec.ask_in_chat and applies(spec, draft) and not draft.answered(spec.id):
            draft.values[spec.id] = "yes" if spec.type == "yes_no" else "unknown"
    draft.values["referrer_phone"] = "01702 123456"
    draft.concern_done = True
    if draft.answered("capacity"):
        draft.values["capacity"] = "He finds decisions hard when he is anxious."
    return draft


def _labels(draft: Draft) -> list[str]:
    return [label for _, rows in summary(FORM, draft) for label, _ in rows]


def test_the_complete_draft_has_nothing_left_to_ask():
    assert fields_to_ask(FORM, _complete_draft(15)) == []
    assert fields_to_ask(FORM, _complete_draft(17)) == []


@pytest.mark.parametrize("before, after", [(15, 16), (15, 17), (14, 19), (12, 40)])
def test_crossing_16_upwards_asks_the_capacity_question(before: int, after: int):
    draft = _complete_draft(before)
    assert not draft.answered("capacity")
    edited = edit_answer(FORM, draft, "date_of_birth", _born_years_ago(after))
    assert edited.result.accepted
    assert edited.ask == ["capacity"]
    assert fields_to_ask(FORM, draft)[0] == "capacity"


@pytest.mark.parametrize("before, after", [(17, 15), (19, 15), (40, 12), (16, 15)])
def test_crossing_16_downwards_drops_the_capacity_answer(before: int, after: int):
    draft = _complete_draft(before)
    assert draft.answered("capacity")
    edited = edit_answer(FORM, draft, "date_of_birth", _born_years_ago(after))
    assert edited.result.accepted
    assert edited.ask == []
    assert edited.dropped == ["capacity"]
    assert "capacity" not in draft.values  # not sent either
    assert not any("Capacity" in label for label in _labels(draft))


@pytest.mark.parametrize("before, after", [(17, 19), (19, 17), (16, 30)])
def test_crossing_18_above_16_keeps_the_capacity_answer_and_asks_nothing(before: int, after: int):
    draft = _complete_draft(before)
    edited = edit_answer(FORM, draft, "date_of_birth", _born_years_ago(after))
    assert edited.result.accepted
    assert edited.ask == [] and edited.dropped == []
    assert draft.values["capacity"].startswith("He finds")


def test_an_age_in_words_counts_too():
    draft = _complete_draft(14)
    edited = edit_answer(FORM, draft, "date_of_birth", "about 17")
    assert edited.ask == ["capacity"]


def test_a_date_that_does_not_fit_changes_nothing():
    draft = _complete_draft(17)
    kept = dict(draft.values)
    edited = edit_answer(FORM, draft, "date_of_birth", "31/02/2010")
    assert not edited.result.accepted and edited.result.problem
    assert draft.values == kept and edited.ask == [] and edited.dropped == []


def test_other_edits_ask_and_drop_nothing():
    draft = _complete_draft(17)
    edited = edit_answer(FORM, draft, "school", "Riverside Free School")
    assert edited.result.accepted and edited.ask == [] and edited.dropped == []


def test_an_answer_taken_by_the_form_also_drops_what_no_longer_applies():
    """ "Change the date of birth" (the form asks it again): the same rule."""
    draft = _complete_draft(17)
    draft.editing = "date_of_birth"
    assert take_answer(FORM, draft, "date_of_birth", _born_years_ago(13)).accepted
    assert "capacity" not in draft.values
    draft = _complete_draft(13)
    draft.editing = "date_of_birth"
    assert take_answer(FORM, draft, "date_of_birth", _born_years_ago(17)).accepted
    assert fields_to_ask(FORM, draft) == ["capacity"]


def test_changing_a_question_that_does_not_apply_says_why():
    from bot.referral.chat import not_applying

    draft = _complete_draft(14)
    said = not_applying(FORM, draft, "capacity")
    assert "Capacity" in said and "change the date of birth" in said
    assert not_applying(FORM, _complete_draft(17), "capacity") == ""
    assert not_applying(FORM, draft, "school") == ""


def test_the_questions_that_now_apply_are_announced():
    from bot.referral.chat import now_applies_note

    said = now_applies_note(FORM, ["capacity"])
    assert "Capacity concerns (16+)" in said and "applies" in said and "summary" in said
    assert now_applies_note(FORM, []) == ""


def test_several_questions_that_now_apply_are_listed_in_the_plural():
    """The wording of one and of several questions lives in referral_forms/messages.yml."""
    from bot.referral.chat import now_applies_note

    many = [f.id for f in FORM.fields if f.id != "capacity"][:1] + ["capacity"]
    said = now_applies_note(FORM, many)
    assert "questions" in said and " apply " in said and "them" in said, said
    assert all(f"“{FORM.field(f).label}”" in said for f in many), said
    one = now_applies_note(FORM, ["capacity"])
    assert "the question “" in one and "applies" in one and "ask it" in one, one
