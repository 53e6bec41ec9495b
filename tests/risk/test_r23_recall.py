"""Issue 12, r23: classes of missed 999 and police calls, each caught and its calm twin left calm.

Every sentence here was written for this file (none comes from an evaluation set or from
data/risk/). Each "caught" case failed on the code before r23's change (main at 46b01de);
each calm list keeps the same words where nothing is at stake, so the fix is not a bare
word list.

Classes:
1. a named proscribed organisation promoted ("recommending") or led ("cell leader");
2. travel to fight with a militia abroad, or to die as a martyr, with no date (police);
3. killing a public figure planned, said as "assassinate" rather than "kill" (police);
4. a target studied: its service times listed, drone footage of a base (police);
5. an attack manual held and passed on (police);
6. money for a group described as banned rather than named (police);
7. a young child (Year 3 or 4) unaccounted for (999);
8. the means, a place where people gather and a close time: a dining hall (999);
9. a plan with weapons where the teller says no date is known: police, not 999;
10. a possession cue ("with the", "has a") that holds another thing (a logo, a group, a
    list), not the weapon named after it: police, not 999; a weapon it does hold stays 999;
11. the model sure a message is not calm but split between 999 and police, with a plan or
    a group in it: police (the guards still apply).
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

POLICE = [
    # 1. a proscribed organisation promoted or led
    "a man who helps at our youth club has an Atomwaffen badge on his bag and keeps recommending their videos to the teenagers",
    # 2. travel to fight or to die abroad
    "a lad in year 13 says he will fight with a far-right militia in eastern Europe once his exams are done and has a contact sorting it",
    "my student says he wants to become a martyr in the Middle East when he is old enough and is saving for the flight",
    # 3. a public figure's killing planned
    "an apprentice keeps telling colleagues that the Home Secretary should be assassinated and that he is working out her schedule",
    # 4. a target studied
    "a year 12 has been posting drone footage of the RAF station to a group that talks about bringing the state down",
    "a boy has a document listing the synagogues in the county and their service times with 'stage one' written at the top",
    # 5. an attack manual
    "a volunteer has a terrorist lone wolf manual saved on her phone and has been reading bits of it out to the group",
    # 6. money for a banned group
    "a teaching assistant has been raising funds for a group that was banned in the summer using the staff lottery",
    # 10. the cue holds a logo or the lads, not the weapon
    "a year 11 shares a video with the Islamic State logo that shows how to make a bomb, and tells others to watch it",
    "he meets up with the lads from a banned group for knife training in the woods every month",
    # 11. split between 999 and police, with a plan in it
    "a year 13 and his cousin keep talking about a hit on the mosque, they're still working out when",
]

#: 10, the other way: the cue does hold the weapon, or "and" adds it as a second object.
WEAPON_HELD = [
    "he's in the park with his mates and a knife and says he'll stab someone",
    "a man with a group of lads has a machete outside the gates",
    "he's walking round the field with his dad's shotgun",
    "a pupil has got a gun in his locker",
]

EMERGENCY = [
    # 7. a young child unaccounted for
    "a year 3 pupil is unaccounted for after the beach visit and the tide is coming in",
    "our year 4 child is unaccounted for at the swimming baths and the lifeguards are searching the pool",
    # 8. means, a dining hall and a close time
    "he has ordered strong chemicals and says he'll try them out in the dining hall after registration today",
]

CALM = [
    "the youth club leader keeps recommending board games to the teenagers",
    "in RE we discussed what it means to become a martyr in early Christianity",
    "a year 12 wants to do voluntary work in the Middle East after his exams",
    "the assassination of Franz Ferdinand started the First World War, the year 9s did posters on it",
    "the drama club filmed footage of the school hall for their trailer",
    "our RE trip will visit two synagogues and a mosque next week, what are their service times?",
    "the school choir is collecting money for the children's hospice",
    "the tutor group is collecting money for the children's charity, nothing to do with the group that was banned from the park",
    "I'm uploading the Prevent training slides on terrorist propaganda for staff tonight",
    "our safeguarding lead is giving staff a briefing on terrorist recruitment online tomorrow",
    "a year 3 child was found safe in the toilets after ten minutes, she had just got lost",
    "a year 4 child was unaccounted for at registration but had been sent to the office, all sorted",
    "we are planning the year 4 trip to the canal next week, who does the risk assessment?",
    "the dining hall is closed after registration today for the exams",
    "we practised using an epipen trainer in the staff first aid course",
    "two lads from the boxing gym say they are planning a surprise party for their coach but there is no date yet",
    "the planning meeting for the carnival float is in August, can the year 8s help?",
]


@pytest.mark.parametrize("text", POLICE)
def test_terrorism_related_without_a_near_time_is_police(text: str) -> None:
    found = assess(text)
    assert found.level == "police", found.reasons


@pytest.mark.parametrize("text", EMERGENCY)
def test_a_life_at_risk_now_is_999(text: str) -> None:
    found = assess(text)
    assert found.level == "emergency", found.reasons


@pytest.mark.parametrize("text", WEAPON_HELD)
def test_a_weapon_the_cue_holds_is_still_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", found.reasons


@pytest.mark.parametrize("text", CALM)
def test_the_same_words_with_nothing_at_stake_stay_calm(text: str) -> None:
    found = assess(text)
    assert found.level == "none", found.reasons


def test_a_plan_with_no_date_is_not_read_as_999_by_the_rules() -> None:
    # 9. the weapons are being gathered, the target is named, and the teller says no date
    # is known: the rules' 999 for weapons "there now" is held back, the police take it.
    text = (
        "I found a student has been buying axes and body armour and says he'll attack the "
        "mosque at their festival, no date set"
    )
    assert assess_rules(text).level != "emergency", assess_rules(text).reasons
    assert assess(text).level == "police", assess(text).reasons


def test_every_police_reason_names_words_from_the_message() -> None:
    # a reason is evidence: each quoted word is in the message it explains
    import re

    for text in POLICE:
        assert assess(text).reasons, text
        for reason in assess(text).reasons:
            quoted = re.findall(r"'([^']+)'", reason)
            assert quoted, reason
            assert any(q.lower() in text.lower() for q in quoted), reason
