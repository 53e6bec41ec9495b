"""Whether a message is off topic: about something else entirely, so the assistant declines.

Why: "will it be sunny for sports day?" or "write me a poem for assembly" must get a short,
kind decline that says what the assistant can help with (`utter_out_of_scope`), not the
closest guidance topic offered as a guess and not the should-I-refer questions.

A message is off topic when all three hold:
- it names none of the assistant's subjects (`guidance/scope/subjects.yml`: Prevent,
  radicalisation, a referral, a weapon, a worry, ...): anything that might be a concern is
  never declined, it goes on to the risk check, the guidance and the triage;
- it has a content word the guidance does not use (in any topic's title, keywords or answer,
  or in several example questions): "is it bad?" or "what about the other thing?" are
  unclear, not off topic, and still get "not sure" with topics to choose from;
- no topic answers it confidently; or none answers it surely (`SURE`) while much of it
  (`UNKNOWN_SHARE`) is words the guidance never uses: a message about something else ("how
  many tablespoons in a cup?") can reach the answering floor on its everyday words alone
  ("how many" meets the Channel figures), while a real question with one unusual word ("his
  nan rang in tears ...") is mostly the guidance's own words. Place names are left out of
  that share: they say where, not what ("what time does the Southend pier train run?").

Two refinements (issue 13, g17):
- a person who is only the audience of a task ("summarise Macbeth for year 10", "translate
  this for a new EAL pupil") does not make the message about that person; "my student who
  wants to ..." or "a pupil in year 8 keeps ..." still does;
- a message naming another subject (`elsewhere` in subjects.yml: pay and leave, IT, lesson
  content, travel, leisure) and none of the assistant's is declined however confidently
  its everyday words meet a topic ("how do I book annual leave" meets the training
  refresher on "annual").
A third (issue 13, session 8): a small classifier (`OffTopicClassifier`) learns every topic's
example questions against a pool of messages about other things
(`guidance/scope/off_topic_examples.yml`, written independently), and a message that names
no subject and that it reads as another subject is declined even when its everyday words
meet a topic ("how many inset days do schools get?" meets the statistics on "how many";
"write a reference for a year 13 applying to nursing" meets nothing the seeds say).
A fourth (session 10): a message that names terrorism or extremism but asks about another
country's system, the facts of a past attack or content for a lesson or a club (`beyond` in
subjects.yml) is declined, unless it names a person or matches `keeps_in_scope` (a word of
the Prevent process, someone here or a class, or something that happened: "racist stickers
in the French department", "the attack in France has scared my class").

A fifth (issue 13, g22): a message whose only subject words are people ("the staff to pupil
ratio for a trip", "an EHCP for a year 3 boy") is declined when the classifier reads it
clearly as another subject (`PEOPLE_MARGIN`, well above its own boundary); a person told of
in everyday words ("a boy in year 9 has a badge I don't recognise") stays in scope.

The check never sees a message that describes a concern (the caller asks first) nor an
emergency (the risk check runs before any guidance).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from bot.guidance.areas import without_places
from bot.guidance.model import GuidanceBase
from bot.guidance.retrieval import tokens

SUBJECTS_FILE = Path("scope") / "subjects.yml"
OFF_TOPIC_FILE = Path("scope") / "off_topic_examples.yml"
#: The classifier's margin above which a message reads as another subject: the SVM's own
#: boundary (no real question of the dev sets or topic examples is declined at 0).
ELSEWHERE_MARGIN = 0.0
#: The confidence a topic needs to keep a message that names no subject from being declined.
SURE = 0.65
#: ... when at least this share of its content words is unknown to the guidance: a quarter
#: ("best way to get red wine out of a carpet": wine, carpet) is another subject, while a
#: real question without a subject word is almost all the guidance's words.
UNKNOWN_SHARE = 0.25
#: A word the example questions use is known when this many examples use it.
EXAMPLE_WORD_MIN = 3
#: Unknown words shorter than this are fillers ("hmm", "lol"), not another subject.
MIN_WORD = 4
#: The classifier's margin above which a message whose only subject words are people ("a
#: year 3 boy", "their kids") reads as another subject all the same: on the development
#: sets no real question naming only people reached 0.3 (the nearest, an emergency at 0.29,
#: is caught by the risk check and the concern check first; a new badge on a year 9 boy
#: reads 0.25), while school business about a pupil ("staff to pupil ratio for a trip",
#: "an EHCP for a year 3 boy") sat at 0.4-1.3: 0.4 keeps a margin for concerns.
PEOPLE_MARGIN = 0.4
#: Handling a pupil's questions or views on a contested subject in a lesson ("a year 10 girl
#: keeps asking about Palestine in RE, how do I handle the lesson?"): Prevent duty territory
#: (resources_for_teaching), kept in scope however the classifier reads it (session 11
#: review). It needs a lesson, a way of handling or a pupil asking, and a contested subject.
_LESSON = re.compile(
    r"\b(?:lessons?|class(?:room)? discussions?|discussions?|debates?|in class|"
    r"(?<!')re|pshe|rshe|rse|citizenship|history|politics|form time|tutor time|assembl(?:y|ies))\b"
)
_HANDLING = re.compile(
    r"\b(?:handle|handling|deal(?:ing)? with|respond\w*|answer\w*|address\w*|manage|approach|"
    r"talk\w* about|discuss\w*|ask(?:s|ed|ing)? (?:me |us )?about|questions? (?:about|on)|"
    r"brings? up|bringing up|views? (?:on|about)|opinions? (?:on|about))\b"
)
_CONTESTED = re.compile(
    r"\b(?:palestin\w*|israel\w*|gaza|zionis\w*|immigra\w*|migrants?|refugees?|asylum|"
    r"islam\w*|muslims?|jew\w*|antisemit\w*|religio\w*|terror\w*|extremis\w*|radical\w*|"
    r"wars?|ukraine|russia|conflict|politics|political|racism|racist|race|far[- ]right|"
    r"nazis?|hitler|holocaust|conspirac\w*|misogyn\w*|incels?|andrew tate|lgbt\w*|"
    r"gender|trans|brexit|the flag|patriot\w*|nationalis\w*|jihad\w*|isis|9/11)\b"
)


def contested_lesson(text: str) -> bool:
    """Handling a contested subject raised in a lesson (`_LESSON`, `_HANDLING`, `_CONTESTED`)."""
    lowered = text.lower().replace("\u2019", "'")
    return bool(
        _LESSON.search(lowered) and _HANDLING.search(lowered) and _CONTESTED.search(lowered)
    )


def load_subjects(directory: Path) -> tuple[str, ...]:
    """The subject words from `guidance/scope/subjects.yml` (none if the file is absent)."""
    path = directory / SUBJECTS_FILE
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    starts = [str(s).lower().strip() for s in data.get("subjects") or [] if str(s).strip()]
    # whole words ("he", "my son"): a message about a person may be a concern, never declined
    people = [f"={str(p).lower().strip()}" for p in data.get("people") or [] if str(p).strip()]
    return tuple(starts + people)


def load_shared(directory: Path) -> tuple[str, ...]:
    """The subject words other subjects use too (`shared` in `guidance/scope/subjects.yml`)."""
    path = directory / SUBJECTS_FILE
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(s).lower().strip() for s in data.get("shared") or [] if str(s).strip())


def load_beyond(directory: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The patterns of questions beyond the seeds on their own subject, and the patterns that
    keep a message in scope anyway (`beyond` and `keeps_in_scope` in subjects.yml)."""
    path = directory / SUBJECTS_FILE
    if not path.is_file():
        return (), ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    beyond = tuple(str(s) for s in data.get("beyond") or [] if str(s).strip())
    keeps = tuple(str(s) for s in data.get("keeps_in_scope") or [] if str(s).strip())
    for pattern in beyond + keeps:
        re.compile(pattern)  # a broken pattern fails at load, not at the first question
    return beyond, keeps


