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


TRIAGE_ANSWERS = {
    "immediate danger": "no",
    "how old": "14",
    "extremist views": "extremist views",
    "getting involved with a group": "yes",
    "justifies or supports violence": "not sure",
    "means or know-how": "no",
    "anything else worrying": "no",
    "planning an attack": "no",
    "parents or carers know": "yes, they know",
    "consent to share": "no",
    "protect someone from serious harm": "no",
    "designated safeguarding lead (dsl) or prevent lead": "yes",
}


def test_a_triage_before_the_draft_fills_the_indicators_row(assistant):
    from tests.helpers.vtr_answers import answer_for

    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    replies = assistant.say(
        sender, "Should I refer? A pupil has started wearing a badge with a far-right symbol"
    )
    for _ in range(15):
        if any(isinstance(r.get("custom"), dict) and "outcome" in r["custom"] for r in replies):
            break
        replies = assistant.say(sender, answer_for(text_of(replies), TRIAGE_ANSWERS))
    else:
        raise AssertionError(f"no triage outcome: {text_of(replies)[-300:]}")
    asked: list[str] = []
    answers = {**VTR_ANSWERS}
    last = text_of(assistant.say(sender, "start a referral"))
    assert INTRO in last.lower()
    for _ in range(40):
        if "summary of the draft" in last.lower():
            break
        asked.append(last)
        last = text_of(assistant.say(sender, answer_for(last, answers)))
    # Engagement (yes), intent (not sure) and capability (no) came from the triage: not asked.
    assert not [q for q in asked if "(SET 2.2)" in q or "(SET 2.3)" in q], asked
    assert "Engagement: Seen (said in the triage conversation)" in last, last
    assert "Intent: Not sure (said in the triage conversation)" in last
    assert "Capability: Not seen (said in the triage conversation)" in last
