"""One triage conversation in plain Python: the opening, each reply, the outcome.

The Rasa form (bot/actions/triage.py) and the offline runner (bot/triage/evaluate.py) both
go through `read_reply` and `TriageFacts.combined`, so what is tested here is what runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.guidance.routing import route
from bot.triage.extract import (
    _CONFUSED,
    ROUTE_QUESTION,
    answer_facts,
    answers_question,
    mentioned_facts,
)
from bot.triage.facts import TriageFacts
from bot.triage.outcome import AreaContact, Triage, TriageOutcome
from bot.triage.questions import next_question

#: After this many replies that answer nothing, the question is recorded as "not sure".
MAX_RETRIES = 2

_WORD = re.compile(r"[a-z']+")
#: A question or a request without its "?" ("what counts as intent", "tell me about Channel").
_ASKS = re.compile(
    r"^\s*(what|what's|whats|how|why|when|where|who|which|can|could|should|shall|do|does|"
    r"is|are|will|would|explain|tell me|show me|help|stop|cancel|quit|talk to|i want to|"
    r"i'd like to|i would like to|let me)\b"
)


#: The triage's own question asked in other words ("should I make a Prevent referral?",
#: "so do I refer him or not?", "help me decide whether to refer"): what started it.
_ASKS_AGAIN = re.compile(
    r"\b(?:should|shall|do|must|can|would) (?:i|we) (?:still |now |then |just |actually )?"
    r"(?:need to |have to )?(?:refer|report|make (?:a |the )?(?:prevent |channel )?referral)\b|"
    r"\bwhether (?:or not )?(?:i |we )?(?:should |need to |ought to )?(?:to )?"
    r"(?:refer|report|make (?:a |the )?(?:prevent |channel )?referral)\b|"
    r"\bif (?:i|we) (?:should|need to|ought to|have to) "
    r"(?:refer|report|make (?:a |the )?(?:prevent |channel )?referral)\b|"
    r"\b(?:refer|report)(?: (?:him|her|them|this|it))? or not\b|"
    r"\b(?:start|begin|run|do) (?:the |a )?(?:triage|should[- ]i[- ]refer)\b"
)
#: ... never a question asking how, who or where ("how do I make a referral?"): information.
_WH = re.compile(r"^\W*(?:what|what's|whats|who|whom|where|how|when|which|why)\b")


#: A request about someone else ("should I refer another pupil?", "separate case: a girl in
#: year 8 ..."): a new triage, never the facts of the one under way carried on (session 10,
#: cold review: a second pupil inherited the first one's ideology and "nobody in danger").
_ANOTHER_CASE = re.compile(
    r"\b(?:another|a different|a second|a separate|a new|one more|an?other)\s+(?:\w+\s+)?"
    r"(?:pupil|student|child|kid|boy|girl|lad|young person|learner|person|case|one|concern|"
    r"referral|son|daughter|member of staff|colleague|adult)s?\b|"
    r"\b(?:separate|different|new|second) (?:case|question|matter|concern|issue)\b|"
    r"\bsomeone else\b|\bsomebody else\b"
)


def another_case(text: str, held: TriageFacts | None = None) -> bool:
    """Whether a message starts a triage about someone else than the one under way: it says
    so ("another pupil", "a separate case"), or gives an age other than the one held."""
    t = (text or "").lower().replace("\u2019", "'")
    if _ANOTHER_CASE.search(t):
        return True
    if held is not None and held.age is not None:
        age = opening_facts(t).get("age")
        return isinstance(age, int) and age != held.age
    return False


def asks_again(text: str) -> bool:
    """Whether a message asks the triage's own question again ("should I refer?" in the
    middle of the questions): a request to carry on with this case, not an answer to the
    question open (nor a new triage that would drop what was said)."""
    t = (text or "").strip().lower().replace("\u2019", "'")
    if not t:
        return False
    if route(t).asks_referral:
        return True
    return any(not _WH.match(c) and _ASKS_AGAIN.search(c) for c in re.split(r"[.?!;]+", t))


@dataclass(frozen=True)
class Reading:
    """What a reply gave: facts, and how it answered the question asked.

    how: "answer" (it answers), "own_words" (a sentence in the person's own words that
    answers nothing recognisable: taken as "not sure" rather than asked again, as long as no
    other meaning, such as a question, is found for it), "again" (the triage's own question
    asked again, "should I refer?": its facts are kept and the open question is asked
    again, with no retry counted) or "none" (not an answer).
    """

    values: dict[str, Any]
    how: str


def _own_words(text: str) -> bool:
    """A sentence (three words or more) that is not a question, nor one about the question."""
    t = (text or "").strip().lower().replace("\u2019", "'")
    return (
        len(_WORD.findall(t)) >= 3
        and not t.endswith("?")
        and not _CONFUSED.search(t)
        and not _ASKS.match(t)
        and not (ROUTE_QUESTION.search(t) and len(_WORD.findall(t)) <= 10)
    )


def read_reply(asked: str, text: str, not_sure: bool = False) -> Reading:
    """Read a reply to the question about `asked` (a fact name)."""
    if asks_again(text) and another_case(text):  # someone else: a new triage, its own facts
        return Reading(opening_facts(text), "new_case")
    values = answer_facts(asked, text)
    if answers_question(asked, values):
        return Reading(values, "answer")
    if not_sure:
        return Reading({**values, asked: "unsure"}, "answer")
    if asks_again(text):
        return Reading({**mentioned_facts(text), **values}, "again")
    if _own_words(text) and asked != "immediate_risk":
        return Reading({**values, asked: "unsure"}, "own_words")
    # More of the story in place of "is anyone in danger?": its facts are kept and the
    # question is asked again; safety is never guessed from it (the risk check runs first).
    return Reading(values, "none")


def area_only(text: str) -> str | None:
    """The area a message gives when that is all it says ("we're in Southend"): after an
    outcome it updates the contacts (SET Annex B) instead of starting a new triage."""
    facts = mentioned_facts(text)
    if set(facts) == {"area"} and len(_WORD.findall((text or "").lower())) <= 12:
        return str(facts["area"])
    return None


def opening_facts(text: str) -> dict[str, Any]:
    """Everything an opening message says (facts, and the area it names)."""
    return mentioned_facts(text)


@dataclass
class TriageConversation:
    """A whole conversation without Rasa: `start`, then `reply` until `outcome` is set."""

    triage: Triage
    contact_for: Any  # Callable[[str | None], AreaContact]
    facts: TriageFacts = field(default_factory=TriageFacts)
    area: str | None = None
    retries: int = 0
    asked: str | None = None
    not_understood: int = 0
    #: (fact asked, or None for the opening; text): what the outcome quotes as evidence.
    turns: list[tuple[str | None, str]] = field(default_factory=list)

    def _take(self, values: dict[str, Any]) -> None:
        self.area = values.get("area") or self.area
        self.facts = self.facts.combined(values)
        self.asked = next_question(self.facts)

    @property
    def under_way(self) -> bool:
        """A triage has started and a question is still open (no outcome yet)."""
        return bool(self.turns) and self.asked is not None

    def start(self, text: str) -> None:
        """Start a triage; while one is under way, a request to start ("should I refer?"
        again) carries it on: the facts given are kept and the new message's added."""
        if self.under_way and not another_case(text, self.facts):
            self.turns.append((None, text))
            self.retries = 0
            self._take(opening_facts(text))
            return
        self.facts = TriageFacts()
        self.area = None
        self.turns = [(None, text)]
        self._take(opening_facts(text))

    def reply(self, text: str, not_sure: bool = False) -> bool:
        """Take a reply to the current question; False when it is asked again."""
        if self.asked is None:
            return True
        self.turns.append((self.asked, text))
        reading = read_reply(self.asked, text, not_sure=not_sure)
        values = dict(reading.values)
        if reading.how == "again":  # "should I refer?" again: the same triage goes on
            self.retries = 0
            self._take(values)
            return True
        if reading.how == "new_case":  # about someone else: a new triage from this message
            self.facts, self.area, self.retries = TriageFacts(), None, 0
            self.turns = [(None, text)]
            self._take(values)
            return True
        if reading.how == "none":
            self.retries += 1
            self.not_understood += 1
            if self.retries <= MAX_RETRIES:
                self._take(values)
                return False
            values[self.asked] = "unsure"
        self.retries = 0
        self._take(values)
        return True

    @property
    def contact(self) -> AreaContact:
        return self.contact_for(self.area)

    def outcome(self) -> TriageOutcome | None:
        if self.asked is not None:
            return None
        return self.triage.decide(self.facts, self.contact, self.turns)