def load_off_topic_examples(directory: Path) -> tuple[str, ...]:
    """The messages about other things (`guidance/scope/off_topic_examples.yml`), if any."""
    path = directory / OFF_TOPIC_FILE
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(s).strip() for s in data.get("off_topic") or [] if str(s).strip())


def load_elsewhere(directory: Path) -> tuple[str, ...]:
    """The words naming another subject (`elsewhere` in `guidance/scope/subjects.yml`)."""
    path = directory / SUBJECTS_FILE
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(s).lower().strip() for s in data.get("elsewhere") or [] if str(s).strip())


#: A person named only as the audience of a task: "for year 10", "for a new EAL pupil",
#: "for my class" (not "for a pupil who ...", which is about the person); a whole year group
#: or class a lesson is with ("an icebreaker with year 7"), never one pupil ("with a pupil").
_AUDIENCE = re.compile(
    r"(?:\bfor\s+(?:(?:a|an|the|my|our|some|all)\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:year\s*\d+|yr\s*\d+|pupils?|students?|learners?|kids|children|class(?:es)?)\b"
    r"|\bwith\s+(?:(?:the|my|our)\s+)?(?:year|yr)\s*\d+(?:\s+class(?:es)?|\s+group)?\b)"
    r"(?!\s+(?:who|that|whose|which)\b)"
)


