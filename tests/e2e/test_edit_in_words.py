"""End to end (real Rasa and action servers): an opening that names the person, their date
of birth and the concern keeps them (not asked again, shown in the summary); from the
summary, edits in the user's own words change the field and show the summary again; a
phone number that never fits is kept marked "not checked", never silently."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.vtr_answers import VTR_ANSWERS, answer_for, text_of

pytestmark = pytest.mark.servers

OPENING = (
    "I need to refer a pupil, Tobiah Marchetti, born the ninth of October 2011, he has been "
    "sharing clips from a banned group in the year group chat"
)
#: Not in the answers: asking any of these again fails the test (answer_for fails loudly).
GIVEN = ("first name", "surname", "date of birth", "in your own words")


def _to_summary(assistant, sender: str, answers: dict[str, str]) -> tuple[str, list[str]]:
    replies = [text_of(assistant.say(sender, OPENING))]
    for _ in range(45):
        if "summary of the draft" in replies[-1].lower():
            return replies[-1], replies
        replies.append(text_of(assistant.say(sender, answer_for(replies[-1], answers))))
    raise AssertionError(f"no summary: {replies[-1][-400:]}")


def test_opening_details_kept_then_edits_in_own_words_from_the_summary(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    answers = {k: v for k, v in VTR_ANSWERS.items() if k not in GIVEN}
    answers["phone number can the police"] = "0770 12"  # never a phone number
    summary, replies = _to_summary(assistant, sender, answers)
    assert "let's draft" in replies[0].lower()
    assert "Tobiah" in summary and "Marchetti" in summary, summary
    assert "09/10/2011" in summary
    assert "sharing clips from a banned group" in summary
    assert any("not checked" in r for r in replies), replies[-6:]  # said when it was kept
    assert "0770 12 (not checked" in summary

    changed = text_of(assistant.say(sender, "change his school to Riverside Free School"))
    assert "School, college or employer: Riverside Free School" in changed, changed
    assert "summary of the draft" in changed.lower()

    # 16 now: the capacity question newly applies, so it is said and asked before the summary.
    changed = text_of(assistant.say(sender, "actually his date of birth is 4/5/2010"))
    assert "04/05/2010" in changed and "now applies" in changed, changed
    assert "capacity" in changed.lower() and "summary of the draft" not in changed.lower()
    changed = text_of(assistant.say(sender, "no"))
    assert "summary of the draft" in changed.lower() and "04/05/2010" in changed, changed

    changed = text_of(assistant.say(sender, "the address should be 4 Elm Row, Basildon SS14 1AA"))
    assert "4 Elm Row, Basildon SS14 1AA" in changed, changed
    assert "summary of the draft" in changed.lower()

    told = text_of(assistant.say(sender, "actually his date of birth is 31/02/2010"))
    assert "31/02/2010" in told and "isn't a real date" in told, told
    fixed = text_of(assistant.say(sender, "01/02/2012"))  # under 16: no new question applies
    assert "01/02/2012" in fixed, fixed


def test_a_long_message_that_opens_with_the_request_starts_the_draft(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    story = (
        "Over the last term he has been sharing memes from a far-right channel in the form "
        "group chat, and last week his tutor saw a symbol linked to the group drawn on his "
        "planner and on the cover of his exercise books. He told another pupil that people like "
        "her family should be sent back, and he has stopped sitting with his old friends at "
        "lunch; he now spends break on his phone watching long videos by the same speaker."
    )
    opening = f"I need to refer a pupil, Tobiah Marchetti. {story}"
    assert len(opening) > 400
    reply = text_of(assistant.say(sender, opening)).lower()
    assert "let's draft" in reply, reply
    answers = {k: v for k, v in VTR_ANSWERS.items() if k not in ("first name", "surname")}
    answers.pop("in your own words")  # the story is the concern: asking for it fails
    summary, _ = _to_summary_from(assistant, sender, reply, answers)
    assert "Tobiah" in summary and "stopped sitting with his old friends" in summary


def _to_summary_from(assistant, sender: str, last: str, answers: dict[str, str]):
    replies = [last]
    for _ in range(45):
        if "summary of the draft" in replies[-1].lower():
            return replies[-1], replies
        replies.append(text_of(assistant.say(sender, answer_for(replies[-1], answers))))
    raise AssertionError(f"no summary: {replies[-1][-400:]}")
