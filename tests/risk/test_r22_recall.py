"""Issue 12, r22: classes of missed 999 and police calls, each caught and its calm twin left calm.

Every sentence here was written for this file (none comes from an evaluation set or from
data/risk/). Each "caught" list failed on the code before r22's fix; each "calm" list keeps
the same words where nothing is at stake, so the fix cannot be a bare word list.

Classes (issue 12, "Found"):
1. risk to life told by where someone is: on a windowsill up high with the window open;
2. a final goodbye told by an apology "for what I'm going to do" or giving belongings away;
3. a stranger trying to take a child, told as it happens;
4. praise of an attacker as a hero to follow, or a call for "more of the same" (SET 2.1:
   encouraging terrorism is police, not a concern for the DSL);
5. making an incendiary or a weapon part, which a described Prevent concern does not cover;
6. a record found on a device ("internet history") is not a history lesson.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules
from bot.risk.detector import get_detector

# -- 1. someone on a windowsill up high, the window open: 999 -------------------------------

HEIGHT_NOW = [
    "a year 10 boy is sitting on the windowsill of the third floor science lab and the window is wide open",
    "she's sat on the windowsill in the 4th floor corridor and won't come down",
]

HEIGHT_CALM = [
    "a year 10 boy was sitting on the windowsill reading in the library, I asked him to use a chair",
    "the third floor windows are being replaced next week so that corridor is closed",
    "the kids were leaning out of the coach window waving to their parents",
]


@pytest.mark.parametrize("text", HEIGHT_NOW)
def test_someone_on_a_windowsill_up_high_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", HEIGHT_CALM)
def test_a_windowsill_or_a_high_floor_alone_stays_calm(text: str) -> None:
    assert assess_rules(text).level == "none", [m.reason for m in assess_rules(text).matches]


# -- 2. a goodbye that says what comes next is final: 999 -----------------------------------

FINAL_GOODBYE = [
    "my student emailed 'sorry for what i'm going to do, you were always kind' and his phone is switched off",
    "he gave away his belongings to his mates this morning and said he won't be needing anything now",
]

GOODBYE_CALM = [
    "I won't be needing the projector after today, you can take it back to the office",
    "the retiring caretaker gave away his belongings from the shed to the DT department",
    "our head of year sent a lovely email saying thank you for everything as she leaves",
]


@pytest.mark.parametrize("text", FINAL_GOODBYE)
def test_a_final_goodbye_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", GOODBYE_CALM)
def test_leaving_and_giving_things_away_stay_calm(text: str) -> None:
    assert assess(text).level == "none", [m.reason for m in assess(text).matches]


# -- 3. a stranger trying to take a child, now: 999 -----------------------------------------

SNATCH_NOW = [
    "a woman at the park gates just tried to grab a child from our nursery group",
    "a man outside the chip shop tried to snatch one of our year 4s as they walked past",
]

SNATCH_CALM = [
    "a toddler tried to grab a biscuit from the snack table at nursery",
    "in PE the year 4s tried to grab the tag belts off each other, great fun",
]


@pytest.mark.parametrize("text", SNATCH_NOW)
def test_someone_trying_to_take_a_child_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", SNATCH_CALM)
def test_grabbing_things_in_play_stays_calm(text: str) -> None:
    assert assess(text).level == "none", [m.reason for m in assess(text).matches]


# -- 4. an attacker praised as a hero to follow, more of the same called for: police --------

ENCOURAGEMENT = [
    "on his channel he says the Christchurch shooter was a hero and more of the same is needed",
    "he told his followers the 7/7 bombers were heroes and they should follow them",
]

ENCOURAGEMENT_CALM = [
    "in history we discussed why some people called the bombers heroes, and why that is wrong",
    "the paramedics at the Manchester Arena bombing were heroes, we wrote them thank-you cards",
]


@pytest.mark.parametrize("text", ENCOURAGEMENT)
def test_praising_an_attacker_as_a_model_is_police(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "police", [m.reason for m in found.matches]


@pytest.mark.parametrize("text", ENCOURAGEMENT_CALM)
def test_a_lesson_or_real_heroes_stay_calm(text: str) -> None:
    assert assess(text).level == "none", [m.reason for m in assess(text).matches]


# -- 5. making an incendiary: evidence a described concern does not cover -----------------


def test_making_an_incendiary_is_dual_use_evidence() -> None:
    features = get_detector().features("my learner is making napalm in his shed for a neo-Nazi channel")
    assert "dual-use material" in features, features


def test_a_concern_with_an_incendiary_being_made_keeps_the_police() -> None:
    text = "my learner is making napalm in his shed and posting videos for a neo-Nazi channel"
    assert assess(text).level == "police", [m.reason for m in assess(text).matches]


def test_a_car_silencer_at_a_garage_stays_calm() -> None:
    text = "his dad fits silencers to exhausts at the garage where he does work experience"
    assert assess(text).level == "none", [m.reason for m in assess(text).matches]


# -- 6. "internet history" is a record found, not a history lesson --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "his internet history shows he has looked up how to make a pipe bomb",
        "her browser history is full of pages about poisons",
    ],
)
def test_a_device_history_is_no_lesson(text: str) -> None:
    assert "lesson or story" not in get_detector().features(text)


def test_a_history_lesson_is_still_a_lesson() -> None:
    features = get_detector().features("in history we looked at the gunpowder plot")
    assert "lesson or story" in features, features


# -- 7. a device's filling, a target and a close time, without the word "bomb": 999 ---------


def test_match_heads_ground_up_with_a_target_and_a_close_time_is_999() -> None:
    text = (
        "my nephew has been scraping match heads into a jar and packed it into a pipe, "
        "he keeps talking about the church fete tomorrow"
    )
    found = assess_rules(text)
    assert found.level == "emergency", [m.reason for m in found.matches]


@pytest.mark.parametrize(
    "text",
    [
        "we did a science demo on why match heads catch fire",
        "year 5 were grinding up matches for the volcano experiment in science today",
    ],
)
def test_match_heads_in_a_lesson_stay_calm(text: str) -> None:
    assert assess(text).level == "none", [m.reason for m in assess(text).matches]


# Praise alone is a view for the DSL (SET 2.3: "a hero" is what the person thinks); a call
# to follow or repeat the attack is police (tests/triage/own_cases.yml own-hedged-planning).
@pytest.mark.parametrize(
    "text",
    [
        "my year 12 keeps telling people the Bataclan gunmen were heroes",
        "she posted that the London Bridge attacker was a hero",
    ],
)
def test_praise_of_an_attacker_alone_is_not_police(text: str) -> None:
    assert assess(text).level == "none"


def test_praise_with_a_call_to_follow_is_police() -> None:
    assert assess("he says the Christchurch shooter was a hero and others should follow him").level == "police"
