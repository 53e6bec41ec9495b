"""r12pol: police recall. A model's police verdict is kept when the rules can read evidence.

The guard `police_no_evidence` drops the model's police verdict when the rules find no
means, act, plan, travel or group in the message. Its evidence vocabulary missed whole
classes of terrorism-related information (SET 2.5: not imminent, to the police without
delay): abbreviations and nicknames of proscribed organisations, a group described rather
than named, travel to fight, research on a target, precursors and parts, money for a
group, bomb-making instructions passed on.

Every sentence here is written for this file (none is taken or paraphrased from eval/).
A fixed model isolates the guards from the real model's mood; the calm side uses the real
check (rules, model and guards), because that is what a teacher gets. Each test pairs a
class that must count with the context in which it must not, so each fails on the code
before this round (the first half) and guards a naive fix (the second half).
"""

from __future__ import annotations

import pytest

from bot.risk import combined
from bot.risk.detector import get_detector, load_lexicon, load_proscribed
from bot.risk.model import ModelVerdict


class _Fixed:
    """The real model's interface, always giving the verdict it was built with."""

    def __init__(self, verdict: ModelVerdict) -> None:
        self._verdict = verdict

    def verdict(self, text: str) -> ModelVerdict:
        return self._verdict


POLICE = ModelVerdict("police", 0.9, ("he", "wants"), 0.0, ())


