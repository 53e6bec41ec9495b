"""Session 11's cold review of the risk check: danger told now must never be set aside.

1. A reply to a form question that tells a danger PRESENT ("there is a man in my room with a
   knife") keeps the model's 999; only a past description of what was seen is set aside.
2. A training question beside a danger told now ("is there a course on this, a man is
   stabbing people in the yard") is no training question: the frame covers its clause only.
3. A hypothetical question clause ("if anyone goes out what should they do?") does not make a
   danger told in another clause hypothetical.
4. "lost a year 1 teacher to another school" is a member of staff leaving, not a lost child.
Sentences written for this file, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess
from bot.risk.in_context import AskedQuestion, assess_reply, read_reply

FORM = [
    AskedQuestion(frozenset({"ideology"}), ("triage_ideology",)),
    AskedQuestion(frozenset({"engagement"}), ("triage_engagement",)),
    AskedQuestion(frozenset({"threat"}), ("triage_intent",)),
    AskedQuestion(frozenset({"capability"}), ("triage_capability",)),
    AskedQuestion(frozenset({"planning"}), ("triage_terrorism",)),
]

PRESENT = [
    "there is a man in my room with a knife",
    "look out for him, he has a gun and is heading to the school",
    "he's got his dad's rifle and is walking toward the mosque",
    "during the fire drill a pupil pulled a knife on a teacher",
    "he's in his room with a gun and won't come out",
    "he's in the garage with a shotgun",
    "there's a lad at the gate with a machete",
    "she's in the toilets with a knife",
    "he has a knife and is walking towards the canteen",
    "a boy pulled a gun on his friend at break",
]


@pytest.mark.parametrize("asked", FORM, ids=lambda a: sorted(a.kinds)[0])
@pytest.mark.parametrize("reply", PRESENT)
def test_a_danger_told_now_keeps_its_999_in_reply_to_a_form_question(asked, reply):
    assert assess(reply).level == "emergency", reply
    assert assess_reply(reply, asked).level == "emergency", (reply, read_reply(reply, asked))


PAST_DESCRIPTIONS = [
    "he showed me a video of a knife last week",
    "he showed me a picture of a gun last week",
    "he posts videos praising the attack on his story every day",
]


@pytest.mark.parametrize("reply", PAST_DESCRIPTIONS)
def test_a_past_description_for_the_form_is_still_set_aside(reply):
    assert assess_reply(reply, FORM[0]).level != "emergency", reply


@pytest.mark.parametrize(
    "text",
    [
        "is there a course on this, a man is stabbing people in the yard",
        "what would the steps be when a man is shooting in the playground",
        "is there any training for this, a pupil is threatening to jump off the roof",
        "how to recognise the signs, she's unconscious after taking pills",
        "what would my next steps be, a pupil is locked in the boiler room by a gang",
        "is there any training on this? a man is stabbing people at the gate",
        "what would the steps be, a man is holding a pupil hostage in the library",
    ],
)
def test_a_training_question_beside_danger_now_is_999(text):
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "is there a course on spotting radicalisation",
        "what would the steps be when a pupil shares extremist videos",
        "is there any training on what to do if someone is stabbed",
    ],
)
def test_a_training_question_alone_stays_calm(text):
    assert assess(text).level != "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "a man has a knife in the car park, if anyone goes out what should they do?",
        "a man has a gun at the gate, what do we do if he comes in?",
        "a boy is stabbing people in the yard, if staff intervene are we covered?",
        "there's a man with a machete at reception, if he comes upstairs where do we go?",
    ],
)
def test_a_hypothetical_clause_does_not_cover_a_danger_told_now(text):
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "if a man had a knife in the car park, what should we do?",
        "what do we do if a man comes in with a gun?",
        "if a boy was stabbing people in the yard, would staff be covered?",
    ],
)
def test_a_hypothetical_alone_stays_calm(text):
    assert assess(text).level != "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "we've lost a year 1 teacher to another school",
        "we've lost a year 4 TA this term",
        "we lost a year 6 colleague to retirement",
        "we've lost a year 2 member of staff",
        "we've lost a year 5 to another school",
    ],
)
def test_lost_a_year_group_member_of_staff_is_not_a_missing_child(text):
    assert assess(text).level != "emergency", text


@pytest.mark.parametrize(
    "text",
    ["we've lost a year 2 at the farm park", "we've lost a year 2 on the beach"],
)
def test_lost_a_year_group_child_is_still_999(text):
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "We're going for them with the leaflets at the freshers fair.",
        "we're going for him with questions at the hustings",
        "the stall is going for them with flyers and free badges",
    ],
)
def test_going_for_someone_with_a_pitch_is_calm(text):
    assert assess(text).level != "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "the lads are going for him with bottles",
        "they're going for them with knives in the yard",
        "The fire drill went fine, but someone is shooting at the windows of the science block.",
        "the lockdown drill was fine, but now a man is stabbing people by the gate",
    ],
)
def test_going_for_someone_with_a_weapon_or_violence_after_a_drill_is_999(text):
    assert assess(text).level == "emergency", text
