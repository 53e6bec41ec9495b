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
            return (
                extract._mention(fact, t)
                or extract._mention("engagement_material", t)
                or extract._mention("engagement_generic", t)
            )
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


CONTEXT_WORDS = 6
PART_WORDS = 16

#: Words that open a clause inside a sentence part: a long part is quoted clause by clause.
_CLAUSE_OPENERS = frozenset(
    "and but who which that because so while whilst when whenever though although until "
    "since whereas then or plus where".split()
)
#: A clause opened by one of these leans on the words before it ("who sends her videos").
_LEANS_BACK = frozenset("who which that where when whenever".split())
#: Joining words a quote does not start with ("and he's sharing videos" quotes from "he's").
_JOINERS = frozenset("and but so or plus then also".split())
#: Words a quote does not start with: what they attach to would be missing.
_NO_START = frozenset(
    "of with to from by for at in on into about than as has have is was are were been "
    "being had".split()
)
#: Words a quote does not end with: they promise words that were cut away.
_NO_END = frozenset(
    "a an the of with to that and or but from in on at for by his her their its my our your "
    "is was are were has have had been being who which when where some any every "
    "year yr into about than as so because while if it's he's she's they're this these "
    "those very more most".split()
)
#: Words before a number that make it whole ("Year 10", "aged 14", "the number 88").
_NUMBER_NOUNS = frozenset("year yr y aged age number".split())
#: Words that come with the noun after them ("a Year 12 girl", "my Year 9 boys").
_DETERMINERS = frozenset("a an the my our his her their this that one".split())
#: A clause shorter than this is not quoted apart ("and that people who vote ...").
_MIN_CLAUSE = 3
#: ... and these not even where the sentence part ends ("... of about 22 who (she met ...)").
_NEVER_END = frozenset("who which whose and or but a an the his her their my our with".split())
_WORD_RE = re.compile(r"\S+")


def _key(word: str) -> str:
    return re.sub(r"^[^\w']+|[^\w']+$", "", word.lower().replace("\u2019", "'"))


def _bare_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d+", _key(word)))


def _clip(typed: str, lo: int, hi: int, limit: int) -> str:
    """The words of `typed` (one sentence part) around typed[lo:hi], at most about `limit`
    words: the whole part when it is short; else the clauses that hold the words (a clause
    opens at "and", "but", "who", "because"...), with their neighbours while they fit; a
    clause too long on its own is cut between words, never after "a", "with" or "and", never
    before "has" or "of", never between a number and its word ("Year 10", "10 boys"), and
    the cut is shown with "…"."""
    spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(typed)]
    if not spans:
        return typed.strip()
    keys = [_key(typed[a:b]) for a, b in spans]
    n = len(spans)
    i = next((k for k, (_, b) in enumerate(spans) if b > lo), 0)
    j = max(i, max((k for k, (a, _) in enumerate(spans) if a < hi), default=i))
    if n <= limit:
        a, b = 0, n - 1
        cut_a = cut_b = False
    else:
        starts = [0]
        for k in range(1, n):
            opens = keys[k] in _CLAUSE_OPENERS and keys[k - 1] not in _CLAUSE_OPENERS
            if opens and k - starts[-1] >= _MIN_CLAUSE and n - k >= _MIN_CLAUSE:
                starts.append(k)
        a = max(s for s in starts if s <= i)
        later = [s for s in starts if s > j]
        b = (later[0] - 1) if later else n - 1
        while True:  # neighbouring clauses, while they fit
            before = max((s for s in starts if s < a), default=None)
            after_end = None
            if b < n - 1:
                nxt = [s for s in starts if s > b + 1]
                after_end = (nxt[0] - 1) if nxt else n - 1
            options = []
            if before is not None:
                options.append(("back", before, b))
            if after_end is not None:
                options.append(("on", a, after_end))
            if keys[a] not in _LEANS_BACK:
                options.sort(key=lambda o: o[0] != "on")
            fitting = [o for o in options if o[2] - o[1] + 1 <= limit]
            if not fitting:
                break
            _, a, b = fitting[0]
        cut_a = cut_b = False
        if b - a + 1 > limit:  # one long clause: words either side of the match
            new_a, new_b = max(a, i - CONTEXT_WORDS), min(b, j + CONTEXT_WORDS)
            cut_a, cut_b = new_a > a, new_b < b
            a, b = new_a, new_b
    while (a < i and keys[a] in _JOINERS) or (a < j and keys[a] in _NO_START and not cut_a):
        a += 1  # "and he's sharing ..." quotes from "he's"
    if cut_a:
        steps = 0
        while a > 0 and steps < 4 and (
            keys[a] in _NO_START
            or _bare_number(typed[spans[a][0] : spans[a][1]])
            or _bare_number(typed[spans[a - 1][0] : spans[a - 1][1]])
            or keys[a - 1] in _DETERMINERS
        ):
            a -= 1  # "has been sharing" keeps its subject; "Year 10 boys" its number and "a"
            steps += 1
        cut_a = a > 0
    elif a > 0 and keys[a] in _LEANS_BACK:
        cut_a = True  # "…who sends her videos": the person it is about was left out
    if b < n - 1:
        while b > j and keys[b] in _NO_END:
            b -= 1
            cut_b = True
        if _bare_number(typed[spans[b][0] : spans[b][1]]) and (
            b == 0 or keys[b - 1] not in _NUMBER_NOUNS
        ):
            b += 1  # "a Year 10 boy": the number keeps its noun
    while b > j and keys[b] in _NEVER_END:
        b -= 1
        cut_b = True
    quote = typed[spans[a][0] : spans[b][1]].strip(" -\u2013")
    return ("…" if cut_a else "") + quote + ("…" if cut_b else "")


def _in_context(span: str, text: str) -> str:
    """The matched words in their sentence part, as typed ("badge" reads as "a far-right
    badge on his blazer"); a long part is quoted clause by clause (`_clip`)."""
    typed = re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()
    t = extract._normal(text)
    at = t.find(span)
    if at < 0 or len(typed) != len(t):
        return span
    part_start = max((m.end() for m in re.finditer(r"[,.;:!?()]", t[:at])), default=0)
    stop = re.search(r"[,.;:!?()]", t[at + len(span) :])
    part_end = at + len(span) + stop.start() if stop else len(t)
    part = typed[part_start:part_end]
    return _clip(part, at - part_start, at - part_start + len(span), PART_WORDS)


def _short(text: str) -> str:
    """A reply quoted whole when short; else its first sentences that fit, or its first
    sentence to a clause boundary, with "…" where words were left out."""
    typed = " ".join(text.split())
    if len(typed.split()) <= MAX_WORDS:
        return typed
    sentences = re.findall(r"[^.;!?]+[.;!?]*", typed)
    taken = ""
    for sentence in sentences:
        if len((taken + " " + sentence).split()) > MAX_WORDS:
            break
        taken = (taken + " " + sentence).strip()
    if taken:
        return taken if taken[-1] in ".!?" else taken.rstrip(",;: ") + "…"
    first = sentences[0] if sentences else typed
    openers = "|".join(sorted(_CLAUSE_OPENERS))
    parts = re.split(rf"(?<=,)\s+|\s+(?=(?:{openers})\b)", first)
    kept = ""
    for part in parts:
        if len((kept + " " + part).split()) > MAX_WORDS:
            break
        kept = (kept + " " + part).strip()
    if len(kept.split()) >= 4:
        return kept.rstrip(",;: ") + "…"
    return _clip(first, 0, 1, MAX_WORDS).rstrip("…") + "…"


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
