"""A leading "no" never erases what the same answer describes (bot/triage/extract.py, S6).

Own sentences (none from eval/): the practitioner answers the capability or intent question
with "no" and then describes a weapon, know-how or a stated intent in the same reply.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts

DESCRIBED_AFTER_NO = [
    ("capability", "No, but he has been looking up how to make a pipe bomb"),
    ("capability", "no - he's got his dad's air rifle though"),
    ("capability", "no he's got his dad's air rifle"),
    ("capability", "Nope, he keeps a hunting knife under his bed"),
    ("intent", "No. He did say he wants to kill the teacher"),
    ("intent", "no, but she told her friends she would stab him after school"),
]


@pytest.mark.parametrize("asked, reply", DESCRIBED_AFTER_NO)
def test_a_leading_no_never_erases_what_the_answer_describes(asked: str, reply: str) -> None:
    facts = answer_facts(asked, reply)
    assert facts.get(asked) in ("yes", "unsure"), facts


@pytest.mark.parametrize(
    "reply",
    ["no - he's got his dad's air rifle though", "no he's got his dad's air rifle"],
)
def test_a_described_firearm_is_a_capability(reply: str) -> None:
    assert answer_facts("capability", reply).get("capability") == "yes"


@pytest.mark.parametrize(
    "asked, reply",
    [
        ("capability", "No, nothing like that"),
        ("capability", "no weapons that I know of"),
        ("capability", "No, he has never had access to anything like that"),
        ("intent", "No, he hasn't said anything like that"),
    ],
)
def test_a_plain_no_is_still_a_no(asked: str, reply: str) -> None:
    """The boundary: a no that describes nothing stays a no."""
    assert answer_facts(asked, reply).get(asked) == "no"
