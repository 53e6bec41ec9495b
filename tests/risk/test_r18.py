"""Issue 12, r18: emergencies phrased without the lexicon's words, read from state, time,
target and means (classes found in the emergency misses of dev sets C, E and G).

Every sentence here was written for this file (none comes from an evaluation set). Each
class is a pattern the check missed: a young child whose whereabouts are unknown said with
a duration ("been gone 10 minutes"), a child alone with no adult, a child taken by someone
a court order keeps away, a young person held or made helpless by older men, bleeding that
pumps, self-harm going on, a final message, fire means with doors locked on people, a
device wired to a door, an attack plan with a close day, a vehicle driven at a crowd.
"""

from __future__ import annotations

import pytest

from bot.risk import assess

EMERGENCIES = {
    "young_child_gone_for_minutes": [
        "one of our 3 year olds has been gone about ten minutes, the back fence has a gap in it",
        "at the park with the nursery and we have lost a 5 year old, she's been gone since we counted heads",
        "a year 1 girl is not in the building, nobody has seen her since register",
    ],
    "child_alone_no_adult": [
        "there's a little boy wandering on his own by the roundabout, no adults around at all",
        "found a toddler by herself at the bus stop, no grown-ups around, she can't tell us her name",
    ],
    "child_taken_against_an_order": [
        "a man who is not allowed near the boy under a non-molestation order has just driven off with him from the gate",
        "her mum's ex picked her up at home time, there's an injunction and he isn't allowed near her",
    ],
    "young_person_held_or_helpless": [
        "a 15 year old just rang me from a house with older men, they've given her pills and she can't walk straight",
        "my student messaged that she's at a party with grown men who won't let her go home and she is frightened",
    ],
    "bleeding_that_pumps": [
        "a lad slipped onto a broken bottle, there's a deep gash on his arm and the blood is spurting out",
        "she cut her wrist on the window pane and it keeps pouring out through the towels",
    ],
    "self_harm_going_on": [
        "a girl in the toilets is cutting her arms with a pencil sharpener blade and won't stop",
        "he's banging his head against the wall over and over right now and there's blood",
    ],
    "final_message": [
        "a year 9 posted 'tell everyone sorry, don't try to find me' on her story and isn't answering",
        "got a text from a student: this is the last sunrise I'll see, thanks for putting up with me",
    ],
    "fire_means_and_doors_locked": [
        "in his notebook: Friday assembly, chain the doors, jerry can. It is Friday tomorrow",
        "he said he's going to bring petrol and lock the doors of the youth club tonight while everyone is in",
    ],
    "device_wired_to_a_door": [
        "a pupil told the caretaker not to open the hall fire exit at 2 because something is rigged to it",
    ],
    "plan_with_a_close_day": [
        "a note in his locker says he will knife the head of year on sports day, which is this Wednesday",
        "she has the home addresses of two local councillors with 'sorted by Friday' beside them, it's Thursday",
    ],
    "vehicle_at_a_crowd": [
        "he says he'll drive his dad's van through the Christmas market when it's busiest, this evening about 6",
    ],
}

CASES = [(cls, text) for cls, texts in EMERGENCIES.items() for text in texts]


@pytest.mark.parametrize(("cls", "text"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_an_emergency_without_the_lexicon_words_is_999(cls: str, text: str) -> None:
    result = assess(text)
    assert result.level == "emergency", (cls, [m.reason for m in result.doubts])


# The same words in ordinary messages: none of these is a 999.
CALM = [
    "my 6 year old lost a tooth at lunch and has been gone on about the tooth fairy all day",
    "the year 2 class were gone for ten minutes to the library, then back for phonics",
    "he likes playing on his own at break, no worries, he's just quiet",
    "dad picked her up at home time, there is no order and he is allowed to collect",
    "can we get the car park gates locked after the parents have gone? it's the caretaker's job",
    "we need the homework sorted by Friday, it's Thursday already",
    "the cut on his knee from football last week has healed nicely",
    "goodbye everyone, I'm off on maternity leave, don't try to find me on email!",
    "the Christmas market is busiest in the evening, should we take the year 5s in the morning?",
    "the caretaker says the lights in the hall are wired to the fire alarm panel",
]


@pytest.mark.parametrize("text", CALM)
def test_the_same_words_in_an_ordinary_message_are_no_999(text: str) -> None:
    result = assess(text)
    assert result.level != "emergency", [m.reason for m in result.matches]


# The r12eng scenario class: a change of friends said with a sports idiom beside "her" and
# "him" is a Prevent concern (refer / DSL), not a 999 (tests/e2e/scenarios_r12eng.yml).
FRIENDS_CHANGED = [
    "since the team lost the final she has stopped seeing her usual mates and spends every evening messaging him",
    "after being knocked out of the chess league he's dropped his old friends and is online with them all the time",
]


@pytest.mark.parametrize("text", FRIENDS_CHANGED)
def test_a_change_of_friends_is_no_999(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]
