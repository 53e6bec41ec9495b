"""The words an outcome quotes are whole words and clauses the practitioner typed.

Before, a long sentence part was cut to a fixed number of words either side of the matched
phrase, so quotes began or ended mid-phrase: a number torn from its noun ("10 boy has been
sharing", with "Year" left behind), a dangling "and", "with" or "that" at the end, a
preposition or a relative word at the start. A quote now keeps clauses whole where it can
and, when it must cut inside a long clause, cuts between words at a sensible place and says
so with "…".
"""

from __future__ import annotations

import re

import pytest

from bot.triage.evidence import evidence
from bot.triage.extract import mentioned_facts
from bot.triage.facts import TriageFacts
from tests.triage._play import play

#: Words a quote should not end on: they promise more words that were cut away.
DANGLING_END = {
    "a", "an", "the", "of", "with", "to", "that", "and", "or", "but", "from", "in", "on",
    "at", "for", "by", "his", "her", "their", "my", "our", "is", "was", "are", "were", "has",
    "have", "been", "who", "which", "when", "some", "year", "yr",
    "into", "about", "than", "as", "so", "because", "while", "if", "it's", "he's", "she's",
}
#: Words a quote should not start on: what they attach to was cut away.
DANGLING_START = {
    "of", "with", "to", "from", "by", "for", "at", "in", "on", "and", "but", "or", "so",
    "than", "as", "into", "about", "has", "have", "is", "was", "been", "are", "were",
}

OPENINGS = [
    # written for this test; long sentence parts with numbers, relative clauses and lists
    "A Year 10 boy in my form has been sharing far-right memes in the class group chat and "
    "telling the others that the country is being invaded by outsiders who should be removed",
    "I teach an 18-year-old apprentice who has been handing out leaflets for a white "
    "nationalist group at the bus station and asking the younger lads to come to meetings",
    "The 14 year old girl I mentor has started wearing a patch from a neo-Nazi group on her "
    "rucksack and now says the Holocaust never happened whenever history comes up in class",
    "My year 8 tutee keeps drawing swastikas and the number 88 in the margins of every "
    "exercise book he owns and laughs when the teachers in the department ask him to stop",
    "A 16 yo student on the plumbing course has been watching beheading videos on his phone "
    "during breaks and telling classmates that the fighters in them are brave martyrs",
]

REPLIES = [
    (
        "intent",
        "He keeps going on about how the government is run by a secret elite and he says "
        "violence is the only way to wake people up but I have never heard him threaten anyone",
    ),
    (
        "engagement",
        "She spends every evening in an online group where older members send her videos "
        "about a coming race war and she has started repeating their slogans at school too",
    ),
]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'/-]+", text.lower().replace("\u2019", "'"))


def _check(quote: str, typed: str) -> None:
    body = quote.strip("…").strip()
    flat = " ".join(typed.split())
    assert body and body in flat, f"not the words typed: {quote!r}"
    at = flat.index(body)
    before = flat[at - 1] if at > 0 else " "
    after = flat[at + len(body)] if at + len(body) < len(flat) else " "
    assert not (before.isalnum() or after.isalnum()), f"cut inside a word: {quote!r}"
    words = _words(body)
    assert words[0] not in DANGLING_START, f"starts mid-phrase: {quote!r}"
    assert words[-1] not in DANGLING_END, f"ends mid-phrase: {quote!r}"
    typed_words = _words(flat)
    first = len(_words(flat[:at]))
    if first > 0:  # a number keeps the word it belongs to ("Year 10", "14 year old")
        assert not re.fullmatch(r"\d+", words[0]), f"a number cut from its word: {quote!r}"
    last = first + len(words) - 1
    if last < len(typed_words) - 1 and re.fullmatch(r"\d+", words[-1]):
        assert len(words) > 1 and words[-2] in ("year", "yr", "number", "aged", "age"), (
            f"a number cut from its noun: {quote!r}"
        )
    assert len(words) <= 22, f"too long to read: {quote!r}"


@pytest.mark.parametrize("opening", OPENINGS)
def test_quotes_from_an_opening_are_whole_phrases(opening):
    facts = TriageFacts().combined(mentioned_facts(opening))
    found = evidence([(None, opening)], facts)
    assert found, "the opening's signs are quoted"
    for quote in found.values():
        _check(quote, opening)


@pytest.mark.parametrize(("asked", "reply"), REPLIES)
def test_a_long_reply_in_own_words_is_quoted_to_a_clause_boundary(asked, reply):
    conv, _ = play("I'm worried about a 15 year old in my class", {asked: reply, "ideology": "yes"})
    found = evidence(conv.turns, conv.facts)
    assert asked in found
    _check(found[asked], reply)


def test_a_number_and_its_noun_stay_together():
    opening = (
        "Yesterday after the assembly on remembrance a Year 10 boy stood up in front of "
        "everyone and shouted that all Muslims should be deported"
    )
    found = evidence([(None, opening)], TriageFacts().combined(mentioned_facts(opening)))
    for quote in found.values():
        assert not quote.lstrip("…").startswith("10 ")
        _check(quote, opening)