def without_audience(text: str) -> str:
    return _AUDIENCE.sub(" ", text.lower().replace("\u2019", "'"))


#: The regular endings a subject word is matched with ("refer" → refers; "groom" → grooming):
#: a subject is a whole word, never the start of another ("referee", "mashed", "stable").
_ENDINGS = (
    r"(?:s|es|ed|d|ing|er|ers|al|als|ally|ly|ic|ism|isms|ist|ists|ish|y|ies|ful|ous|ion|ions|"
    r"ive|ative|ment|ments)?"
)


@functools.lru_cache(maxsize=8)
def _subject_pattern(subjects: tuple[str, ...]) -> re.Pattern[str]:
    words = [
        r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", s.lstrip("="))))
        + ("" if s.startswith("=") else _ENDINGS)
        for s in subjects
    ]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b" if words else r"(?!x)x")


def names_a_subject(text: str, subjects: tuple[str, ...]) -> bool:
    return bool(_subject_pattern(subjects).search(text.lower().replace("\u2019", "'")))


def subjects_named(text: str, subjects: tuple[str, ...]) -> list[str]:
    """The subject words a message names, as written ("referral", "duty")."""
    text = text.lower().replace("\u2019", "'")
    return [m.group(0) for m in _subject_pattern(subjects).finditer(text)]


