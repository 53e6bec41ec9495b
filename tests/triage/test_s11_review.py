"""Cold review, session 11: interest in extremist material is a sign, not a reaction.

SET 2.3 lists extremist material, and interest in it, among the signs; SET 2.5: talk to the
lead. A reply such as "she seemed really interested" to the extremism question is not the
shock, upset or fear of a reaction, and material staff described ("videos by a hate
preacher", "an ISIS recruitment video", "bomb-making videos") is never erased (issue 13): the
triage does not end with no referral needed.
"""

from __future__ import annotations

import pytest

from bot.triage import mentioned_facts
from bot.triage.conversation import read_reply
from tests.triage._play import play

MATERIAL = [
    "a year 9 girl in my class has been watching videos by a hate preacher",
    "I saw a year 8 boy's screen showing an ISIS recruitment video",
    "a year 10 boy has been watching bomb-making videos at break",
    "one of my year 11s keeps listening to sermons from an extremist cleric",
]
INTEREST = [
    "she seemed really interested",
    "she seemed quite interested and a bit shocked",
    "he seemed fascinated",
    "he was curious",
    "she was inquisitive",
]


@pytest.mark.parametrize("opening", MATERIAL)
def test_material_staff_described_is_read_as_material_seen(opening: str) -> None:
    facts = mentioned_facts(opening)
    assert facts.get("ideology") == "yes", facts


@pytest.mark.parametrize(
    "opening",
    [
        "a year 9 girl in my class has been watching videos by a football pundit",
        "a year 10 boy has been watching baking videos at break",
        "a year 8 boy's screen was showing a recruitment video for the army cadets",
    ],
)
def test_ordinary_videos_are_not_material(opening: str) -> None:
    assert mentioned_facts(opening).get("ideology") != "yes"


@pytest.mark.parametrize("reply", INTEREST)
def test_interest_is_not_a_mere_reaction(reply: str) -> None:
    assert read_reply("ideology", reply).values.get("ideology") != "no"


@pytest.mark.parametrize(
    "reply", ["she was upset and confused", "he seemed shocked", "she was scared and upset"]
)
def test_a_reaction_is_still_a_reaction(reply: str) -> None:
    assert read_reply("ideology", reply).values["ideology"] == "no"


@pytest.mark.parametrize("opening", MATERIAL)
@pytest.mark.parametrize("reply", INTEREST[:2] + ["she seemed upset and scared"])
def test_material_and_any_reply_never_ends_with_no_concern(opening: str, reply: str) -> None:
    conv, asked = play(opening, {"ideology": reply}, default="no")
    outcome = conv.outcome()
    assert outcome is not None, asked
    assert outcome.outcome in ("consult_dsl", "refer"), (outcome.outcome, asked)
