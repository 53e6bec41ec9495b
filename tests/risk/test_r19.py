"""Issue 12, r19: a Prevent concern's symbols, songs and slogans are the DSL's, not the police's.

Every sentence here was written for this file (none comes from an evaluation set). Each
class below failed on the code before its fix; the "still" lists keep the same words where
they are real evidence and must keep their alarm.

Policy (SET PREVENT Policy and Guidance, section 2.3, "Example indicators that an individual
is engaged with an extremist group, cause or ideology"): "Possession of material or symbols
associated with an extremist cause" and "Communications with others that suggest
identification with a group/cause/ideology" are signs of ENGAGEMENT, for the DSL and a
referral (SET 2.5). r17 read a group's media that way (tests/risk/test_r17.py); the same
section names symbols, so a flag, badge, patch, tattoo or logo worn, drawn or shown, and a
song or slogan played or shared, with no act, go the same route. Membership, contact,
recruiting or promoting, funding, instructions and plans (SET 2.1) stay police.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

# -- 1. a group's symbol or song worn, shown or shared, with no act: engagement (SET 2.3) --

SYMBOL_ENGAGEMENT = [
    "A year 9 lad has drawn the IS flag on the cover of his planner and says it's just a cool design.",
    "Her lock screen is an ISIS flag and she shrugged when I asked her about it.",
    "An apprentice has a National Action logo tattooed on his forearm.",
    "He has an Atomwaffen badge on his coat and says he thinks it looks cool.",
    "The songs he keeps playing on the minibus are IS nasheeds.",
    "The videos are IS propaganda and she has sent several to her friends.",
    "she says it's only a picture, but it's the IS flag and it has been on her phone for months",
]


@pytest.mark.parametrize("text", SYMBOL_ENGAGEMENT)
def test_a_groups_symbol_or_song_with_no_act_is_for_the_dsl(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level == "none", [m.reason for m in rules.matches]
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


SYMBOL_WITH_ACT = [
    "He's been handing out IS flags at the mosque gates and telling the year 7s to join.",
    "He wears a Sonnenrad badge and goes to meetings with National Action members every week.",
    "he says he's IS now and shows everyone the flag",
    "she has been selling National Action badges to raise money for the group",
    "he told me he is a member of National Action and wears their patch",
]


@pytest.mark.parametrize("text", SYMBOL_WITH_ACT)
def test_still_police_with_membership_promotion_or_funding(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), text


SYMBOL_WITH_MEMBERSHIP_OR_CHANNEL = [
    "a year 10 says he's in National Action now and wears their badge on his blazer",
    "her wallpaper is the Islamic State flag and she has been sending her friends a channel where they post attack footage",
]


@pytest.mark.parametrize("text", SYMBOL_WITH_MEMBERSHIP_OR_CHANNEL)
def test_a_symbol_beside_membership_or_the_groups_channel_stays_police(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), text


# -- 2. a religious practice taken up is never a 999 or police matter on its own -----------
# Faith alone is not a sign (SET 2.3 lists views, behaviour and links, not practice).

PRACTICE = [
    "One of my year 9 girls has begun wearing a headscarf and fasts during Ramadan. She prays at break.",
    "A student has become much more religious, prays at lunch in the quiet room and has stopped going to the disco.",
]


@pytest.mark.parametrize("text", PRACTICE)
def test_a_religious_practice_with_a_person_and_a_time_of_day_is_no_alarm(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


PRACTICE_WITH_DANGER = [
    "She has started wearing a hijab and told me she will hurt herself tonight.",
    "He prays at lunch and has a knife in his bag now.",
    "he has started going to the mosque and says he is a member of National Action",
]


@pytest.mark.parametrize("text", PRACTICE_WITH_DANGER)
def test_a_religious_practice_does_not_hide_danger(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), text


# -- 3. an us-and-them view and being kept apart from others: a concern, not a 999 ---------
# SET 2.3 (ideology: us and them); the people named are the subject of a view, not a target.

US_AND_THEM = [
    "Her uncle told her that the infidels are the enemy and she must keep away from the other children.",
    "A lad in year 8 keeps saying the kafirs are our enemies and he has been told to stay away from other boys.",
]


@pytest.mark.parametrize("text", US_AND_THEM)
def test_an_us_and_them_view_is_a_concern_not_an_emergency(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


US_AND_THEM_WITH_DANGER = [
    "He said the infidels are the enemy and he will stab them at the carol concert tonight.",
    "keep away from the town centre tomorrow, something is going to happen",
    "she was told to stay away from other girls and now she's been taken by a man in a van",
]


@pytest.mark.parametrize("text", US_AND_THEM_WITH_DANGER)
def test_a_view_or_a_separation_does_not_hide_a_threat(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), text


# -- 4. the game named in the next sentence explains the talk just before it ---------------

GAME_NAMED_AFTER = [
    "A group of year 6s keep talking about 'killing people' and 'headshots'. I think it's Minecraft or Roblox.",
    "Some lads in my form keep going on about 'shooting everyone on sight'. Pretty sure it's Warzone.",
]


@pytest.mark.parametrize("text", GAME_NAMED_AFTER)
def test_a_game_named_in_the_next_sentence_explains_the_talk(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


GAME_DENIED_OR_ELSEWHERE = [
    "He said he'll blow people up at the match tomorrow. It's not Fortnite, he means it.",
    "He keeps saying he will kill the people in his form. It's every day now and he has a knife.",
]


@pytest.mark.parametrize("text", GAME_DENIED_OR_ELSEWHERE)
def test_a_game_denied_or_a_danger_word_after_keeps_the_alarm(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), text