@pytest.fixture()
def police_model(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(combined, "get_model", lambda: _Fixed(POLICE))
    combined.assess.cache_clear()
    yield
    combined.assess.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    combined.assess.cache_clear()
    yield
    combined.assess.cache_clear()


#: (class, a message whose model police verdict the rules must back with evidence)
KEPT = [
    ("abbreviation NA in context", "her older brother has joined NA and wants her to come along"),
    ("abbreviation IS in context", "he told the class he would pledge allegiance to IS if he could"),
    ("abbreviation AWD in context", "he has been talking online with AWD recruiters most nights"),
    ("abbreviation SKD in context", "he says he is now a member of SKD and shows off their badge"),
    ("nickname dawla", "he keeps saying the dawla will rise again and sends round its nasheeds"),
    ("a jihadist group", "he told a friend he has found a jihadist group online he wants to be part of"),
    ("a dissident republican group", "her uncle is in a dissident republican group and she carries notes for them"),
    ("an extremist militia", "he says he belongs to an extremist militia that trains in the forest"),
    ("travel to fight: join the brothers", "he wants to join the brothers in Syria and asks about routes through Turkey"),
    ("travel to fight: hijrah", "she keeps talking about making hijrah as soon as she is sixteen"),
    ("travel to fight: over there", "he says he will go over there to fight once he has saved up"),
    ("target research: an address", "he has been looking up a local councillor's home address and sharing it"),
    ("target research: entrances", "he has photos of the entrances of the army recruitment office on his phone"),
    ("target research: movements", "she has been writing down the movements of a teacher every day"),
    ("target research: guard changes", "he has been timing when the guards change over at the barracks gate"),
    ("precursor: oxidiser", "he has been buying an oxidiser online and keeps it in his wardrobe"),
    ("precursor: timers", "he has been ordering timers and wiring from different websites"),
    ("money for a group", "he is raising money for the fighters over there through an online page"),
    ("instructions shared", "he has been sending step-by-step instructions to younger boys on Telegram"),
    ("instructions shared: a recipe", "he keeps posting a recipe for explosives in the group chat"),
]


@pytest.mark.parametrize(("kind", "text"), KEPT, ids=[k for k, _ in KEPT])
def test_a_model_police_verdict_with_evidence_of_the_class_is_kept(police_model, kind, text) -> None:
    assessment = combined.assess(text)
    assert assessment.level == "police", kind
    # the reason names the evidence the rules read, never a bare probability
    assert "no time, target or means the rules know" not in assessment.reasons[0]


#: (class, a message of the class, the same letters or words where they are no evidence):
#: with the model insisting on police, the first is kept and the second stays calm (the
#: rules read no police evidence in it, or a calm frame covers it).
BOTH_DIRECTIONS = [
    (
        "IS in context / IS the verb, in capitals",
        # r17: "posts IS propaganda videos" alone is now engagement (SET 2.3, the DSL's:
        # tests/risk/test_r17.py); recruiting with them is still a link with the group
        "his older cousin posts IS recruiting videos every night",
        "WHAT IS going on with him, he IS always late to join the class",
    ),
    (
        "IS in context / Is at the start of a question",
        # r19: showing a group's flag alone is a symbol shown, engagement (SET 2.3, the
        # DSL's: tests/risk/test_r19.py); telling friends to join is promoting the group
        "he showed his friends an IS flag and told them all to join",
        "Is he allowed to join the after-school club if he is late",
    ),
    (
        "IS in context / IS the department",
        "he keeps watching videos of IS fighters on his phone",
        "the IS department says the new laptops will join the network on Monday",
    ),
    (
        "NA in context / NA on a form",
        "he says he is a member of NA and has been to one of their camps",
        "Previous Prevent referrals: NA. Other agencies involved: NA. Siblings: N/A",
    ),
    (
        "NA in context / N/A and NA on a form",
        "her brother keeps handing out NA stickers around the estate",
        "Year group: 10. Other agencies: N/A. Joined: NA. Previous referral: NA",
    ),
    (
        "NA in context / NA the fellowship",
        "her older brother has joined NA and wants her to come along",
        "his dad joined NA last year and goes to meetings to stay clean",
    ),
    (
        "AWD in context / AWD on a car",
        "he has been talking online with AWD recruiters most nights",
        "his brother wants to join a car club for AWD hatchbacks",
    ),
    (
        "a terrorist group described / a group of friends",
        "he says he belongs to an extremist militia that trains in the forest",
        "he keeps trying to get people to join the chess group",
    ),
    (
        "a precursor hidden / a precursor in a chemistry lesson",
        "he has been buying an oxidiser online and keeps it in his wardrobe",
        "In our chemistry lesson we tested hydrogen peroxide with yeast",
    ),
    (
        "an address looked up / an address on a form",
        "he has been looking up a local councillor's home address and sharing it",
        "the form asks for the learner's home address and year group",
    ),
]


@pytest.mark.parametrize(
    ("kind", "kept", "calm"), BOTH_DIRECTIONS, ids=[k for k, _, _ in BOTH_DIRECTIONS]
)
def test_the_same_letters_or_words_count_in_context_and_not_out_of_it(
    police_model, kind, kept, calm
) -> None:
    assert combined.assess(kept).level == "police", kind
    assert combined.assess(calm).level == "none", kind


def test_na_counts_only_next_to_a_link_and_never_as_not_applicable() -> None:
    features = get_detector().features
    assert "proscribed organisation" in features("her brother has joined NA this summer")
    assert "proscribed organisation" not in features("Previous referrals: NA")
    assert "proscribed organisation" not in features("Other agencies: N/A")
    assert "proscribed organisation" not in features("na mate, he joined the club")


def test_is_counts_only_next_to_a_link_and_never_as_the_verb() -> None:
    features = get_detector().features
    assert "proscribed organisation" in features("he says he is an IS supporter now")
    assert "proscribed organisation" not in features("he is a supporter of the local team")
    assert "proscribed organisation" not in features("Is he a supporter of anything?")
    assert "proscribed organisation" not in features("HE IS A SUPPORTER OF THE CLUB")


def test_an_abbreviation_that_is_denied_is_no_evidence() -> None:
    features = get_detector().features
    assert "proscribed organisation" in features("he has joined NA")
    assert "proscribed organisation" not in features("he has not joined NA, he says")


def test_an_abbreviation_alone_raises_no_rule() -> None:
    # "joined NA" may be Narcotics Anonymous: an abbreviation is evidence for the model's
    # verdict, never a police match of the rules on its own.
    assert "proscribed organisation" in get_detector().features("her brother has joined NA")
    assert get_detector().assess("her older brother has joined NA").level == "none"
    assert get_detector().assess("he has joined National Action").level == "police"


#: (class, a calm message, a message of the same class the model reads as terrorism-related)
#: on the real check: the calm one stays calm after the wider vocabulary, and the other is
#: no longer dropped by the guard (so each pair fails on the code before this round).
PAIRS = [
    (
        "a history lesson on the IRA / a jihadist group",
        "We did a history lesson on the IRA and the Good Friday Agreement today",
        "he told his friend he has found a jihadist group online that he wants to be part of",
    ),
    (
        "a chemistry question / an oxidiser hidden",
        "In chemistry, why does hydrogen peroxide break down faster with a catalyst?",
        "he has been buying an oxidiser online and keeps it in his wardrobe",
    ),
    (
        "a form answer N/A / IS in context",
        "Previous Prevent referral: N/A",
        "he says IS are right and he wants to join IS when he turns eighteen",
    ),
    (
        "NA the fellowship / the brothers in Syria",
        "his dad joined NA last year and goes to meetings to stay clean",
        "he wants to join the brothers in Syria and has been asking about the route through Turkey",
    ),
    (
        "a lesson on the Hijrah / the entrances of a target",
        "In RE we learned about the Hijrah and the Islamic new year",
        "he has photos of the entrances of the army recruitment office saved on his phone",
    ),
    (
        "a home address on a form / an address looked up",
        "Home address: 14 Mill Lane. Other agencies involved: NA",
        "he has been looking up a local councillor's home address and posting it in a group chat",
    ),
]


@pytest.mark.parametrize(("kind", "calm", "police"), PAIRS, ids=[k for k, _, _ in PAIRS])
def test_the_real_check_keeps_the_calm_one_calm_and_the_other_police(kind, calm, police) -> None:
    assert combined.assess(calm).level == "none", kind
    assert combined.assess(police).level == "police", kind


def test_the_same_calm_history_lesson_keeps_calm_while_a_link_to_the_group_does_not() -> None:
    assert combined.assess("In history we studied the IRA ceasefire of 1994").level == "none"
    assert combined.assess("he says he has been sworn in to the New IRA").level == "police"
    # and the new vocabulary backs the model: a dissident group described, not named
    assert "group" in get_detector().features("he is in a dissident republican group")


def test_the_abbreviations_live_in_the_dated_list_and_their_context_in_the_lexicon() -> None:
    proscribed = load_proscribed()
    assert proscribed["read_on"] and proscribed["source"].startswith("https://www.gov.uk/")
    assert {"NA", "IS", "AWD", "SKD"} <= set(proscribed["in_context"])
    assert "dawla" in proscribed["names"]
    section = load_lexicon()["abbreviations_in_context"]
    assert section["context"] and section["not_with"]
