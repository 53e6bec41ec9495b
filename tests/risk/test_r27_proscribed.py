"""A proscribed organisation named with a display or money (issue 12, r27, class 1).

A flag, stickers, posters or a logo of a group on the Home Office list put up, waved,
worn, sold or made, money for it, or a stated admiration for it, is terrorism-related
information for the police (Terrorism Act 2000 s.12-13, s.15; SET 2.1). A flag or symbol
only SEEN, with a denial or no link ("as his phone background, says it means nothing"),
stays with the DSL (SET 2.2), and teaching or asking about a group is not a link. The list
of groups is dated data (guidance/risk/proscribed_organisations.yml). Sentences written for
this class, not taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess

POLICE = [
    "a year 11 has been waving a Sonnenkrieg Division flag outside the school gates",
    "she put an Atomwaffen Division flag up in the common room window",
    "he's got a National Action banner hanging up in his room at his dad's and says he's proud of it",
    "lad's been sticking up stickers for The Base around the bus station",
    "a sixth former printed posters with the Feuerkrieg Division logo and put them up in the toilets",
    "apprentice has been selling Hezbollah badges and says the cash goes to them",
    "on the referral: expresses admiration for Atomwaffen, owns knives",
    "Form: history of violence at his last school; expresses admiration for National Action.",
    "boy wore an ISIS flag as a cape on the field and told people it stands for him",
    "student is raising money for the base at college and sending it on to the group",
    "he designed a Terrorgram logo sticker and is handing them round the year group",
]

CALM = [
    "in history we looked at why National Action was banned in 2016",
    "a pupil asked me what the Feuerkrieg Division is after seeing it on the news",
    "what makes an organisation like The Base get proscribed?",
    "the army base near us is running a careers fair with flags and stickers",
    "our climbing club meets at the base on tuesdays, can we put posters up?",
    "he has a national flag sticker on his laptop from the world cup",
    "can you explain the difference between the ISIS flag and the shahada flag for a staff briefing?",
    "we're making posters for the anti-extremism assembly about groups like Sonnenkrieg Division",
]


@pytest.mark.parametrize("text", POLICE)
def test_a_proscribed_group_displayed_or_funded_goes_to_the_police(text: str) -> None:
    assert assess(text).level == "police", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", CALM)
def test_a_group_taught_asked_about_or_a_base_is_calm(text: str) -> None:
    assert assess(text).level == "none", (text, assess(text).as_dict())
