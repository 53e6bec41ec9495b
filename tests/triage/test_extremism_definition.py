"""What counts as a view of concern follows the SET definitions (SET 1.2, from the Prevent
Strategy 2011): "vocal or active opposition to fundamental British values including
democracy, the rule of law, individual liberty and mutual respect and tolerance of different
faiths and beliefs", and calls for the death of members of the armed forces. Wanting the
violent overthrow of the state is such opposition. Lawful, peaceful protest or a mainstream
political or religious view on its own is not ("the right to free speech and protest are
cornerstones of British democracy", Thurrock pack).

Own sentences (none from eval/).
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts
from tests.triage._play import play

OPPOSES_DEMOCRACY_OR_LAW = [
    "He keeps telling his class that democracy is a sin and voting should be banned",
    "She says elections are haram and believers must reject democracy",
    "He told me British law doesn't apply to him, only God's law counts",
    "A learner says the courts and police have no authority over real patriots",
    "He talks about a violent uprising to bring down the government",
    "She wants the state overthrown by force",
    "He posted that British soldiers deserve to die",
    "She has been calling for the death of members of the armed forces online",
]


@pytest.mark.parametrize("text", OPPOSES_DEMOCRACY_OR_LAW)
def test_opposing_democracy_or_the_rule_of_law_is_a_view_of_concern(text: str) -> None:
    assert mentioned_facts(text).get("ideology") == "yes"


@pytest.mark.parametrize("reply", OPPOSES_DEMOCRACY_OR_LAW[:4])
def test_the_same_words_answer_the_extremism_question_yes(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") == "yes"


LAWFUL_OPENINGS = [
    "Some of my year 12s want to join a peaceful march about school funding this weekend. Should I report it to Prevent?",
    "A student is collecting signatures for a petition to her MP about animal testing. Is this a Prevent matter?",
    "A pupil is organising a lawful vigil for refugees outside the town hall. Do I need to refer her?",
    "One of my sixth formers has joined the Green Party and canvasses at weekends. Is that something for Prevent?",
]


@pytest.mark.parametrize("opening", LAWFUL_OPENINGS)
def test_lawful_peaceful_protest_alone_is_no_concern(opening: str) -> None:
    conv, asked = play(
        opening,
        {"immediate_risk": "no", "age_group": "17", "other_safeguarding": "no, nothing else"},
        default="not sure",
    )
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "no_concern", (opening, conv.facts, asked)


@pytest.mark.parametrize(
    "text",
    [
        "He went on a peaceful march but now says democracy is a sin and wants it abolished",
        "She joined a protest and has since been sharing neo-nazi memes",
    ],
)
def test_protest_with_a_view_of_concern_is_still_a_concern(text: str) -> None:
    assert mentioned_facts(text).get("ideology") == "yes"
