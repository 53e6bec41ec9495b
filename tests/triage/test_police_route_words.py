"""The police route reached by the triage itself, from the practitioner's own words.

SET 1.3: someone who may already be engaged in illegal terrorist-related activity must be
referred to the police; SET 2.4: "any worker who believes a crime is being committed, or
planned, or is aware of any terrorist activity, should contact Essex Police without delay"
(the Thurrock pack puts this route ahead of local ones). The immediate-risk check usually
gets there first; these tests play the triage alone (as `--no-risk` does), so that the
conversation does not turn planning into a DSL consultation when that check stays quiet.

Classes, with wordings written for these tests:
1. money passed to a proscribed group or its fighters, said in plain words;
2. a person from a named proscribed group in contact with them (tasks, chats);
3. a written plan to attack, target research (layout, busiest times of a place);
4. possession or sharing of bomb-making instructions;
5. travel to join a group abroad told as a journey ("fly to Turkey and cross into Syria");
6. a reply to the planning question that says the plan has no date yet: a plan without a
   date is still a plan ("planning it, no date yet", "says he'll do it eventually").
Guard rails (no police): study, a lesson, a documentary, a charity collection, a holiday,
"nothing definite", "no plans".
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts
from tests.triage._play import play


@pytest.mark.parametrize(
    "text",
    [
        # 1. money
        "Her texts show the cash she raises at the bake sale ends up with Boko Haram fighters.",
        "He told a friend the donations he's been collecting are really for Hamas.",
        # 2. contact with a named proscribed group
        "She's been messaging a man from Atomwaffen who wants her to film the substation.",
        "A recruiter from National Action has been chatting with him on Discord every night.",
        "He's in a private chat with a man from The Base who wants pictures of the rail depot.",
        # 3. plan or target research
        "He has written down a plan to shoot worshippers at the gurdwara once he's ready.",
        "She keeps searching for the layout of the church and the times it's most crowded.",
        # 4. bomb-making instructions
        "He's got a bomb-making manual saved on his tablet and showed it at lunch.",
        "She has been sending round instructions for making a nail bomb in a group chat.",
        # 5. travel to join a group abroad
        "He has booked a flight to Istanbul for Friday and plans to cross into Syria to join a group.",
    ],
)
def test_the_persons_own_terrorist_activity_is_read_in_plain_words(text):
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "She organised a cake sale and the money is going to the children's hospice.",
        "He wrote an essay on how National Action recruited teenagers online.",
        "The class watched a documentary about a man who built a bomb in the 1990s.",
        "He's flying to Turkey with his family for a holiday at half term.",
        "She looked at the layout of the cathedral for her art project on gothic buildings.",
        "There's no sign he's been in contact with anyone from a banned group.",
        "She chatted to some people from the base at the RAF open day about apprenticeships.",
    ],
)
def test_study_a_charity_a_holiday_or_a_denial_is_not_terrorism(text):
    assert mentioned_facts(text).get("terrorism") is None


@pytest.mark.parametrize(
    "reply",
    [
        "he's planning it, there's just no date yet",
        "yes, she's preparing for it but I don't know when",
        "he says he'll do the community centre eventually",
        "she's been taking notes on the building, no date that I know of",
    ],
)
def test_a_plan_without_a_date_is_still_a_plan(reply):
    assert answer_facts("terrorism", reply).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "He did say he might move abroad some day, but nothing definite",
        "no plans that I know of",
        "not that I'm aware of, he just talks a lot",
    ],
)
def test_a_vague_idea_or_a_no_is_not_a_plan(reply):
    assert answer_facts("terrorism", reply).get("terrorism") != "yes"


def test_the_conversation_reaches_the_police_route_without_the_risk_check():
    conv, _ = play(
        "One of our year 11s is raising money at school and his messages say it goes to "
        "the fighters of al-Shabaab.",
        {"immediate_risk": "no", "age_group": "15"},
    )
    assert conv.outcome().outcome == "police"
    conv, _ = play(
        "A 17 year old has been watching far-right videos and making threats about a mosque.",
        {
            "immediate_risk": "no",
            "terrorism": "he's planning it, there's just no date yet",
            "ideology": "yes",
        },
        default="yes",
    )
    assert conv.outcome().outcome == "police"
