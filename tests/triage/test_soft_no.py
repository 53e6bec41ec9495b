"""A soft "no" opening ("not really, although ...", "not that I know of, he did say ...")
reads what follows: the words after it are the answer's content, as after a bare "no".

Own sentences (none from eval/): the practitioner hedges first, then describes a sign.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts

SOFT_NO_THEN_SIGN = [
    ("intent", "Not that I know of, he did say he wants to kill his stepdad"),
    ("intent", "not really, but she told a friend she would stab the girl who reported her"),
    ("capability", "Not as far as I know, but he keeps a machete in his wardrobe"),
    ("capability", "not really, although he has been asking how to make a petrol bomb"),
    ("engagement", "Not really, although he now follows a neo-nazi channel every night"),
    ("engagement", "I don't think so, but she has started sharing white supremacist memes"),
    ("intent", "probably not, though he said he would like to hurt the imam"),
    ("capability", "not to my knowledge, he has talked about buying a crossbow online though"),
]


@pytest.mark.parametrize("asked, reply", SOFT_NO_THEN_SIGN)
def test_a_soft_no_reads_what_follows(asked: str, reply: str) -> None:
    facts = answer_facts(asked, reply)
    assert facts.get(asked) in ("yes", "unsure"), facts


@pytest.mark.parametrize(
    "asked, reply",
    [
        ("intent", "Not that I know of, nothing like that"),
        ("capability", "not really, he has never had access to anything like that"),
        ("engagement", "Not really, no"),
        ("intent", "I don't think so, he's never said anything of the kind"),
        ("capability", "not as far as I'm aware, no"),
    ],
)
def test_a_soft_no_that_describes_nothing_stays_no(asked: str, reply: str) -> None:
    assert answer_facts(asked, reply).get(asked) == "no"
