"""A person who is the VICTIM of a harm (sextortion, mate crime, racist or religious abuse aimed
at them, grooming, exploitation), with no ideology of their own, is a safeguarding matter:
the safeguarding route, never "no concern" (SET 2.5: other safeguarding concerns follow the
organisation's safeguarding procedures; the Middlesbrough update lists mate crime and other
harms beside radicalisation).

Own sentences (none from eval/). The boundary: the same words with the person doing the harm
("he was shouting racist abuse at a classmate") do not make them a victim.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import mentioned_facts
from tests.triage._play import play

VICTIM_OPENINGS = [
    # sextortion / online blackmail
    "A year 9 girl is being blackmailed by someone online who says he'll share her photos unless she pays. Is this Prevent?",
    "One of my sixth formers sent an intimate image to a stranger and now they're threatening to post it. Do I refer to Prevent?",
    # mate crime / financial abuse in plain words
    "A young man with autism in our college says his 'friends' make him pay for everything and take his phone. Should I refer?",
    "A vulnerable adult learner's so-called mate keeps making him hand over his wages. Is it a Prevent thing?",
    # racist or religious abuse aimed at the pupil
    "A Sikh boy in year 7 keeps getting called a terrorist by older pupils on the bus. Is this for Prevent?",
    "A Jewish student has been targeted with antisemitic abuse by classmates online every night. What should I do, is it Prevent?",
    "A black pupil is being racially abused by a group of lads at the park. Should I make a Prevent referral?",
    # grooming
    "A 13 year old girl has an adult 'boyfriend' she met on Snapchat who sends her gifts and asks her to keep it secret. Prevent?",
]


@pytest.mark.parametrize("opening", VICTIM_OPENINGS)
def test_a_victim_of_harm_is_another_safeguarding_worry(opening: str) -> None:
    assert mentioned_facts(opening).get("other_safeguarding") == "yes"


@pytest.mark.parametrize("opening", VICTIM_OPENINGS)
def test_a_victim_with_no_ideology_goes_the_safeguarding_route(opening: str) -> None:
    conv, _ = play(
        opening,
        {
            "immediate_risk": "no",
            "age_group": "15",
            "ideology": "no, nothing political or religious about them at all",
            "other_safeguarding": "not sure",
        },
        default="not sure",
    )
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "safeguarding", (opening, conv.facts)


@pytest.mark.parametrize(
    "text",
    [
        "He was shouting racist abuse at a classmate after the match",
        "She keeps calling the Muslim girls in her form terrorists",
    ],
)
def test_doing_the_abuse_is_not_being_its_victim(text: str) -> None:
    assert mentioned_facts(text).get("other_safeguarding") is None


@pytest.mark.parametrize(
    "reply",
    [
        "he's upset but safe, he's here with me",
        "she is safe at home with her mum",
        "they're both safe now",
    ],
)
def test_safe_answers_the_danger_question(reply: str) -> None:
    from bot.triage.extract import answer_facts

    assert answer_facts("immediate_risk", reply).get("immediate_risk") == "no"


def test_not_safe_is_never_read_as_no_danger() -> None:
    from bot.triage.extract import answer_facts

    assert answer_facts("immediate_risk", "he's not safe at home").get("immediate_risk") != "no"
