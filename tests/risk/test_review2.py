"""A guard that lowers a verdict explains only what it is about (second review, S1-1..4).

The reviewer's messages (written for the review, in no evaluation set): each got 999 or
police before this session's guards and lost it with them. What a message says beyond a
relayed view, a group's media or an ended link keeps the verdict.
"""

from __future__ import annotations

import pytest

from bot.risk.combined import assess

EMERGENCY = [
    # a relayed view, and the adult acting now
    "my daddy says mummy deserves to die and he's hurting her right now",
    "my dad says we should kill her, he's locked her in the bedroom",
    "a year 2 girl said her dad says we should burn the house down with mummy in it, and he's got the lighter",
    "my mummy says we must hurt the baby and mummy's at home with her now",
    "my dad says we should kill the teacher and he's waiting outside now",
    "my dad says he should kill miss jones and he's here in reception",
    # a call to violence against a place attacks are aimed at, with a close time
    "my mummy says we should kill the people at the mosque tonight",
    "his dad told him they must kill the jews at the synagogue on saturday",
]
POLICE_OR_HIGHER = [
    "my uncle says we should kill him and he's on his way to school",
    # a group's media with a threat, martyrdom, money, travel or promotion
    "a pupil has been sharing ISIS execution videos and says the teachers deserve the same",
    "he showed me an ISIS video on his phone and said i'll be next",
    "he watches ISIS videos and says he wants to be a martyr",
    "he searched how to join ISIS and sent them money",
    "he watches ISIS videos and asked me how long it takes to get to Syria",
    "he has been distributing ISIS videos to other students",
    "he runs a telegram channel posting national action videos",
    # an ended link that goes on
    "she left the group last year but she still messages the recruiter every night and plans to travel to syria",
]


@pytest.mark.parametrize("text", EMERGENCY)
def test_what_goes_beyond_the_guard_keeps_the_999(text: str) -> None:
    assert assess(text).level == "emergency"


@pytest.mark.parametrize("text", POLICE_OR_HIGHER)
def test_what_goes_beyond_the_guard_keeps_the_police(text: str) -> None:
    assert assess(text).level in ("police", "emergency")


@pytest.mark.parametrize(
    "text",
    [
        "a reception child said her mummy says we should send them all back",
        "he watches national action videos on his tablet at home",
        "she was in a far-right group two years ago and finished her Channel support last spring",
    ],
)
def test_the_guards_still_do_their_own_job(text: str) -> None:
    assert assess(text).level == "none"
