"""When a reply to a form's question is not an answer but an interruption ("stop", "why?").

Why here, not in the actions: whether "Stop" is a surname or a request is a rule of the
conversation, and the same rule must hold whichever channel or framework asks. The action
server only reads the intent NLU heard and the text, and asks `interrupts`; a form that is
interrupted pauses for one turn while a rule answers (guidance, "why?", a person to talk
to, "stop"), then asks its question again.

NLU is not trusted alone on a short answer: a surname or a one-word reply can be heard as
"stop" or "request_human", so for most intents the words must be there too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.referral.chat import looks_like_question

#: Any text at all: the intent alone decides.
ANY_TEXT = re.compile(r"", re.S)


@dataclass(frozen=True)
class InterruptionRules:
    """Which intents may interrupt a form's question, and what the text must show too.

    `words[intent]` is a pattern the text must match (short messages only, up to
    `max_length` characters), or None when only a question-shaped message interrupts
    ("What counts as capability?"). Any listed intent interrupts a message shaped like a
    question. `max_length` None: no length limit.
    """

    words: Mapping[str, re.Pattern[str] | None] = field(default_factory=dict)
    max_length: int | None = 80
    questions_interrupt: bool = True
    #: Intents that do not interrupt a reply the form read as a statement in the person's
    #: own words (triage: "He's been talking about the caliphate a lot" is an answer even
    #: if NLU heard a guidance question in it).
    own_words_beat: frozenset[str] = frozenset()

    def interrupts(self, intent: str | None, text: str, own_words: bool = False) -> bool:
        """True when this reply pauses the form instead of answering its question."""
        if intent is None or intent not in self.words:
            return False
        if own_words and intent in self.own_words_beat:
            return False
        if self.questions_interrupt and looks_like_question(text):
            return True
        pattern = self.words[intent]
        if pattern is None:
            return False
        if self.max_length is not None and len(text) > self.max_length:
            return False
        return bool(pattern.search(text))


#: The VTR referral form: every answer is free text, so words must confirm the intent.
VTR_INTERRUPTIONS = InterruptionRules(
    {
        "ask_guidance": None,  # None: only when the message is shaped like a question
        "ask_why": None,
        "bot_capabilities": None,
        "stop": re.compile(
            r"\b(stop|cancel|quit|exit|end (it|this)|never ?mind|forget (it|this)|pause)\b",
            re.I,
        ),
        "request_human": re.compile(
            r"\b(person|human|someone|somebody|speak|talk|phone|call)\b", re.I
        ),
        "edit_field": re.compile(r"\b(change|edit|correct|fix|update|amend)\b", re.I),
        "list_drafts": re.compile(r"\bdrafts?\b", re.I),
        "delete_draft": re.compile(r"\b(delete|discard|remove|bin)\b", re.I),
    }
)

#: The concern form ("tell my DSL"): only "stop" leaves it; a question is stored as the
#: teacher's words (they may be quoting what a pupil asked).
CONCERN_INTERRUPTIONS = InterruptionRules(
    {"stop": ANY_TEXT}, max_length=None, questions_interrupt=False
)

#: The triage form ("should I refer?"), asked only about a reply that answered nothing:
#: a question or a request interrupts, whatever its words.
TRIAGE_INTERRUPTIONS = InterruptionRules(
    dict.fromkeys(
        ("ask_guidance", "ask_why", "stop", "request_human", "bot_capabilities"), ANY_TEXT
    ),
    max_length=None,
    questions_interrupt=False,
    own_words_beat=frozenset({"ask_guidance"}),
)

#: Every form that takes answers, by form name.
FORM_INTERRUPTIONS: dict[str, InterruptionRules] = {
    "vtr_form": VTR_INTERRUPTIONS,
    "concern_form": CONCERN_INTERRUPTIONS,
    "triage_form": TRIAGE_INTERRUPTIONS,
}


def interrupts(form: str, intent: str | None, text: str, own_words: bool = False) -> bool:
    """Whether `text` (NLU heard `intent`) interrupts `form`'s question; unknown form: never.
    `own_words`: the form read the reply as a statement in the person's own words."""
    rules = FORM_INTERRUPTIONS.get(form)
    return rules is not None and rules.interrupts(intent, text, own_words)


#: Words that turn "delete it" into "don't delete it" (the answer to "Delete draft X?").
_KEEP_WORDS = re.compile(r"\b(no|not|don'?t|do not|keep|never ?mind|cancel)\b", re.I)


def keeps_it(text: str) -> bool:
    """Whether a reply to "Delete draft X?" heard as "delete" still says keep it ("no, don't
    delete it"): a deletion needs a reply with none of these words."""
    return bool(_KEEP_WORDS.search(text or ""))
