"""Which messages ask to draft a referral (bot/referral/openers.py): a member of staff who
says they need to make, complete or send one starts the draft, whoever they are; a
question about whether or how to refer does not (t13b probe class: openers that named a
role other than DSL, or said the DSL had agreed, went to the triage or the guidance)."""

from __future__ import annotations

import pytest

from bot.referral.openers import asks_to_draft


@pytest.mark.parametrize(
    "text",
    [
        "I work in adult social care and have to refer a service user to Prevent",
        "I'm a college safeguarding officer. I've already discussed this with our Prevent lead "
        "and we agreed I should complete the referral.",
        "my head asked me to do the prevent referral form for a boy in year 8",
        "need to do a vtr 🙏",
        "Can you help me fill in the VTR form?",
        "I'm a GP practice nurse and I need to make a Prevent referral about a patient",
        "we've decided to refer him, I need to write up the referral",
        "Hi, I've been asked to submit a vulnerable to radicalisation referral for a learner",
        "youth worker here - got to send a prevent referral today",
        "I'd like to start a referral for one of my tutees",
    ],
)
def test_saying_you_need_to_make_a_referral_starts_the_draft(text: str) -> None:
    assert asks_to_draft(text)


@pytest.mark.parametrize(
    "text",
    [
        "Should I refer? A 14 year old has started wearing a badge with a far-right symbol.",
        "Do I need to make a referral for a pupil who keeps repeating racist views?",
        "How do I make a Prevent referral?",
        "Where do I send the referral form?",
        "What happens once the police get the referral?",
        "I'm not sure whether I need to make a referral, a boy in year 9 said something odd",
        "I think I might need to refer a girl in my class, she shares extremist videos",
        "Is this enough to make a referral?",
        "Honestly this paperwork is killing me. Where do I get the referral form?",
        "My colleague made a referral last week, what happens next?",
        "A parent told me her son wants to fill in a form to join the army",
        "Can you help me decide whether to make a referral?",
    ],
)
def test_a_question_about_whether_or_how_to_refer_does_not(text: str) -> None:
    assert not asks_to_draft(text)
