"""The practitioner's own words behind each fact, so an outcome's reasons name the evidence.

An outcome that says "signs of intent" must show which words it read as intent ("he says the
shooters are heroes"), so that the practitioner can see, and correct, what the advice rests
on. The words come from the same readings as the facts (bot/triage/extract.py): the phrase
the word lists matched where there is one, else the reply itself. A bare "yes" or "no" to a
question is not quoted: the question already says what it meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.triage import extract
from bot.triage.facts import TriageFacts

#: One turn: the fact that was asked (None for the opening message) and what was typed.
Turn = tuple["str | None", str]

#: Facts whose evidence an outcome names, in the order it names them.
EVIDENCE_FACTS: tuple[str, ...] = (
    "immediate_risk",
    "terrorism",
    "ideology",
    "engagement",
    "intent",
    "capability",
    "other_safeguarding",
    "denial",
)
MAX_WORDS = 18


def _span(fact: str, value: str, text: str) -> str | None:
    """The words of `text` that the word lists read as `fact` = `value`, if any."""
    t = extract._normal(text)
    if value == "yes":
        if fact == "terrorism":
            return extract._mention("terrorism", t) or extract._names_proscribed(t)
        if fact == "ideology":
            return extract._mention("ideology", t) or extract._views_held(t)
        if fact == "other_safeguarding":
            return extract._mention("other_safeguarding", t) or extract._mention("exploitation", t)
        if fact == "denial":
            return extract._mention("account_denial", t, respect_negation=False)
        if fact == "engagement":
            return extract._mention(fact, t) or extract._mention("engagement_generic", t)
        if fact in ("intent", "capability"):
            return extract._mention(fact, t)
    if value == "no":
        if fact == "immediate_risk":
            match = extract._NO_DANGER.search(t) or extract._SAFE_STATEMENT.search(t)
            return match.group(0).strip(" .,;!") if match else None
        if fact == "other_safeguarding":
            return extract._mention("other_safeguarding_none", t, respect_negation=False)
        if fact == "ideology":
            return extract._mention("ideology_denial", t, respect_negation=False)
    return None


CONTEXT_WORDS = 5
PART_WORDS = 14


def _in_context(span: str, text: str) -> str:
    """The matched words in their sentence part, as typed ("badge" reads as "a far-right
    badge on his blazer"); a long part is cut to a few words either side."""
    typed = re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()
    t = extract._normal(text)
    at = t.find(span)
    if at < 0 or len(typed) != len(t):
        return span
    part_start = max((m.end() for m in re.finditer(r"[,.;:!?()]", t[:at])), default=0)
    stop = re.search(r"[,.;:!?()]", t[at + len(span) :])
    part_end = at + len(span) + stop.start() if stop else len(t)
    part = typed[part_start:part_end].strip()
    if len(part.split()) <= PART_WORDS:
        return part
    before = typed[part_start:at].split()[-CONTEXT_WORDS:]
    after = typed[at + len(span) : part_end].split()[:CONTEXT_WORDS]
    return " ".join([*before, typed[at : at + len(span)], *after])


def _short(text: str) -> str:
    words = " ".join(text.split()).split(" ")
    return " ".join(words[:MAX_WORDS]) + ("…" if len(words) > MAX_WORDS else "")


def _bare(text: str) -> bool:
    """A reply that is only a yes, no or not sure: nothing to quote."""
    return len(re.findall(r"[a-z']+", text.lower())) <= 3


def evidence(turns: Sequence[Turn], facts: TriageFacts) -> dict[str, str]:
    """For each fact in EVIDENCE_FACTS that is known, the words that gave its final value:
    the first turn with quotable words whose reading gives that value (an observed sign
    stands from the moment it was told, SET 2.3), quoted as the matched phrase in its sentence
    part, else as the reply to that question when it says more than a bare yes or no."""
    readings: list[tuple[str | None, str, dict[str, Any]]] = []
    for asked, text in turns:
        values = extract.answer_facts(asked, text) if asked else extract.mentioned_facts(text)
        readings.append((asked, text, values))
    found: dict[str, str] = {}
    for fact in EVIDENCE_FACTS:
        value = getattr(facts, fact)
        if value is None:
            continue
        for asked, text, values in readings:
            own_words = asked == fact and fact not in values and value == "unsure"
            if values.get(fact) != value and not own_words:
                continue  # (a reply in own words that answers nothing is kept as not sure)
            quote = _span(fact, value, text)
            if quote is not None:
                quote = _in_context(quote, text)
            if quote is None and asked == fact and not _bare(text):
                quote = _short(text)  # the reply to that very question, in its own words
            if quote:
                found[fact] = quote
                break
    return found


def quoted(found: dict[str, str], labels: dict[str, str], only: Iterable[str]) -> str:
    """ "“a far-right badge on his blazer” (a link to extremism: yes; engagement: yes); …" for
    the facts in `only`, one quote once with all the facts it gave."""
    wanted = set(only)
    by_quote: dict[str, list[str]] = {}
    for fact in EVIDENCE_FACTS:
        if fact in found and fact in wanted:
            by_quote.setdefault(found[fact], []).append(labels.get(fact, fact))
    return "; ".join(f"“{q}” ({'; '.join(names)})" for q, names in by_quote.items())
