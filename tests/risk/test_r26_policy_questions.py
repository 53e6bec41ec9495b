"""A question about the rules or a hypothetical that names a weapon is calm (issue 12, r26).

Class 4 of r26's probing: "what's our policy on knives in packed lunches?" was 999 ("packed"
read as a weapon ready, and a policy question blocked only the presence rules);
"if a parent turns up at the gate with a gun, what do we do?" was 999 (a hypothetical "if"
was read only after "a pupil", "a student", "someone"). A question about a rule (a policy,
what is allowed, what pupils may bring) or a hypothetical ("if a visitor...") holds no
weapon at hand. Twins: the same question beside a weapon here now keeps its 999.
Sentences written for this file, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

CALM = [
    "What's our policy on knives in packed lunches?",
    "If a parent turns up at the gate with a gun, what do we do?",
    "Are pupils allowed to bring a penknife in for scouts on Friday?",
    "What is our rule on sixth formers bringing air rifles in for the rifle club?",
    "If an intruder comes in with a knife, who locks the doors?",
    "Is a year 9 allowed to carry a kirpan blade in school?",
    "Can staff bring a kitchen knife in for the cake sale?",
    "What's the procedure if anyone brings a bomb threat letter to reception?",
    "If a visitor is carrying a weapon, do we call 999 or the police non-emergency line?",
    "Do we have guidance on pupils bringing bats and hockey sticks on the coach?",
]


@pytest.mark.parametrize("text", CALM)
def test_a_question_about_rules_or_a_hypothetical_is_calm(text: str) -> None:
    assert assess_rules(text).level == "none", (text, assess_rules(text).as_dict())
    assert assess(text).level == "none", (text, assess(text).as_dict())


#: The same questions beside a weapon here now: 999 stays.
TWINS = [
    "There's a man at the gate with a gun right now, what's our policy?",
    "A pupil has a knife in his bag right now, are we allowed to search it?",
    "What do we do, a parent is in reception with a machete right now?",
    "What's the procedure? Someone has just walked into the hall with a gun.",
    "A boy is waving a knife at staff in the car park, what's the rule on restraint?",
    "Can we lock the doors? There's a man in the corridor with an axe.",
    "We packed our lunches and now a man is in the playground with a gun.",
    "Is it allowed to hold him back? He's got a knife to another boy's throat right now.",
]


@pytest.mark.parametrize("text", TWINS)
def test_the_same_question_beside_a_weapon_now_keeps_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())