class OffTopic:
    """The off-topic check of one guidance base (its vocabulary is built once)."""

    def __init__(self, base: GuidanceBase) -> None:
        self._subjects = base.subjects
        self._elsewhere = base.elsewhere
        self._shared = base.shared_subjects
        self._base = base
        self._beyond = (
            re.compile("|".join(f"(?:{p})" for p in base.beyond)) if base.beyond else None
        )
        keeps = base.keeps_in_scope
        self._keeps = re.compile("|".join(f"(?:{p})" for p in keeps)) if keeps else None
        longest_first = tuple(sorted(self._elsewhere, key=len, reverse=True))
        self._elsewhere_names = _subject_pattern(longest_first) if longest_first else None
        self._people = _subject_pattern(tuple(s for s in base.subjects if s.startswith("=")))
        words: set[str] = set()
        in_examples: Counter[str] = Counter()
        for topic in base.topics.values():
            words.update(tokens(" ".join([topic.title, " ".join(topic.keywords), topic.answer])))
            for example in topic.examples:
                in_examples.update(set(tokens(example)))
        # An everyday word that one or two example questions happen to use ("letter",
        # "carpet") is not the guidance's vocabulary; one many questions use is.
        words.update(w for w, n in in_examples.items() if n >= EXAMPLE_WORD_MIN)
        self._known = frozenset(words)
        self._classifier = OffTopicClassifier.from_base(base)

    def unknown_words(self, text: str) -> list[str]:
        """The message's content words that no topic uses (title, keywords, answer, or
        several example questions)."""
        return [w for w in tokens(text) if w not in self._known]

    def outside_scope(self, text: str) -> bool:
        """The first two conditions of the module docstring (the caller checks the third).

        A payload ("/nlu_fallback", a button's "/intent{...}") is never off topic: it is the
        assistant's own vocabulary, and its fallback must still say who to ask.
        """
        if text.lstrip().startswith("/"):
            return False
        named = self._named(text)
        if named and self._beyond_named(text, named):
            return True  # "how many died in the Omagh bombing?", "the FBI's approach"
        if contested_lesson(text):
            return False  # "keeps asking about Palestine in RE, how do I handle the lesson?"
        if named and self._only_people(named):
            # "the staff to pupil ratio for a trip", "an EHCP for a year 3 boy": a person
            # named in school business is not a concern (issue 13, g22); a message that
            # tells of a worry never gets here (the caller checks first).
            return self._reads_far_elsewhere(text)
        if named:
            # "how do I make a LADO referral", "the mandatory reporting duty for FGM", "our
            # uniform policy": the only subject words are ones other subjects use too, and
            # the message names another subject: it is about that subject (issue 13, g20).
            return self.names_elsewhere(text) and all(self._is_shared(w) for w in named)
        return self.names_elsewhere(text) or any(
            len(w) >= MIN_WORD for w in self.unknown_words(text)
        )

    def _named(self, text: str) -> list[str]:
        """The assistant's subjects a message names, leaving out a subject word inside
        another subject's own name ("the school uniform policy" names no policy of Prevent's;
        issue 13, g21) and a person who is only a task's audience ("for year 7")."""
        rest = without_audience(text).lower().replace("\u2019", "'")
        if self._elsewhere_names is not None:
            rest = self._elsewhere_names.sub(" ", rest)
        return subjects_named(rest, self._subjects)

    def _only_people(self, named: list[str]) -> bool:
        """Every subject word named is a person ("pupil", "her", "year 9")."""
        return all(self._people.fullmatch(w) for w in named)

    def _reads_far_elsewhere(self, text: str) -> bool:
        """The classifier reads the message clearly as another subject (`PEOPLE_MARGIN`)."""
        return self._classifier is not None and self._classifier.margin(text) > PEOPLE_MARGIN

    def is_beyond(self, text: str) -> bool:
        """Another country's system, a past attack's facts, content for a lesson or a club
        (`beyond`), with nothing that keeps it in scope: no word of the Prevent process
        (`process`), no person and nothing that happened here (`keeps_in_scope`)."""
        lowered = text.lower().replace("\u2019", "'")
        if self._beyond is None or not self._beyond.search(lowered):
            return False
        return not (self._keeps is not None and self._keeps.search(lowered))

    def _beyond_named(self, text: str, named: list[str]) -> bool:
        """A message naming a subject, but beyond the seeds (`is_beyond`) and no person."""
        people = self._people
        return self.is_beyond(text) and not any(people.fullmatch(w) for w in named)

    def _is_shared(self, word: str) -> bool:
        return bool(self._shared) and bool(_subject_pattern(self._shared).fullmatch(word))

    def names_elsewhere(self, text: str) -> bool:
        """It names another subject (pay, leave, IT, lesson content, travel, leisure)."""
        return bool(self._elsewhere) and names_a_subject(text, self._elsewhere)

    def declines(self, text: str, confident: bool, confidence: float) -> bool:
        """All three conditions, given the best topic's retrieval confidence."""
        if not self.outside_scope(text):
            return False
        named = self._named(text)
        if named and self._only_people(named):
            return True  # outside_scope read it as another subject by the classifier alone
        if not confident or self.names_elsewhere(text):
            return True
        if named and self._beyond_named(text, named):
            return True  # beyond the seeds, however confidently its words meet a topic
        if self._classifier is not None and self._classifier.reads_as_elsewhere(text):
            return True
        rest = without_places(text, self._base)
        words = tokens(rest)
        share = len(self.unknown_words(rest)) / len(words) if words else 0.0
        return confidence < SURE and share >= UNKNOWN_SHARE


class OffTopicClassifier:
    """In scope or another subject: a linear SVM over every topic's example questions and
    titles (in scope) against `guidance/scope/off_topic_examples.yml` (another subject).

    Why beside the word rules: the rules ask whether the guidance knows a message's words,
    and everyday words ("how many", "policy", "days") are known; the classifier learns what
    questions about other things look like as a whole. It only ever adds declines among
    messages that already name no subject (`OffTopic.outside_scope`), so a concern is never
    declined by it.
    """

    def __init__(self, in_scope: list[str], elsewhere: list[str]) -> None:
        from bot.guidance.classifier import TopicClassifier
        from bot.guidance.retrieval import normalise

        self._model = TopicClassifier(
            in_scope + elsewhere,
            [0] * len(in_scope) + [1] * len(elsewhere),
            2,
            tokens,
            normalise,
        )

    @classmethod
    def from_base(cls, base: GuidanceBase) -> OffTopicClassifier | None:
        """None when the base has no off-topic pool (the rules alone decide)."""
        if not base.off_topic_examples:
            return None
        in_scope = [e for t in base.topics.values() for e in (t.title, *t.examples)]
        return cls(in_scope, list(base.off_topic_examples))

    def margin(self, text: str) -> float:
        """Positive: reads as another subject; negative: reads as the guidance's."""
        return float(np.ravel(self._model.margins(text))[0])

    def reads_as_elsewhere(self, text: str) -> bool:
        return self.margin(text) > ELSEWHERE_MARGIN
