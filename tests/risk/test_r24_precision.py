"""Issue 12, r24: classes of false 999 and police calls (precision), each left calm or at the
right level, with a twin that keeps its 999 or police call.

Every sentence here was written for this file (none comes from an evaluation set or from
data/risk/). Each case in the CALM, ASKED and POLICE lists failed on main before r24: it
was raised to 999 or the police, raised to 999 instead of the police, or asked "Is anyone
in danger right now?" on a calm message. The TWIN lists hold the same words where someone
is in danger now, so a fix cannot be a bare word list.

Classes:
1. a harmless thing up high: an animal or a ball on a ledge or a roof;
2. things kept in a store: lab chemicals in a locked cabinet are not a person "held";
3. idioms and jokes: "blow the roof off", "a suicide mission", "out for blood";
4. precautions on trips and at heights, and policy questions about knives and bags;
5. an incident over and dealt with ("last week ... the police dealt with it");
6. toys and things shaped like weapons;
7. police, not 999: a document, a contact or a group named after "has a" or "with a";
8. everyday errands: a van or a minibus's fuel for a trip;
9. a form description with the practitioner's hedge ("no threats or mention of weapons");
10. a job title: "family support worker" is no support for a proscribed group;
11. an offence named: "arrested for drugs" is no one taking drugs now;
12. someone else's manifesto searched for or kept: material for the DSL, not a plan.
"""

from __future__ import annotations

import pytest

from bot.risk import assess
from bot.risk.detector import LexiconError, load_lexicon

CALM = [
    # 1. a harmless thing up high
    "the caretaker says a pigeon has been nesting on the window ledge outside the staffroom for weeks",
    # 2. things kept in a store
    "the science technician keeps the concentrated acids in a locked cabinet in the prep room, is that enough for the inspection?",
    # 3. idioms
    "the band are going to blow the roof off in the hall on Thursday night",
    # 4. a policy question
    "what's the protocol for a suspicious bag left at the school gate?",
    # 5. incidents over
    "last week a boy brought a kitchen knife into school, it was taken off him and the police dealt with it. how do I record it?",
    "we had a bomb hoax phoned in last Tuesday, police checked the building and nothing was found",
    # 6. toys and shapes
    "a year 4 has a grenade-shaped rubber from a museum gift shop in his pencil case",
    # 10. a job title is no link with a group
    "the school's family support worker says a boy has been reading about Hezbollah's history for his coursework and condemns them, is that ok?",
    "our pastoral support officer says a girl's been watching documentaries about al-Qaeda's history because her dad was in the army",
    # 12. someone else's manifesto searched for or kept is material (SET 2.3), not a plan
    "she searched for an eco-fascist group's manifesto after the news and says she was only curious",
    "he keeps an incel manifesto and memes on his phone and says it's all a joke",
    # 8. everyday errands
    "we've hired a van to take the scenery to the theatre on Friday, the cast are so excited",
    "use the fuel card to fill it up, the minibus needs fuel for the away match at the school on Saturday",
]

ASKED = [
    # 1. a ball up high
    "a football is stuck on the roof of the sports hall, can the site team get it down?",
    # 3. idioms
    "covering 9X last period on a Friday is a suicide mission",
    "the PE staff are out for blood at the staff v students match tomorrow",
    "the new timetable went in all guns blazing and nobody was ready",
    # 4. precautions
    "we're taking year 8 up to the clifftop path tomorrow, staff will keep them well back from the edge",
    "the technician needs to go on the roof with a harness to fix the aerial this afternoon",
    "does our forest school need a risk assessment for using bow saws and knives with year 5?",
    # 11. an offence someone was dealt with for, named
    "he hates the police since his dad got arrested for drugs, is that a Prevent thing?",
    "her brother was jailed for drugs and she's been really withdrawn this term",
    # 9. the practitioner's hedge
    "for the referral form: he has been sharing antisemitic memes in the class group chat, no threats or mention of weapons",
]

POLICE = [
    # 7. a guide, a contact, a group: terrorism-related, no danger at hand now
    "IT found bomb-making guides saved on a sixth former's account",
    "we think he's been building small incendiary devices and swapping the clips with a group that praises arson on churches",
    "a pupil has a map of the synagogue with the word petrol next to the entrance",
]

EMERGENCY_TWINS = [
    "a boy has climbed out onto the window ledge of the top floor and won't come back in",
    "her dad is keeping her locked in the bedroom and he has a knife",
    "a boy brought a kitchen knife into school today and is waving it about in the corridor",
    "a man is at the school gate with a knife and is shouting at the children",
    "a year 9 is standing right at the cliff edge on the trip and says she's going to jump",
    "he took a knife from the locked cabinet in DT and has gone after the boy who hit him",
    "there's a suspicious bag at the gate right now, what's the protocol for this?",
    "he says the bomb is ready and he'll set it off in the hall at 2pm",
]

POLICE_TWINS = [
    "he has been writing his own manifesto about which mosques should be attacked first",
    "he has been giving support to Islamic State online and sending them money",
    "he's got a contact who sells converted pistols and is saving up to buy one, says the race war is coming",
    "a sixth former is making a bomb in his garage from instructions a contact sent him",
    "he has a list of the mosques in town and says he will burn one down one day",
]


@pytest.mark.parametrize("text", CALM)
def test_calm_message_is_no_999_and_no_police(text: str) -> None:
    found = assess(text)
    assert found.level == "none", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", ASKED)
def test_calm_message_is_not_asked_if_anyone_is_in_danger(text: str) -> None:
    found = assess(text)
    assert found.level == "none" and not found.ask_if_in_danger, [
        m.reason for m in (*found.matches, *found.doubts)
    ]


@pytest.mark.parametrize("text", POLICE)
def test_police_matter_is_not_raised_to_999(text: str) -> None:
    found = assess(text)
    assert found.level == "police", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", EMERGENCY_TWINS)
def test_twin_with_danger_now_keeps_its_999(text: str) -> None:
    found = assess(text)
    assert found.level == "emergency", [m.reason for m in (*found.matches, *found.doubts)]


@pytest.mark.parametrize("text", POLICE_TWINS)
def test_twin_with_a_plan_keeps_police(text: str) -> None:
    assert assess(text).level in ("police", "emergency")


def test_precision_additions_are_merged_into_the_lexicon() -> None:
    """lexicon_precision.yml extends lexicon.yml: its lists are added, nothing is replaced."""
    lexicon = load_lexicon()
    assert "risk assessment" in lexicon["frames"]["precaution"]
    assert "last friday" in lexicon["frames"]["past"]
    assert "last year" in lexicon["frames"]["past"]  # the lexicon's own entries stay
    blocks = lexicon["frame_blocks"]
    assert blocks["precaution"] == "all"


def test_an_addition_may_not_replace_a_value() -> None:
    from bot.risk.detector import _merge_into

    with pytest.raises(LexiconError):
        _merge_into({"across_sentences": {"reason": "x"}}, {"across_sentences": {"reason": "y"}}, "t")


def test_every_rule_a_frame_blocks_is_a_rule_of_the_lexicon() -> None:
    lexicon = load_lexicon()
    ids = {r["id"] for r in lexicon["rules"]}
    for frame, names in lexicon["frame_blocks"].items():
        if names != "all":
            assert set(names) <= ids, frame
