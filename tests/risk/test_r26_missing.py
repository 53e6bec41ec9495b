"""Someone missing at or near a dangerous place, said without "still" or "is": 999 (r26).

Class 3 of r26's probing: "another missing near the canal", "year 8 boy missing, last seen
by the railway line" got no 999 from the rules: the lexicon knew "is missing", "still
missing", not "missing near", "last seen by", "reported missing". Twins: found safe, a
trip to the canal, a story or a case long ago, "missing" lessons, "last seen" online.
Sentences written for this file, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

MISSING = [
    "Another missing near the canal.",
    "Year 8 boy missing, last seen by the railway line.",
    "One of our year 10s is reported missing, last seen walking towards the quarry.",
    "Girl from year 9 missing since lunch, her friends say she was heading for the river.",
    "Two pupils missing after the trip, last seen near the lake.",
    "Sixth former missing from home, his phone was last seen near the motorway bridge.",
    "A boy is missing at the reservoir and nobody has seen him for an hour.",
    "Pupil missing near the cliffs on the geography field trip.",
    "We've lost a year 1 at the farm park and nobody's seen him for half an hour.",
    "Little girl from reception wandered from the picnic, no one's seen her since, the "
    "pond is right there.",
]


@pytest.mark.parametrize("text", MISSING)
def test_missing_at_a_dangerous_place_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())


CALM = [
    "The boy who went missing near the canal yesterday was found safe and well.",
    "We're taking year 5 on a school trip to the canal tomorrow.",
    "I'm missing my walks by the canal since I broke my ankle.",
    "In history we studied a girl who went missing near the river in 1953.",
    "He keeps missing lessons, his mum says he's been revising by the lake.",
    "WhatsApp says he was last seen online at 2am.",
    "Last seen: the railway museum trip was brilliant, thanks for organising.",
    "Years ago a pupil went missing near the quarry, and it still affects the village.",
    "We've lost a year's worth of attendance data after the server crash.",
    "Nobody's seen the new PE kit yet, has it been delivered?",
]


@pytest.mark.parametrize("text", CALM)
def test_found_safe_trips_and_stories_stay_calm(text: str) -> None:
    assert assess_rules(text).level == "none", (text, assess_rules(text).as_dict())
    assert assess(text).level == "none", (text, assess(text).as_dict())
