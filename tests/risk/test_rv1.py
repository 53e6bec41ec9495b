"""Review rv1: the r15/r16 guards must not switch off a real danger.

Every sentence here was written for this file or taken from the cold review of r15/r16
(/work/notes/review.md, findings S1-1, S1-2, S1-3, S2-3); none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

# -- S1-1: a drawing covers the weapon drawn, never a weapon held, hidden or real ---------

REAL_WEAPON_BESIDE_A_DRAWING_SAME_SENTENCE = [
    # the review's examples
    "He's sketched a bomb and says the one in his bag is real",
    "He's been doodling in class and has a knife in his blazer pocket",
    "He has sketches of the school layout and a machete in his locker",
    "She's sketching and he's hiding behind the sports hall with a machete",
    # our own
    "she's been drawing pictures all lesson and she's got a knife in her pocket",
    "he did a poster of a soldier for his project and he's carrying a blade in his rucksack",
    "there are drawings of guns in his planner and a real pistol in his bag",
    "he doodled a grenade but the one hidden in his locker is real",
]


@pytest.mark.parametrize("text", REAL_WEAPON_BESIDE_A_DRAWING_SAME_SENTENCE)
def test_a_real_weapon_beside_a_drawing_in_one_sentence_is_999(text: str) -> None:
    result = assess(text)
    assert result.level == "emergency", result.as_dict()


STILL_ONLY_A_DRAWING = [
    "he sketched a rifle and a grenade in the back of his history book",
    "she keeps doodling knives and skulls on her pencil case",
    "there's a poster of a soldier holding a gun above his bed",
]


@pytest.mark.parametrize("text", STILL_ONLY_A_DRAWING)
def test_a_weapon_that_is_only_drawn_is_no_weapon_at_hand(text: str) -> None:
    assert assess_rules(text).level == "none", assess_rules(text).as_dict()
    assert assess(text).level != "emergency"


# -- S1-2: a threat, a target or a second weapon beside a picture overrules it ------------

THREAT_BESIDE_A_PICTURE = [
    "There's a poster of a gun on his wall and he's just told me he'll use his dad's shotgun on the class",
    "he drew a sword in art and told his form he's going to stab Mr Patel with the knife in his bag",
    "there are sketches of rifles in his book and he says he'll shoot his form tutor with his uncle's rifle",
]


@pytest.mark.parametrize("text", THREAT_BESIDE_A_PICTURE)
def test_a_threat_beside_a_picture_is_999(text: str) -> None:
    result = assess(text)
    assert result.level == "emergency", result.as_dict()


# -- S1-3: a same-day threat told at a routine time is still a threat today ---------------

SAME_DAY_THREAT_TOLD_AT_A_ROUTINE_TIME = [
    # the review's examples
    "At registration he told me his dad is going to batter his mum today",
    "At break a girl told me her uncle is coming to take her today and she doesn't want to go",
    "Earlier a lad told me he's going to do it today",
    "This afternoon a man waited outside the gates and approached a year 7 girl",
    # our own
    "At lunch a boy told me his brother will hurt him this afternoon after school",
    "After PE she said her stepdad is going to make her disappear later today",
    "This morning a lad told me his cousins are going to jump him today",
]


@pytest.mark.parametrize("text", SAME_DAY_THREAT_TOLD_AT_A_ROUTINE_TIME)
def test_a_same_day_threat_told_at_a_routine_time_is_not_downgraded(text: str) -> None:
    result = assess(text)
    assert result.level == "emergency", result.as_dict()


def test_future_compares_phrases_not_letters() -> None:
    from bot.risk.combined import _future

    # only the same phrase is the same time: "later today" is not "today" (review S3-1)
    assert _future(["later today"], routine=["today"])
    assert _future(["at 3pm"], routine=["after school"])
    assert not _future(["at lunch"], routine=["at lunch"])


def test_pastoral_times_are_read_by_span() -> None:
    from bot.risk.detector import get_detector

    detector = get_detector()
    times, threat = detector.pastoral_times("at lunch a girl said she misses her nan")
    assert "at lunch" not in times and not threat
    times, _ = detector.pastoral_times("at lunch he told me they'll get him at lunch tomorrow")
    assert times  # the second "at lunch" is what was said, not when it was heard
    _, threat = detector.pastoral_times("at break a lad told me his dad is going to batter his mum")
    assert threat


def test_a_same_day_time_told_without_a_threat_word_is_not_pastoral() -> None:
    result = assess("At break a year 9 told me her stepdad's battering her mum today")
    assert result.level == "emergency" or result.doubts, result.as_dict()


def test_actions_are_not_telling_words() -> None:
    from bot.risk.detector import load_lexicon

    talk = set(load_lexicon()["pastoral_talk"])
    assert not talk & {"waited", "approached", "came", "found", "hung", "stayed"}


# -- S2-3: a club word never silences research on getting weapons -------------------------

ACQUISITION_BESIDE_A_CLUB_WORD = [
    # the review's example
    "He's been reading guides on how to get hold of a gun without a licence",
    # our own
    "he's looking at guides for buying a gun on the dark web",
    "he's been going camping and searching how to buy a pistol without papers",
    "he watches videos of cubs of the caliphate and asks where to buy a rifle",
]


@pytest.mark.parametrize("text", ACQUISITION_BESIDE_A_CLUB_WORD)
def test_a_broad_activity_word_never_blocks_weapons_acquisition(text: str) -> None:
    result = assess(text)
    assert result.level in {"police", "emergency"}, result.as_dict()


def test_bare_everyday_words_are_no_benign_activity() -> None:
    from bot.risk.detector import load_lexicon

    benign = set(load_lexicon()["frames"]["benign_activity"])
    assert not benign & {"guides", "cubs", "camping", "hiking", "expedition"}
