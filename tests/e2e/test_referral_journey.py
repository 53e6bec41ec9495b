"""End to end, a DSL's journey as they say it: openers that start the draft, an edit answered
with the changed field, "summary" for the whole of it (real Rasa and action servers)."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of

pytestmark = pytest.mark.servers

INTRO = "let's draft the vulnerable to radicalisation"


@pytest.mark.parametrize(
    "opener",
    [
        "I'm the DSL at a school in Southend and need to make a Prevent referral",
        "Hi, I'm a DSL and I need to make a Prevent referral",
    ],
)
def test_an_opener_saying_who_and_what_starts_the_draft(assistant, opener):
    reply = text_of(assistant.say(f"dsl-{uuid.uuid4().hex[:8]}", opener)).lower()
    assert INTRO in reply and "immediate danger" in reply, reply


def test_an_edit_is_answered_with_the_changed_field_and_summary_shows_it_all(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    summary = draft_to_summary(assistant, sender, VTR_ANSWERS)
    assert "summary of the draft" in summary.lower()
    assert "Engagement, intent, capability (SET 2.2-2.3): Engagement: Watches" in summary
    assert "Referrer's name: Dana Whitfield" in summary
    asked = text_of(assistant.say(sender, "change the surname"))
    assert "surname" in asked.lower()
    changed = text_of(assistant.say(sender, "Oyelaran-Wójcik"))
    assert "Changed. Surname: Oyelaran-Wójcik" in changed, changed
    assert 'Say "summary" to see it all' in changed
    assert "summary of the draft" not in changed.lower()  # not the whole summary again
    # "change the intent": one of the indicators' parts; the row is rebuilt from the parts.
    assert "intent (set 2.2)" in text_of(assistant.say(sender, "change the intent")).lower()
    changed = text_of(assistant.say(sender, "He said he wanted to hurt people"))
    assert "Intent: He said he wanted to hurt people" in changed, changed
    whole = text_of(assistant.say(sender, "summary"))
    assert "summary of the draft" in whole.lower() and "Oyelaran-Wójcik" in whole, whole
    assert "Intent: He said he wanted to hurt people" in whole
