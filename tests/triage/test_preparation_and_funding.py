"""Preparing an attack or funding terrorism goes to the police in the triage itself, not only
through the risk check (SET 2.4: "any worker who believes a crime is being ... planned, or is
aware of any terrorist activity, should contact Essex Police without delay"; Thurrock pack;
SET 1.3). Two classes the triage missed: acquiring explosive precursors with explosives in
view, and passing money on to fighters or a proscribed group in plain words.

Own sentences (none from eval/); guard rails keep a chemistry lesson or a charity collection
off the police route.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import mentioned_facts

PREPARATION_OR_FUNDING = [
    "She has been ordering large bottles of acetone and hydrogen peroxide online and looking up TATP",
    "He's been trying to get hold of ammonium nitrate and asked a friend how to make a detonator",
    "He keeps buying potassium chlorate and says he wants to build explosives in his shed",
    "He's been sending cash every month to fighters in Syria through a friend",
    "She collects donations at the youth club and passes them on to the mujahideen",
    "He wired the money he raised to ISIS fighters",
]


@pytest.mark.parametrize("text", PREPARATION_OR_FUNDING)
def test_preparation_or_funding_is_terrorism(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "He asked for acetone in the chemistry lesson to clean the glassware",
        "She is collecting money for the Red Cross appeal and sending it on to the charity",
        "He sends money home to his grandparents every month",
    ],
)
def test_chemicals_or_money_without_explosives_or_fighters_are_not_terrorism(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") is None
