"""An earlier calm or everyday clause never calms a danger told later, now (issue 12, r26).

Class 1 of r26's probing: "careers day is on Thursday and a man is in reception with a
gun" got no 999: the everyday event ("careers day") was read as setting the scene for the
clause after it, as it does for a game ("our esports club ... the team are practising
planting the bomb"). A NEW person told there NOW with a weapon or doing harm is no part of
the scene. And "false alarm about the bag earlier, but a man is shooting in the car park"
was a police matter: a shooting, stabbing or slashing going on now is 999 whatever the
motive. Sentences written for this file, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

#: An everyday event first, then a new person there now with a weapon.
EVERYDAY_THEN_DANGER = [
    "Careers day is on Thursday and a man is in reception with a gun.",
    "The bake sale is going well and a man has just come in with a knife, shouting at the kids.",
    "Our book fair is on in the library and someone is at the gate with a machete.",
    "Sports day is this afternoon and a parent is on the field with an axe.",
    "The tournament starts at four, and there's a lad in the changing rooms with a gun.",
    "Barbecue's going well, but two men are in the car park with knives.",
    "The camping stove demo is in the hall and a stranger is in the corridor with a blade.",
    "We're running the boxing club after school and a man has just walked into reception "
    "with a shotgun.",
]

#: A violent act going on now, after a calm clause or on its own: 999, not police.
VIOLENCE_NOW = [
    "False alarm about the bag earlier, but a man is shooting in the car park.",
    "The fire drill went fine, but someone is shooting at the windows of the science block.",
    "All sorted with the complaint, however two men are stabbing people at the bus stop "
    "outside.",
    "a man is firing a gun at the front of the school",
    "Someone's shooting outside the gates, the kids are screaming.",
    "There's a lad slashing at people with a blade in the canteen.",
    "A boy is stabbing another boy behind the sports hall.",
    "They're shooting at the minibus from the bridge.",
    "The lockdown alarm went off for real, a man is shooting in the corridor.",
    "Two lads are going for each other with bottles outside the chippy.",
    "Youth club update: a group just burst in and they're going for one of our regulars with "
    "bats.",
    "A man is coming at us with a hammer in the car park.",
]


@pytest.mark.parametrize("text", EVERYDAY_THEN_DANGER)
def test_an_everyday_event_does_not_calm_a_new_person_there_now_with_a_weapon(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())


@pytest.mark.parametrize("text", VIOLENCE_NOW)
def test_violence_going_on_now_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())


#: Twins: the everyday event still sets the scene, and "shooting" a film, hoops, a goal.
CALM = [
    "Our esports club is in a tournament and the team are practising planting the bomb.",
    "Sports day is this afternoon and the year 6s are in the sack race with their parents.",
    "The school play is tonight and the lead is on stage with a plastic sword.",
    "Book week is on and a parent is in reception with a plastic sword for the assembly.",
    "The fire drill went fine this morning, and the photographer is shooting the team photos "
    "now.",
    "False alarm about the bag earlier, the media students are shooting a promo video in the "
    "car park.",
    "She's shooting hoops in the sports hall before registration.",
    "Year 11 are shooting a short film on the field this afternoon.",
    "He's shooting at goal in the netball match and scored twice.",
    "My back has a stabbing pain when I carry the PE bags.",
    "We're going for one of the top prizes with our science fair project.",
    "The debate team came at him with tough questions and he handled it well.",
    "We're going for them with the leaflets at the freshers fair.",
]


@pytest.mark.parametrize("text", CALM)
def test_the_scene_and_other_shootings_stay_calm(text: str) -> None:
    assert assess_rules(text).level == "none", (text, assess_rules(text).as_dict())
    assert assess(text).level == "none", (text, assess(text).as_dict())
