"""The immediate-risk detector: spaCy rules over a message, with matches that explain themselves.

Why rules and not a model: whether a message is sent to 999 must not depend on a
classifier's mood. Every decision here can be traced to words in the message and a rule
in ``lexicon.yml`` (SET 2.5: 999 on imminent risk; Thurrock pathway: travel or planning
goes to the police at once). The detector is deliberately cautious in one direction:
a missed emergency is far worse than an extra "call 999 if anyone is in danger".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import spacy
import yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from bot.risk.recent import RecentMemo

RiskLevel = Literal["emergency", "police", "none"]

_LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
#: The Home Office list of proscribed organisations, as dated data (read on a given day).
PROSCRIBED_PATH = (
    Path(__file__).resolve().parents[2] / "guidance" / "risk" / "proscribed_organisations.yml"
)
_SENTENCE_BREAKS = {".", "!", "?", ";", "\n", "\n\n"}
_CLAUSE_BREAKS = _SENTENCE_BREAKS | {",", ":", "but", "-", "–", "—", "(", ")"}
_LEVEL_ORDER = {"emergency": 2, "police": 1, "none": 0}
#: Messages longer than this are read in overlapping windows, so an emergency at the
#: end of a pasted essay is still seen without tokenising 20,000 characters at once.
_WINDOW_CHARS = 4000
_WINDOW_OVERLAP = 300
_GAP_WORDS = 5
#: A gap in a phrase: " * " any five words, " ~ " three words of the same clause (r21).
_GAP = re.compile(r" ([*~]) ")
_TIGHT_GAP_WORDS = 3
_GAP_STOPS = frozenset({"and", "then", "but", "or", "so", "because", "before", "after", "now"})
#: A subject pronoun starts a new clause: a negation before it does not reach past it.
_SUBJECTS = frozenset({"he", "she", "they", "i", "we", "you"})
#: The speaker: "I haven't said he has a knife" denies the telling, not the knife (r21).
_FIRST_PERSON = frozenset({"i", "we"})
#: Frames computed in code rather than listed in the lexicon.
_BUILT_IN_FRAMES = frozenset({"general_question", "hypothetical"})
#: s11: where a clause before a hypothetical "if" ends ("a man has a gun at the gate, what
#: do we do if he comes in?": the gun is told now)
_HYPOTHETICAL_BREAKS = frozenset({",", ";", ":", ".", "!", "-", "but"})
#: s11: frames that, asked inside the hypothetical part only, cover that part only
_HYPOTHETICAL_PART_FRAMES = frozenset({"question", "discussion"})
#: An abbreviation of a proscribed organisation read in context (r12pol): its hits' concept.
_ABBREVIATION = "proscribed_abbreviation"
#: The same, used as an organisation ("he's NA now", "the AWD lads"): a rule reads it (r15).
_ABBREVIATION_AS_ORG = "proscribed_abbreviation_as_org"
#: A message with more capitals than this (of its letters) is shouted: capitals say nothing.
_SHOUTED = 0.6
#: How many texts' parses the detector keeps (`RiskDetector._parsed`): one message's check
#: reads its text, its windows and its reading without denials.
_RECENT_PARSES = 16


@dataclass(frozen=True)
class RiskMatch:
    """One rule that fired, the words that made it fire and the reason in plain words."""

    rule: str
    level: RiskLevel
    words: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RiskAssessment:
    """What the detector found in one message."""

    level: RiskLevel
    matches: tuple[RiskMatch, ...] = ()
    #: Weak signs of danger below every threshold ("pills", "the roof", "goodbye"): the
    #: assistant then asks "Is anyone in danger right now?" before anything else.
    doubts: tuple[RiskMatch, ...] = ()

    @property
    def ask_if_in_danger(self) -> bool:
        """True when nothing fired but something in the message might mean danger."""
        return self.level == "none" and bool(self.doubts)

    @property
    def is_emergency(self) -> bool:
        return self.level == "emergency"

    @property
    def is_police(self) -> bool:
        return self.level == "police"

    @property
    def reasons(self) -> list[str]:
        """The reasons of the matches at the assessment's level, without repeats."""
        seen: list[str] = []
        for match in self.matches:
            if match.level == self.level and match.reason not in seen:
                seen.append(match.reason)
        return seen

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "matches": [
                {"rule": m.rule, "level": m.level, "words": list(m.words), "reason": m.reason}
                for m in self.matches
            ],
            "doubts": [
                {"rule": m.rule, "words": list(m.words), "reason": m.reason} for m in self.doubts
            ],
        }


@dataclass(frozen=True)
class _Rule:
    id: str
    level: RiskLevel
    needs: tuple[str, ...]
    blocked_by: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class _Hit:
    concept: str
    start: int
    end: int
    text: str


class LexiconError(ValueError):
    """The detector's lexicon file is malformed."""


def normalise(text: str) -> str:
    """Fold what people type into what the rules read: one form of quotes, no controls."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    # Quote marks around words go ("a 'cell'", "'going tonight'"); apostrophes inside stay.
    text = re.sub(r"(?<![\w])'|'(?![\w])", " ", text)
    # Double quotes go too: '"going to blow up" on TikTok' reads as the idiom it is.
    text = text.replace('"', " ")
    return re.sub(r"[ \t]+", " ", text).strip()


class RiskDetector:
    """Finds imminent risk (999) and terrorism-related information (police) in a message.

    Build one per process (`get_detector()`); `assess()` is thread-safe and takes well
    under a few milliseconds for an ordinary message.
    """

    def __init__(self, lexicon: dict[str, Any]) -> None:
        self._nlp = _make_nlp()
        #: The parse and hits of the last few texts: one check asks several questions of
        #: the same message (issue 16). One turn's time only (`bot.risk.recent`): no store of what
        #: was typed.
        self._parsed = RecentMemo(self._parse, maxsize=_RECENT_PARSES)
        proscribed = load_proscribed()
        self._format_extras = {"read_on": proscribed["read_on"]}
        self._cased = [
            re.compile(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])")
            for spelling in proscribed.get("cased", {})
        ]
        self._abbreviations = [
            re.compile(rf"(?<![\w/.&-]){re.escape(letters)}(?![\w/&-])")
            for letters in proscribed.get("in_context", {})
        ]
        in_context = lexicon.get("abbreviations_in_context", {})
        self._abbreviation_window = int(in_context.get("window", 3))
        self._abbreviation_words = {
            key: frozenset(str(w).lower() for w in in_context.get(key, ()))
            for key in (
                "context",
                "strong_context",
                "not_after",
                "not_before",
                "not_with",
                "verbs",
                "membership_before",
                "names_a_thing",
            )
        }
        self._doubt_blockers = tuple(lexicon.get("doubt", {}).get("blocked_by", ()))
        self._if_subjects = frozenset(
            str(w).lower() for w in lexicon.get("hypothetical", {}).get("subjects", ())
        )
        self._doubt_reason = str(lexicon.get("doubt", {}).get("reason", "{words}"))
        self._across: dict[str, Any] = dict(lexicon.get("across_sentences", {}))
        self._grave: dict[str, Any] = dict(lexicon.get("grave_acts", {}))
        self._literal: dict[str, Any] = dict(lexicon.get("idioms_with_a_target", {}))
        self._talk = frozenset(str(w) for w in lexicon.get("pastoral_talk", ()))
        #: One-word telling words of the `reported` concept ("said", "threatened"), r25.
        self._told_words = frozenset(
            str(w).lower()
            for w in lexicon.get("concepts", {}).get("reported", ())
            if " " not in str(w)
        )
        depiction = dict(lexicon.get("depiction_scope", {}))
        self._depiction_breaks = frozenset(str(w) for w in depiction.get("breaks", ()))
        self._depiction_subjects = frozenset(str(w) for w in depiction.get("subjects", ()))
        self._depiction_verbs = frozenset(str(w) for w in depiction.get("verbs", ()))
        self._depiction_skip = frozenset(str(w) for w in depiction.get("skip", ()))
        possession = dict(lexicon.get("possession_cues", {}))
        self._possession_cues = frozenset(str(w) for w in possession.get("cues", ()))
        self._possessed_other = frozenset(str(w) for w in possession.get("other_things", ()))
        self._possession_window = int(possession.get("window", 2))
        self._depiction_real = tuple(
            tuple(t.lower_ for t in self._nlp.make_doc(str(w).lower()))
            for w in depiction.get("real", ())
        )
        self._past_verbs = frozenset(str(w) for w in lexicon.get("pastoral_past", ()))
        self._same_day = frozenset(str(w) for w in lexicon.get("pastoral_same_day", ()))
        self._pastoral_threat = tuple(
            tuple(t.lower_ for t in self._nlp.make_doc(str(w).lower()))
            for w in lexicon.get("pastoral_threat", ())
        )
        clauses = dict(lexicon.get("clauses", {}))
        self._clause_starts = frozenset(str(w) for w in clauses.get("starts", ()))
        self._clause_frames = frozenset(str(w) for w in clauses.get("frames", ()))
        calm = dict(lexicon.get("calm_clauses", {}))
        #: r25: calm frames that calm only their own clause (`_calm_clauses`, `_calmed_by`).
        self._calm_frames = frozenset(str(w) for w in calm.get("frames", ()))
        self._calm_words = {
            key: frozenset(str(w).lower() for w in calm.get(key, ()))
            for key in (
                "always",
                "breaks",
                "skip",
                "subjects",
                "determiners",
                "verbs",
                "relatives",
                "past_words",
                "present_words",
                "present_after",
                "new_subjects",
                "now_words",
            )
        }
        #: r26: what a new person told there now has, that no everyday scene explains.
        self._calm_live = frozenset(str(w) for w in calm.get("live_evidence", ()))
        self._calm_window = int(calm.get("window", 4))
        self._calm_reaches_told = frozenset(str(w) for w in calm.get("reaches_told", ()))
        self._calm_reaches_back = frozenset(str(w) for w in calm.get("reaches_back", ()))
        undoes = [re.escape(str(w).lower()) for w in calm.get("undoes_back", ())]
        self._calm_undoes_back = re.compile(rf"\b(?:{'|'.join(undoes)})\b" if undoes else "(?!x)x")
        self._calm_reaches_past = frozenset(str(w) for w in calm.get("reaches_past", ()))
        self._calm_reaches_forward = frozenset(
            str(w) for w in calm.get("reaches_forward", ())
        )
        try:
            concepts: dict[str, list[str]] = dict(lexicon["concepts"])
            if "proscribed_org" in concepts:
                concepts["proscribed_org"] = proscribed["names"]
            frames: dict[str, list[str]] = dict(lexicon["frames"])
            # r12eng: everyday phrasal idioms are idioms for the rules and the model alike.
            phrasal = list(lexicon.get("phrasal_idioms", ()))
            idioms = [p for group in phrasal for p in group["phrases"]]
            frames["idiom"] = [*frames.get("idiom", ()), *idioms]
            # r12eng: a Prevent concern described; a frame the model's guards read.
            frames["prevent_concern"] = list(lexicon.get("prevent_concern", ()))
            self._frame_behaviour: dict[str, dict[str, Any]] = lexicon["frame_behaviour"]
            self._rules = tuple(
                _Rule(
                    id=r["id"],
                    level=r["level"],
                    needs=tuple(r["needs"]),
                    blocked_by=tuple(r.get("blocked_by", ())),
                    reason=r["reason"],
                )
                for r in lexicon["rules"]
            )
            # r15: a benign activity blocks the planning and materials rules it names.
            benign = set(lexicon.get("benign_activity_blocks", ()))
            self._rules = tuple(
                _Rule(r.id, r.level, r.needs, (*r.blocked_by, "benign_activity"), r.reason)
                if r.id in benign
                else r
                for r in self._rules
            )
            self._rules = _with_frame_blocks(self._rules, lexicon.get("frame_blocks", {}))
        except (KeyError, TypeError) as exc:
            raise LexiconError(f"risk lexicon is missing {exc}") from exc
        dropped = dict(lexicon.get("dropped_before", {}))
        self._dropped_window = int(dropped.get("window", 3))
        #: concept -> (the words that drop a hit, the hits' last words it applies to or all)
        self._dropped_before = {
            str(concept): (
                frozenset(str(w).lower() for w in spec.get("words", ())),
                frozenset(str(w).lower() for w in spec.get("hits", ())),
            )
            for concept, spec in dict(dropped.get("concepts", {})).items()
        }
        presence_spec = dict(lexicon.get("presence_in_company", {}))
        self._company_words = frozenset(str(w) for w in presence_spec.get("opens", ()))
        self._company_window = int(presence_spec.get("window", 3))
        self._owning_ends = frozenset(str(w) for w in presence_spec.get("ends", ()))
        self._containers = frozenset(str(w) for w in presence_spec.get("containers", ()))
        held_spec = dict(lexicon.get("held_things", {}))
        self._kept_things = frozenset(str(w) for w in held_spec.get("concepts", ()))
        self._stores = frozenset(str(w) for w in held_spec.get("stores", ()))
        self._passive_held = frozenset(str(w) for w in held_spec.get("passive", ()))
        self._people = frozenset(str(w) for w in held_spec.get("people", ()))
        self._passive_window = int(held_spec.get("passive_window", 6))
        for rule in self._rules:
            unknown = [n for n in rule.needs if n not in concepts]
            unknown += [
                b
                for b in rule.blocked_by
                if b not in frames and b not in concepts and b not in _BUILT_IN_FRAMES
            ]
            if unknown:
                raise LexiconError(f"rule {rule.id!r} names unknown concepts/frames {unknown}")
        self._concept_names = (*concepts, _ABBREVIATION)
        # What the model reads instead of each everyday phrasal idiom (r12eng).
        self._idiom_readings: list[str] = []
        self._readable = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        for number, group in enumerate(phrasal):
            self._idiom_readings.append(str(group["reads"]))
            docs = [self._nlp.make_doc(str(p).lower()) for p in group["phrases"]]
            self._readable.add(f"reads_{number}", docs)
        self._frame_names = tuple(frames)
        surface_only = set(lexicon.get("surface_only", ()))
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._lemmas = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        self._patterns = Matcher(self._nlp.vocab)
        for name, phrases in {**concepts, **frames}.items():
            plain = [str(p).lower() for p in phrases if not _GAP.search(f" {p} ")]
            gapped = [str(p).lower() for p in phrases if _GAP.search(f" {p} ")]
            docs = [self._nlp(p) for p in plain]
            self._phrases.add(name, docs)
            single = [d for d in docs if len(d) == 1]
            if single and name in concepts and name not in surface_only:
                # Inflections count for most concepts ("stabbed" is "stab"), never for
                # frames: the idiom "bombed" must not swallow "he has made a bomb".
                self._lemmas.add(name, single)
            if gapped:
                self._patterns.add(name, [self._gap_pattern(p) for p in gapped])
        confinement = self._confinement_patterns(dict(lexicon.get("confinement", {})))
        if confinement and "shut_in" in concepts:
            self._patterns.add("shut_in", confinement)
        # Clock times and short countdowns are near: "at 3pm", "in 20 minutes".
        self._patterns.add(
            "near_time",
            [
                [{"LIKE_NUM": True}, {"LOWER": {"IN": ["pm", "am", "o'clock", "oclock"]}}],
                [{"TEXT": {"REGEX": r"^\d{1,2}(:\d\d)?(am|pm)$"}}],
                [{"LOWER": {"IN": ["at", "by"]}}, {"TEXT": {"REGEX": r"^\d{1,2}([:.]\d\d)?$"}}],
                [
                    {"LOWER": "in"},
                    {"LIKE_NUM": True},
                    {"LOWER": {"IN": ["minutes", "mins", "min", "hours", "hrs", "hour"]}},
                ],
            ],
        )

    @staticmethod
    def _confinement_patterns(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
        """Token patterns of someone locked or shut in a place (lexicon `confinement`, r26).

        "Locks her in her room", "keeps his girlfriend locked up", "he's been shut in the
        shed", "a child is kept locked in the cupboard": a person (never "them" nor
        "herself"), a locking word, and a place; see lexicon_recall.yml for the parts.
        """
        if not spec:
            return []

        def one_of(key: str, **extra: Any) -> dict[str, Any]:
            return {"LOWER": {"IN": [str(w).lower() for w in spec.get(key, ())]}, **extra}

        gap = [{"OP": "?"}, {"OP": "?"}]
        place = [*gap, one_of("places")]
        return [
            [one_of("lock"), *gap, one_of("people"), one_of("particles"), *place],
            [one_of("keep"), *gap, one_of("people"), {"LOWER": "locked"}],
            [
                one_of("subjects"),
                one_of("auxiliaries", OP="+"),
                {"LOWER": "kept", "OP": "?"},
                one_of("locked"),
                one_of("particles"),
                *place,
            ],
        ]

    def _gap_pattern(self, phrase: str) -> list[dict[str, Any]]:
        """'drive * into' matches 'drive his brother's van into': up to five words in the gap.

        'read ~ manifesto' (r21) allows up to three words that are not punctuation and
        not a word that starts a new clause ("and", "then"): "reading the Unabomber's
        manifesto", never "read it, then wrote a manifesto".
        """
        pattern: list[dict[str, Any]] = []
        pieces = _GAP.split(f" {phrase} ")
        for i, word in enumerate(pieces[0::2]):
            if i:
                if pieces[2 * i - 1] == "~":
                    tight = {"IS_PUNCT": False, "LOWER": {"NOT_IN": sorted(_GAP_STOPS)}}
                    pattern.extend({**tight, "OP": "?"} for _ in range(_TIGHT_GAP_WORDS))
                else:
                    pattern.extend({"OP": "?"} for _ in range(_GAP_WORDS))
            for j, token in enumerate(self._nlp(word.strip())):
                key = "LEMMA" if i == 0 and j == 0 else "LOWER"
                pattern.append({key: token.lemma_ if key == "LEMMA" else token.lower_})
        return pattern

    # -- public -------------------------------------------------------------------------

    def assess(self, text: str) -> RiskAssessment:
        """Assess one message. Never raises on odd input: empty text is simply calm."""
        text = normalise(text or "")
        if not text:
            return RiskAssessment("none")
        matches: list[RiskMatch] = []
        doubts: list[RiskMatch] = []
        for window in _windows(text):
            found, weak = self._assess_window(window)
            matches.extend(found)
            doubts.extend(weak)
        if not matches:
            return RiskAssessment("none", (), tuple(dict.fromkeys(doubts)))
        unique = tuple(dict.fromkeys(matches))
        level = max((m.level for m in unique), key=_LEVEL_ORDER.__getitem__)
        ordered = tuple(sorted(unique, key=lambda m: -_LEVEL_ORDER[m.level]))
        return RiskAssessment(level, ordered)

    # -- internals ------------------------------------------------------------------------

    def _parse(self, text: str) -> tuple[Doc, list[_Hit]]:
        """`_read` and `_hits` of one text; called through the cache `_parsed`.

        Callers only read the doc and the hits (`_hits` sets `own_negators` once, from the
        hits alone), so sharing them between the questions of one check changes nothing.
        """
        doc = self._read(text)
        return doc, self._hits(doc)

    def _read(self, text: str) -> Doc:
        """The lower-cased doc, with where names that count only with capitals are.

        "The Base" with its capitals is the group; "the base" is any base. The rules read
        lower case, so the capitalised spans are found here, on the text as typed, and read
        as a proscribed organisation in `_hits` (the words shown are the user's own).
        """
        doc = self._nlp(text.lower())
        if len(text.lower()) == len(text):  # spans line up (no letter changed length)
            doc.user_data["cased_spans"] = [
                (m.start(), m.end()) for pattern in self._cased for m in pattern.finditer(text)
            ]
            letters = [c for c in text if c.isalpha()]
            if sum(c.isupper() for c in letters) <= _SHOUTED * len(letters):
                doc.user_data["abbreviation_spans"] = [
                    (m.start(), m.end())
                    for pattern in self._abbreviations
                    for m in pattern.finditer(text)
                ]
        return doc

    def _abbreviation_in_context(self, doc: Doc, span: Span) -> int:
        """ "joined NA", "an IS flag": a link word close by, and no word of another reading.

        Never "he IS", "IS a" (the verb), nor in a sentence about meetings or a car ("NA"
        the fellowship, "AWD" the drive); the word lists are `abbreviations_in_context`.
        Returns 0 (not the group), 1 (a link word any body shares: "joined NA", evidence for
        the model only) or 2 (used as the organisation: "he's NA now", "the AWD lads", "an
        AQ magazine", r15: a rule fires on it).
        """
        words = self._abbreviation_words
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        verb = span.text.lower() in words["verbs"]
        if verb and (before in words["not_after"] or after in words["not_before"]):
            return 0
        sentence = next(s for s in _sentences(doc) if s.start <= span.start < s.end)
        if any(t.lower_ in words["not_with"] for t in sentence):
            return 0
        if before in words["membership_before"] and after not in words["names_a_thing"]:
            return 2  # "he's NA now", "officially in NA": someone is one (r15)
        near: set[str] = set()
        for step in (-1, 1):
            i = span.start - 1 if step < 0 else span.end
            for _ in range(self._abbreviation_window):
                if not sentence.start <= i < sentence.end or doc[i].lower_ in _CLAUSE_BREAKS:
                    break
                near.add(doc[i].lower_)
                i += step
        if near & words["strong_context"]:
            return 2
        return 1 if near & words["context"] else 0

    def _assess_window(self, text: str) -> tuple[list[RiskMatch], list[RiskMatch]]:
        doc, hits = self._parsed(text)
        found: list[RiskMatch] = []
        doubts: list[RiskMatch] = []
        sentences = list(_sentences(doc))
        for n, sentence in enumerate(sentences):
            in_sentence = [h for h in hits if sentence.start <= h.start < sentence.end]
            if not in_sentence:
                continue
            if n + 1 < len(sentences):
                in_sentence += self._named_after(doc, sentences[n + 1], hits)
            found.extend(self._apply_rules(doc, sentence, in_sentence))
            doubts.extend(self._weak_signs(doc, sentence, in_sentence))
        found.extend(self._across_sentences(doc, hits, found))
        return found, doubts

    def _across_sentences(
        self, doc: Doc, hits: list[_Hit], found: list[RiskMatch]
    ) -> list[RiskMatch]:
        """Police evidence in one sentence and a close time in another: 999 (issue 12).

        "Fuel cans were left behind the temple. The service starts in an hour." The rules
        read one sentence at a time, so the means and target are police and the time is
        nothing; read together they are an attack about to happen. Only a future time
        counts ("in an hour", "tomorrow", "at 3pm"), not the time of the report ("today",
        "now", "this morning"), and only from a sentence with no calm frame (a lesson,
        the past, a joke, an everyday event, a question) and no far time.
        """
        spec = self._across
        if not spec or any(m.level == "emergency" for m in found):
            return []
        police = [m for m in found if m.level == "police" and m.rule in spec["rules"]]
        if not police:
            return self._means_target_time(doc, hits)
        calm_frames = set(spec["calm_frames"])
        not_future = set(spec["not_future"])
        times: list[str] = []
        evidence: set[str] = set()
        for sentence in _sentences(doc):
            here = [h for h in hits if sentence.start <= h.start < sentence.end]
            concepts = {h.concept for h in here}
            if _is_general_question(sentence):
                concepts.add("general_question")
            if concepts & calm_frames:
                continue
            for hit in here:
                if self._negated(doc, sentence, hit):
                    continue
                if hit.concept == "near_time" and hit.text not in not_future:
                    times.append(hit.text)
                evidence.add(hit.concept)
        if not times or not evidence & set(spec["evidence"]):
            return []
        first = police[0]
        return [
            RiskMatch(
                rule=f"{first.rule}+close_time",
                level="emergency",
                words=(*first.words, times[0]),
                reason=spec["reason"].format(
                    words=", ".join(f"'{w}'" for w in first.words),
                    rule=first.rule.replace("_", " "),
                    near_time=f"'{times[0]}'",
                ),
            )
        ]

    def _means_target_time(self, doc: Doc, hits: list[_Hit]) -> list[RiskMatch]:
        """Means, a target and a close time, each in a different sentence: 999 (r12gen).

        "He's been sharpening a machete all week. The gurdwara opens at 6 tonight." No
        sentence holds enough for a rule, and no rule fired at all; read together they are
        time, target and means. Each must come from a sentence with no calm frame (a lesson,
        the past, a joke, an everyday event, a question, a far time), must not be denied,
        and the time must be a future one, not when the teacher heard it ("today", "now").
        """
        spec = self._across
        calm_frames = set(spec["calm_frames"])
        not_future = set(spec["not_future"])
        means_concepts = set(spec.get("means_concepts", ()))
        found: dict[str, tuple[int, str]] = {}
        for number, sentence in enumerate(_sentences(doc)):
            here = [h for h in hits if sentence.start <= h.start < sentence.end]
            concepts = {h.concept for h in here}
            if _is_general_question(sentence):
                concepts.add("general_question")
            if concepts & calm_frames:
                continue
            idioms = [h for h in here if h.concept == "idiom"]
            for hit in here:
                if any(i.start <= hit.start and hit.end <= i.end for i in idioms):
                    continue
                if self._negated(doc, sentence, hit):
                    continue
                if hit.concept in means_concepts:
                    found.setdefault("means", (number, hit.text))
                elif hit.concept == "attack_target":
                    found.setdefault("target", (number, hit.text))
                elif hit.concept == "near_time" and hit.text not in not_future:
                    found.setdefault("time", (number, hit.text))
        if len(found) < 3 or len({n for n, _ in found.values()}) < 2:
            return []
        words = {k: v[1] for k, v in found.items()}
        return [
            RiskMatch(
                rule="means_target_time_across_sentences",
                level="emergency",
                words=(words["means"], words["target"], words["time"]),
                reason=spec["means_target_time_reason"].format(
                    means=f"'{words['means']}'",
                    target=f"'{words['target']}'",
                    near_time=f"'{words['time']}'",
                ),
            )
        ]

    def _weak_signs(self, doc: Doc, sentence: Span, hits: list[_Hit]) -> list[RiskMatch]:
        """Danger words no rule needed ("pills", "the roof"): reason enough to ask."""
        weak = [
            h
            for h in hits
            if h.concept == "danger_hint" and not self._negated(doc, sentence, h)
        ]
        idioms = [h for h in hits if h.concept == "idiom"]
        weak = [h for h in weak if not any(i.start <= h.start and h.end <= i.end for i in idioms)]
        if not weak:
            return []
        clause_of = self._clauses(doc, sentence)
        clauses = {clause_of(h.start) for h in weak}
        frame_hits = [h for h in hits if h.concept in self._frame_names]
        frames_here = {
            h.concept
            for h in frame_hits
            if h.concept not in self._calm_frames
            and (h.concept not in self._clause_frames or clause_of(h.start) in clauses)
        }
        # r25: "all sorted" in one clause asks nothing of a sign in another
        frames_here |= self._calmed_by(doc, sentence, frame_hits, {"danger_hint": weak})
        frames_here |= {h.concept for h in hits if h.concept in self._concept_names}
        if _is_general_question(sentence):
            frames_here.add("general_question")
        if self._all_from(self._is_hypothetical(sentence), weak):
            frames_here.add("hypothetical")
        for frame in self._doubt_blockers:
            exemptions = self._frame_behaviour.get(frame, {}).get("unless", ())
            if frame in frames_here and not any(e in frames_here for e in exemptions):
                return []
        words = tuple(dict.fromkeys(h.text for h in weak))
        quoted = ", ".join(f"'{w}'" for w in words)
        return [RiskMatch("danger_hint", "none", words, self._doubt_reason.format(words=quoted))]

    def model_reading(self, text: str) -> str:
        """The message as the model reads it: each phrasal idiom as its meaning (r12eng).

        "She's started hanging around with some older lads": the model learned "hanging"
        from emergencies, and the rules know "hanging around" as an idiom holding no danger.
        The model reads it as what it means ("loitering", lexicon `phrasal_idioms`: one
        list for the rules and the model), in training and in use alike. Everything else is
        read as typed; a message with no such idiom is returned unchanged.
        """
        if not text:
            return text
        lowered = text.lower()
        source = text if len(lowered) == len(text) else lowered
        doc = self._nlp.make_doc(lowered)
        spans = sorted(
            (doc[start].idx, -(doc[end - 1].idx + len(doc[end - 1])), match_id)
            for match_id, start, end in self._readable(doc)
        )
        if not spans:
            return text
        kept: list[str] = []
        position = 0
        for begin, negative_finish, match_id in spans:
            if begin < position:
                continue  # inside a longer idiom already read
            group = int(self._nlp.vocab.strings[match_id].removeprefix("reads_"))
            kept += [source[position:begin], self._idiom_readings[group]]
            position = -negative_finish
        kept.append(source[position:])
        return "".join(kept)

    def features(self, text: str) -> dict[str, list[str]]:
        """The time, target and means words of a message (evidence for the model's verdict)."""
        found: dict[str, list[str]] = {}
        for sentence in self.sentence_features(text):
            for kind, words in sentence.items():
                for word in words:
                    if word not in found.get(kind, []):
                        found.setdefault(kind, []).append(word)
        return found

    def sentence_features(self, text: str) -> list[dict[str, list[str]]]:
        """`features`, one mapping per sentence, in order (what a calm frame may cover).

        A calm frame (a lesson, the past, an idiom, an everyday event) explains the evidence
        of its own sentence, not another sentence's: "we did a lesson on knife crime. He has
        a knife in his bag now" (issue 12, r12gen). The guards in `bot.risk.combined` read
        this to decide what a frame covers.
        """
        doc, hits = self._parsed(normalise(text or "")[:_WINDOW_CHARS])
        out: list[dict[str, list[str]]] = []
        idioms = [h for h in hits if h.concept == "idiom"]
        for sentence in _sentences(doc):
            found: dict[str, list[str]] = {}
            for hit in hits:
                known = hit.concept in _FEATURES or hit.concept in _ALSO
                if not sentence.start <= hit.start < sentence.end or not known:
                    continue
                if hit.concept in self._concept_names and any(
                    i.start <= hit.start and hit.end <= i.end for i in idioms
                ):
                    continue  # "killing" in "killing time": the rules read no act there either
                if hit.concept in self._concept_names and self._negated(doc, sentence, hit):
                    continue  # "he has NOT got a knife": a denied knife is no evidence
                for kind in (_FEATURES.get(hit.concept), _ALSO.get(hit.concept)):
                    if kind and hit.text not in found.get(kind, []):
                        found.setdefault(kind, []).append(hit.text)
            if found:
                out.append(found)
        return out

    def _hits(self, doc: Doc) -> list[_Hit]:
        seen: set[tuple[str, int, int]] = set()
        hits: list[_Hit] = []
        raw = self._phrases(doc) + self._lemmas(doc) + self._patterns(doc)
        for match_id, start, end in raw:
            concept = self._nlp.vocab.strings[match_id]
            key = (concept, start, end)
            if key not in seen and not _misread(doc, concept, start, end):
                seen.add(key)
                hits.append(_Hit(concept, start, end, doc[start:end].text))
        hits = self._conversation_times(doc, hits)
        hits = self._dropped_before_words(doc, hits)
        hits = self._overlap_drops(hits)
        hits = self._literal_idioms(doc, hits)
        hits = self._company_and_storage(doc, hits)
        hits.extend(self._grave_objects(doc, hits))
        hits = self._possessing_something_else(doc, hits)
        for begin, finish in doc.user_data.get("abbreviation_spans", ()):
            span = doc.char_span(begin, finish, alignment_mode="expand")
            if span is None or any(
                h.concept == "proscribed_org" and h.start <= span.start < h.end for h in hits
            ):
                continue  # "Base" inside "The Base": the name is read whole
            strength = self._abbreviation_in_context(doc, span)
            if strength:
                hits.append(_Hit(_ABBREVIATION, span.start, span.end, span.text))
            if strength > 1:
                hits.append(_Hit(_ABBREVIATION_AS_ORG, span.start, span.end, span.text))
        for begin, finish in doc.user_data.get("cased_spans", ()):
            span = doc.char_span(begin, finish, alignment_mode="expand")
            if span is not None and ("proscribed_org", span.start, span.end) not in seen:
                seen.add(("proscribed_org", span.start, span.end))
                hits.append(_Hit("proscribed_org", span.start, span.end, span.text))
        # A "not" or "never" inside a phrase the lexicon knows ("see you never", "not to
        # come in", "won't exist") belongs to that phrase: it negates nothing after it.
        doc.user_data["own_negators"] = frozenset(
            i
            for h in hits
            if h.concept in self._concept_names and h.end - h.start > 1
            for i in range(h.start, h.end)
            if doc[i].lower_ in self._negators
        )
        return hits

    def _dropped_before_words(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """Hits followed closely by a word that makes them something else (r26).

        "Is shooting a short film", "'s shooting hoops", "is firing the kiln": a hit of a
        `dropped_before` concept is dropped when one of its words follows within the window,
        in its clause, before any person or place attacks are aimed at ("is shooting at the
        kids" keeps its hit).
        """
        if not self._dropped_before:
            return hits
        people = {h.start for h in hits if h.concept in ("target", "attack_target")}
        kept: list[_Hit] = []
        for hit in hits:
            words, only = self._dropped_before.get(hit.concept, (frozenset(), frozenset()))
            if words and (not only or doc[hit.end - 1].lower_ in only):
                i, dropped = hit.end, False
                while i < min(hit.end + self._dropped_window, len(doc)):
                    if doc[i].lower_ in _CLAUSE_BREAKS or i in people:
                        break
                    if doc[i].lower_ in words:
                        dropped = True
                        break
                    i += 1
                if dropped:
                    continue
            kept.append(hit)
        return kept

    def _company_and_storage(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """Presence and "held" words that are about company or storage, not danger (r24).

        - "with a", "with the" say a weapon is at hand only when the weapon follows them
          ("a man with a knife"): "testing devices and sharing the videos with a group",
          "whittling with knives ... with the year 4s" name who someone is with. So do
          "has a", "'s got a": "he's got a contact selling pistols" has a contact.
        - "keeping * locked", "locked * in the" hold a person only when no thing is what
          is kept and no store is named: "keeps the acids in a locked cabinet" is a store
          (lexicon `held_things`: the concepts that name a thing, and the stores).
        """
        things = [h for h in hits if h.concept in self._kept_things]
        arms = [h for h in hits if h.concept in _THING_CONCEPTS]
        kept: list[_Hit] = []
        for hit in hits:
            if (
                hit.concept == "presence"
                and (
                    doc[hit.start].lower_ in self._company_words
                    or doc[hit.end - 1].lower_ in self._owning_ends
                )
                and not any(hit.start < a.start <= hit.end + self._company_window for a in arms)
                # "with a bag he says is full of explosives": a container holds the weapon
                and not (hit.end < len(doc) and doc[hit.end].lower_ in self._containers)
            ):
                continue
            if hit.concept in self._passive_held and self._thing_kept(doc, hit, hits):
                continue
            if (
                hit.concept == "held"
                and hit.end - hit.start > 2
                and (
                    any(hit.start < t.start and t.end <= hit.end for t in things)
                    or any(t.lower_ in self._stores for t in doc[hit.start : hit.end])
                )
            ):
                continue
            kept.append(hit)
        return kept

    def _thing_kept(self, doc: Doc, held: _Hit, hits: list[_Hit]) -> bool:
        """ "Knives are kept in a locked cabinet": a thing is the subject of the keeping (r25).

        True when a `held_things` concept (a weapon, a substance) starts in the few words
        before the "held" phrase, in its clause, and no person does: the thing is kept, no
        one is held ("the child is kept locked in the cupboard" keeps its person).
        """
        begin = held.start
        while begin > 0 and held.start - begin < self._passive_window:
            word = doc[begin - 1].lower_
            if word in _CLAUSE_BREAKS or word in _SENTENCE_BREAKS or word == "and":
                break
            begin -= 1
        before = [h for h in hits if begin <= h.start < held.start]
        return any(h.concept in self._kept_things for h in before) and not any(
            h.concept in self._people for h in before
        )

    def _overlap_drops(self, hits: list[_Hit]) -> list[_Hit]:
        """Hits a frame of scope `overlap` names in `drops`, inside that frame's words (r17).

        "googled how to join ISIS": "join" is what was searched for, not a link with the
        group, so the link words inside the search are dropped; everything else (travel,
        contact, materials, the group's name) is read as before.
        """
        spans = [
            (h.start, h.end, set(self._frame_behaviour[h.concept].get("drops", ())))
            for h in hits
            if self._frame_behaviour.get(h.concept, {}).get("drops")
        ]
        if not spans:
            return hits
        return [
            h
            for h in hits
            if not any(s <= h.start and h.end <= e and h.concept in drops for s, e, drops in spans)
        ]

    def _object_after(
        self, doc: Doc, end: int, targets: list[_Hit], gap: frozenset[str], window: int
    ) -> _Hit | None:
        """The target that starts right after `end`, with only `gap` words between (r15)."""
        i = end
        for _ in range(window + 1):
            if i >= len(doc):
                return None
            here = [t for t in targets if t.start == i]
            if here:
                return max(here, key=lambda t: t.end - t.start)
            if doc[i].lower_ not in gap:
                return None
            i += 1
        return None

    def _conversation_times(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """A routine time counts only as when a conversation happened (r15, class 4).

        "At break a lad said he misses his grandad": the time before someone said or told
        something is when it was heard, a pastoral conversation. "She said she's doing it at
        lunchtime" is a time after the telling: no `routine_time` there, it is what was said.
        """
        talk = [h for h in hits if h.concept == "reported"]
        talk_words = self._talk
        kept: list[_Hit] = []
        for hit in hits:
            if hit.concept == "routine_time":
                sentence = next(s for s in _sentences(doc) if s.start <= hit.start < s.end)
                told_after = any(hit.end <= t.start < sentence.end for t in talk) or any(
                    doc[i].lower_ in talk_words for i in range(hit.end, sentence.end)
                )
                told_before = any(sentence.start <= t.start < hit.start for t in talk)
                if not told_after or told_before:
                    continue
            kept.append(hit)
        return kept

    def _literal_idioms(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """An idiom followed at once by a real target is read literally (r15, class 1).

        "He'll shoot the head of year", "going to attack the caretaker": the idiom ("shoot
        the", "attack the") explains its own words, not the person named after it, so it is
        dropped and the danger words in it count. Idioms said of oneself ("I'll kill...")
        and idioms ending in a preposition ("kill it at the concert") stay idioms.
        """
        spec = self._literal
        if not spec:
            return hits
        gap = frozenset(str(w) for w in self._grave.get("gap", ()))
        first_person = frozenset(str(w) for w in spec.get("first_person", ()))
        ends_open = frozenset(str(w) for w in spec.get("ends_open", ()))
        window = int(spec.get("window", 2))
        kinds = set(spec.get("targets", ("target", "attack_target")))
        targets = [h for h in hits if h.concept in kinds]
        kept: list[_Hit] = []
        for hit in hits:
            if hit.concept == "idiom":
                opens = doc[hit.start].lower_
                if hit.start + 1 < len(doc) and doc[hit.start + 1].lower_ in {"'m", "'ll"}:
                    opens += doc[hit.start + 1].lower_
                closes = doc[hit.end - 1].lower_
                if (
                    opens not in first_person
                    and closes not in ends_open
                    and self._object_after(doc, hit.end, targets, gap, window) is not None
                ):
                    continue
            kept.append(hit)
        return kept

    def _grave_objects(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """The person, place or vehicle right after a grave act: its `grave_object` (r15).

        "Knifed the dinner lady", "blown up his stepdad's van": what follows the act, with
        only articles, possessives and the like between, is what it was done to. A
        preposition ends the search ("blew up at him", "stabbed in the back": the idioms),
        and a sentence about a debate, a game or a post holds the figure of speech.
        """
        spec = self._grave
        if not spec:
            return []
        objects = set(spec.get("objects", ()))
        gap = frozenset(str(w) for w in spec.get("gap", ()))
        not_with = frozenset(str(w) for w in spec.get("not_with", ()))
        window = int(spec.get("window", 3))
        targets = [h for h in hits if h.concept in objects]
        found: list[_Hit] = []
        for act in (h for h in hits if h.concept == "grave_act"):
            sentence = next(s for s in _sentences(doc) if s.start <= act.start < s.end)
            if any(t.lower_ in not_with for t in sentence):
                continue
            target = self._object_after(doc, act.end, targets, gap, window)
            if target is not None:
                found.append(_Hit("grave_object", target.start, target.end, target.text))
        return found

    def _possessing_something_else(self, doc: Doc, hits: list[_Hit]) -> list[_Hit]:
        """A bare possession cue ("has a", "with the") is presence of what it possesses (r23).

        "He has a list of weapons he wants", "a video with the Daesh logo", "he's got a
        contact selling pistols": the cue holds a list, a logo or a contact, not the weapon
        named later, so it is no sign the weapon is there now (police, not 999). Dropped only
        when one of the words right after the cue is such another thing and no weapon or
        device starts there ("has a knife", "with a big kitchen knife" keep their cue).
        """
        if not self._possession_cues or not self._possessed_other:
            return hits
        starts = {h.start for h in hits if h.concept in ("weapon", "device", "means")}
        kept = []
        for hit in hits:
            if hit.concept == "presence" and hit.text.lower() in self._possession_cues:
                if self._holds_other_thing(doc, hit.end, starts):
                    continue
            kept.append(hit)
        return kept

    def _holds_other_thing(self, doc: Doc, end: int, weapon_starts: set[int]) -> bool:
        """True when what the cue ending at `end` possesses is another thing, not a weapon.

        A weapon right after the cue is possessed ("has a big knife"); one after another
        thing is that thing's content ("a list of weapons", "a video ... how to make a
        bomb"), unless "and" or a comma brings a weapon in as a second object ("with his
        mates and a knife"). The sentence's end or a clause's stops the reading.
        """
        other = False
        for i in range(end, min(end + self._possession_window, len(doc))):
            word = doc[i].lower_
            if word in _SENTENCE_BREAKS:
                break
            if other and word in ("and", ",", "plus"):
                # a second object: "his mates and a knife", "a list, a knife"
                return not any(j in weapon_starts for j in range(i + 1, i + 4))
            if i in weapon_starts and not other:
                return False
            if word in self._possessed_other:
                other = True
        return other

    def _named_after(self, doc: Doc, following: Span, hits: list[_Hit]) -> list[_Hit]:
        """The game the talk came from, named in the next sentence (r19).

        "They keep talking about 'blowing people up'. I'm pretty sure it's Call of Duty.": a
        sentence that only says what "it" is (a game, an everyday context) and holds no
        danger word and no negation explains the talk just before it. Its `everyday` frame
        then counts for that sentence too. "It's not Fortnite, he means it" does not.
        """
        tokens = {t.lower_ for t in following}
        if not tokens & {"it", "it's", "its", "that", "that's", "thats"} or tokens & (
            self._negators | {"n't"}
        ):
            return []
        here = [h for h in hits if following.start <= h.start < following.end]
        if any(h.concept in self._concept_names and h.concept != "target" for h in here):
            return []
        return [h for h in here if h.concept == "everyday"]

    def _apply_rules(self, doc: Doc, sentence: Span, hits: list[_Hit]) -> list[RiskMatch]:
        idioms = [h for h in hits if h.concept == "idiom"]
        concept_hits: dict[str, list[_Hit]] = {}
        for hit in hits:
            if hit.concept not in self._concept_names:
                continue
            if any(i.start <= hit.start and hit.end <= i.end for i in idioms):
                continue  # "killing" inside "this paperwork is killing me"
            if self._negated(doc, sentence, hit):
                continue  # "he would never hurt anyone", "there is no weapon"
            concept_hits.setdefault(hit.concept, []).append(hit)
        clause_of = self._clauses(doc, sentence)
        frame_hits = [h for h in hits if h.concept in self._frame_names]
        question = _is_general_question(sentence)
        hypothetical = self._is_hypothetical(sentence)
        matches = []
        for rule in self._rules:
            if not all(n in concept_hits for n in rule.needs):
                continue
            # A frame blocks a rule only from a clause that holds the rule's evidence (r15).
            clauses = {clause_of(h.start) for n in rule.needs for h in concept_hits[n]}
            frames_here = {
                h.concept
                for h in frame_hits
                if h.concept not in self._calm_frames
                and (h.concept not in self._clause_frames or clause_of(h.start) in clauses)
            }
            # r25: a precaution, an incident over or a joke calms its own clause only
            frames_here |= self._calmed_by(
                doc, sentence, frame_hits, {n: concept_hits[n] for n in rule.needs}
            )
            if question:
                frames_here.add("general_question")
            if self._all_from(hypothetical, (h for n in rule.needs for h in concept_hits[n])):
                frames_here.add("hypothetical")
            elif sentence[-1].text == "?":
                # s11: "a man has a gun at the gate, what do we do if he comes in?": a question
                # asked in a later clause does not cover the gun told before it
                evidence = [h.start for n in rule.needs for h in concept_hits[n]]
                for frame in _HYPOTHETICAL_PART_FRAMES & frames_here:
                    starts = [h.start for h in frame_hits if h.concept == frame]
                    if starts and evidence and max(evidence) < self._clause_begin(
                        doc, sentence, min(starts)
                    ):
                        frames_here.discard(frame)
            if "material" in frames_here and not self._depicts(
                doc, sentence, hits, [h for n in rule.needs for h in concept_hits[n]]
            ):
                # rv1: a drawing covers the weapon drawn, not one held, hidden or real
                frames_here.discard("material")
            if self._blocked(rule, frames_here, concept_hits):
                continue
            words = {n: _first_distinct(concept_hits[n], rule.needs) for n in rule.needs}
            matches.append(
                RiskMatch(
                    rule=rule.id,
                    level=rule.level,
                    words=tuple(dict.fromkeys(words.values())),
                    reason=rule.reason.format(
                        **self._format_extras, **{k: f"'{v}'" for k, v in words.items()}
                    ),
                )
            )
        return matches

    def _is_hypothetical(self, sentence: Span) -> int | None:
        """ "If a parent turns up at the gate with a gun, what do we do?" (r26).

        A question (the sentence ends with "?") with "if" followed, after "ever", by one of
        lexicon `hypothetical` `subjects`: what could happen, not what is happening. The
        index where the hypothetical part begins (the start of the clause holding the "if"),
        or None. s11: only that part is hypothetical: "a man has a gun at the gate, what do
        we do if he comes in?" tells the gun now, in a clause of its own.
        """
        if not self._if_subjects or sentence[-1].text != "?":
            return None
        words = [t.lower_ for t in sentence]
        for i, word in enumerate(words[:-1]):
            if word != "if":
                continue
            nxt = words[i + 2] if words[i + 1] == "ever" and i + 2 < len(words) else words[i + 1]
            if nxt in self._if_subjects:
                begin = i
                while begin > 0 and words[begin - 1] not in _HYPOTHETICAL_BREAKS:
                    begin -= 1
                return sentence.start + begin
        return None

    @staticmethod
    def _clause_begin(doc: Doc, sentence: Span, index: int) -> int:
        """Where the clause holding doc[index] begins (after a `_HYPOTHETICAL_BREAKS` word)."""
        begin = index
        while begin > sentence.start and doc[begin - 1].lower_ not in _HYPOTHETICAL_BREAKS:
            begin -= 1
        return begin

    @staticmethod
    def _all_from(begin: int | None, hits: Iterable[_Hit]) -> bool:
        """Every hit at or after `begin` (a hypothetical part, `_is_hypothetical`)."""
        return begin is not None and all(h.start >= begin for h in hits)

    def _depiction_parts(self, doc: Doc, sentence: Span) -> Any:
        """Which part of the sentence a token is in, for a drawing's scope (rv1).

        A `depiction_scope` break ("and", "but", ",") starts a new part when a subject or a
        listed verb follows it: "she's sketching and he's hiding ... with a machete" is two parts,
        "drawings of guns and knives" one.
        """
        starts: list[int] = []
        for token in sentence:
            if token.lower_ not in self._depiction_breaks or token.i == sentence.start:
                continue
            j = token.i + 1
            while j < sentence.end and doc[j].lower_ in self._depiction_skip:
                j += 1
            if j < sentence.end and (
                doc[j].lower_ in self._depiction_subjects or doc[j].lower_ in self._depiction_verbs
            ):
                starts.append(token.i)

        def part_of(index: int) -> int:
            return sum(1 for start in starts if start <= index)

        return part_of

    def _real_after(self, doc: Doc, begin: int, end: int) -> bool:
        """A word saying a weapon is at hand ("in his bag", "real") in doc[begin:end]."""
        words = [t.lower_ for t in doc[begin:end]]
        for cue in self._depiction_real:
            n = len(cue)
            if any(tuple(words[i : i + n]) == cue for i in range(len(words) - n + 1)):
                return True
        return False

    def _depicts(self, doc: Doc, sentence: Span, hits: list[_Hit], evidence: list[_Hit]) -> bool:
        """True when a drawing, poster or document covers every hit in `evidence` (rv1).

        A weapon or device is covered only as the thing drawn: after a `material` word in
        the same part of the sentence, or right before it ("bomb diagrams"). Any other
        evidence is covered when it is in a part with a `material` word. A part with a word
        that says the weapon is real, held or hidden after the drawing word covers nothing.
        """
        drawings = [
            h for h in hits if h.concept == "material" and sentence.start <= h.start < sentence.end
        ]
        if not drawings:
            return False
        part_of = self._depiction_parts(doc, sentence)
        part_end: dict[int, int] = {}
        for token in sentence:
            part_end[part_of(token.i)] = token.i + 1

        def covers(drawing: _Hit, hit: _Hit) -> bool:
            part = part_of(hit.start)
            if part_of(drawing.start) != part:
                return False
            if self._real_after(doc, drawing.end, part_end[part]):
                return False
            if hit.concept not in _DRAWN_KINDS:
                return True
            if drawing.start <= hit.start:
                return True
            between = doc[hit.end : drawing.start]
            return len(between) <= 2 and all(t.is_alpha or t.text == "-" for t in between)

        return all(
            any(covers(d, h) for d in drawings)
            for h in evidence
            if sentence.start <= h.start < sentence.end
        )

    def depicted(self, text: str) -> bool:
        """Every weapon, threat or act in the message is in a drawing or document (rv1).

        What the guard `depiction` (bot.risk.combined) asks: there is a weapon or device,
        and each one, each threat, act or place of the message is covered by a drawing
        word of its own sentence (`_depicts`).
        """
        doc, hits = self._parsed(normalise(text or "")[:_WINDOW_CHARS])
        idioms = [h for h in hits if h.concept == "idiom"]
        evidence = [
            h
            for h in hits
            if h.concept in _DEPICTION_EVIDENCE
            and not any(i.start <= h.start and h.end <= i.end for i in idioms)
        ]
        if not any(h.concept in _DRAWN_KINDS for h in evidence):
            return False
        for sentence in _sentences(doc):
            here = [
                h
                for h in evidence
                if sentence.start <= h.start < sentence.end and not self._negated(doc, sentence, h)
            ]
            if here and not self._depicts(doc, sentence, hits, here):
                return False
        return True

    def mentions(self, text: str, concepts: frozenset[str]) -> bool:
        """A hit of one of `concepts`, not denied and not inside an idiom (rv1)."""
        doc, hits = self._parsed(normalise(text or "")[:_WINDOW_CHARS])
        idioms = [h for h in hits if h.concept == "idiom"]
        for sentence in _sentences(doc):
            for hit in hits:
                if hit.concept not in concepts or not sentence.start <= hit.start < sentence.end:
                    continue
                if any(i.start <= hit.start and hit.end <= i.end for i in idioms):
                    continue
                if not self._negated(doc, sentence, hit):
                    return True
        return False

    def pastoral_times(self, text: str) -> tuple[list[str], bool]:
        """The near times of a message outside its conversation times, and a threat told.

        For the guard `pastoral_context` (rv1, review S1-3): a near time counts as when a
        conversation was heard only when it is the very span of a kept `routine_time` hit
        ("at lunch" in "at lunch a girl said..."), never by its letters ("today" in "at
        break he told me ... today"). The flag says a `pastoral_threat` word ("going to",
        "'ll") follows a telling word: a threat told, not pastoral talk.
        """
        doc, hits = self._parsed(normalise(text or "")[:_WINDOW_CHARS])
        heard = [h for h in hits if h.concept == "routine_time"]
        times: list[str] = []
        for sentence in _sentences(doc):
            for hit in hits:
                if hit.concept != "near_time" or not sentence.start <= hit.start < sentence.end:
                    continue
                if any(r.start <= hit.start and hit.end <= r.end for r in heard):
                    continue
                if hit.text in self._same_day and any(
                    t.lower_ not in self._talk
                    and (
                        t.lower_ in self._past_verbs
                        or (len(t) > 4 and t.lower_.endswith("ed") and not t.lower_.endswith("eed"))
                    )
                    for t in doc[sentence.start : hit.start]
                ):
                    continue  # "she had a row with her mum this morning": what happened
                if not self._negated(doc, sentence, hit) and hit.text not in times:
                    times.append(hit.text)
        told = [h.end for h in hits if h.concept == "reported"] + [
            t.i + 1 for t in doc if t.lower_ in self._talk
        ]
        threat = False
        if told:
            words = [t.lower_ for t in doc]
            first = min(told)
            for cue in self._pastoral_threat:
                n = len(cue)
                if any(tuple(words[i : i + n]) == cue for i in range(first, len(words) - n + 1)):
                    threat = True
        return times, threat

    def _clauses(self, doc: Doc, sentence: Span) -> Any:
        """Which clause of the sentence a token is in: "since" and "because" start one (r15).

        "He has a knife in his bag because his brother was attacked last year": the past
        ("last year") is the reason's, not the knife's. A tense frame (lexicon `clauses`)
        covers the clause it is in only; a calm reason ("because of the roadworks") still
        explains the whole sentence.
        """
        starts = [t.i for t in sentence if t.lower_ in self._clause_starts and t.i > sentence.start]

        def clause_of(index: int) -> int:
            return sum(1 for start in starts if start <= index)

        return clause_of

    def _calm_clauses(self, doc: Doc, sentence: Span, frames: Iterable[int] = ()) -> Any:
        """Which clause of the sentence a token is in, for the calm frames (r25, issue 12).

        "Risk assessment done, but a man is in reception with a gun"; "one child found safe
        but another still missing by the river": a precaution, a policy question, an incident
        over, "all sorted" or a joke calm the danger signs of their own clause only. A clause
        starts at a lexicon `calm_clauses` `always` word ("but"), or at a `breaks` word ("and",
        a comma) when a new subject follows: a subject word ("he", "there"), or a determiner
        with a verb close after it ("and a parent has just turned up"). A list ("knives,
        saws and glue guns are kept in a locked cabinet") stays one clause. A calm frame
        right after a break starts one too ("..., all sorted"): `frames` are their starts.
        """
        words = self._calm_words
        frame_starts = set(frames)
        starts: list[int] = []
        for token in sentence:
            if token.i == sentence.start:
                continue
            word = token.lower_
            if (
                word in words["always"]
                or word in self._clause_starts
                or (word in words["relatives"] and self._doing_now(doc, token.i + 1, sentence.end))
            ):
                starts.append(token.i)
                continue
            if word not in words["breaks"]:
                continue
            j = token.i + 1
            while j < sentence.end and doc[j].lower_ in words["skip"]:
                j += 1
            if j >= sentence.end:
                continue
            if (
                doc[j].lower_ in words["subjects"]
                or j in frame_starts
                or (j + 1 in frame_starts and doc[j].lower_ in words["determiners"])
                or (
                    doc[j].lower_ in words["determiners"]
                    and self._verb_within(doc, j + 1, sentence.end)
                )
            ):
                starts.append(token.i)

        def clause_of(index: int) -> int:
            return sum(1 for start in starts if start <= index)

        return clause_of

    def _told_in_past(self, doc: Doc, sentence: Span, clause_of: Any, clause: int) -> bool:
        """Clause `clause` of the sentence tells something in the past, nothing now (r25)."""
        words = self._calm_words
        tokens = [t for t in sentence if clause_of(t.i) == clause]
        past = False
        for token in tokens:
            word = token.lower_
            before = doc[token.i - 1].lower_ if token.i > sentence.start else ""
            if word in words["present_words"] or (
                word == "'s" and before in words["present_after"]
            ):
                return False
            if word in words["past_words"] or (
                len(word) > 3 and word.endswith("ed") and not word.endswith("eed")
            ):
                past = True
        return past

    def _not_over(self, doc: Doc, sentence: Span, clause_of: Any, clause: int) -> bool:
        """Clause `clause` tells something now, or a return or an escape (`undoes_back`)."""
        words = self._calm_words
        tokens = [t for t in sentence if clause_of(t.i) == clause]
        text = " ".join(t.lower_ for t in tokens)
        if self._calm_undoes_back.search(text):
            return True
        for token in tokens:
            before = doc[token.i - 1].lower_ if token.i > sentence.start else ""
            if token.lower_ in words["present_words"] or (
                token.lower_ == "'s" and before in words["present_after"]
            ):
                return True
        return False

    def _new_person_now(
        self,
        doc: Doc,
        sentence: Span,
        clause_of: Any,
        clause: int,
        evidence: dict[str, list[_Hit]],
    ) -> bool:
        """Clause `clause` brings in a new person there now with a weapon or doing harm (r26).

        "Careers day is on Thursday and a man is in reception with a gun": an everyday event
        sets the scene for its own people ("... and the team are practising planting the
        bomb"), never for someone new (a `new_subjects` word opens the clause: "a man",
        "someone", "there's") told now (a `present_words` or `now_words` word) with the
        evidence of `live_evidence` (a weapon at hand, harm going on) in that clause.
        """
        words = self._calm_words
        tokens = [t for t in sentence if clause_of(t.i) == clause]
        if not any(
            clause_of(h.start) == clause and h.concept in self._calm_live
            for hits in evidence.values()
            for h in hits
        ):
            return False
        rest = [t.lower_ for t in tokens]
        while rest and (
            rest[0] in words["always"] or rest[0] in words["breaks"] or rest[0] in words["skip"]
        ):
            rest.pop(0)
        if not rest or rest[0] not in words["new_subjects"]:
            return False
        for token in tokens:
            before = doc[token.i - 1].lower_ if token.i > sentence.start else ""
            if token.lower_ in words["present_words"] or token.lower_ in words["now_words"]:
                return True
            if token.lower_ in {"'s", "s"} and (
                before in words["present_after"] or before in words["new_subjects"]
            ):
                return True
        return False

    def _doing_now(self, doc: Doc, begin: int, end: int) -> bool:
        """ "who is holding", "who's waving": a relative clause of someone doing it now (r25)."""
        if begin + 1 >= end or doc[begin].lower_ not in {"is", "are", "'s", "'re"}:
            return False
        return doc[begin + 1].lower_.endswith("ing")

    def _verb_within(self, doc: Doc, begin: int, end: int) -> bool:
        """A `calm_clauses` verb ("is", "has", "turned") within the window from `begin`."""
        stop = min(begin + self._calm_window, end)
        return any(self._is_verb(doc[k].lower_) for k in range(begin, stop))

    def _is_verb(self, word: str) -> bool:
        """A `calm_clauses` verb, a listed past form or an "-ed" word (r25)."""
        words = self._calm_words
        return (
            word in words["verbs"]
            or word in words["past_words"]
            or (len(word) > 3 and word.endswith("ed") and not word.endswith("eed"))
        )

    def _calmed_by(
        self,
        doc: Doc,
        sentence: Span,
        frame_hits: list[_Hit],
        evidence: dict[str, list[_Hit]],
    ) -> set[str]:
        """The calm frames (`calm_clauses`) that calm this evidence: no sign left elsewhere.

        A frame calms the hits of its own clauses. It counts for a rule only when some
        concept the rule needs has no hit outside those clauses: otherwise the rule still
        reads its evidence in another clause, which the frame does not explain (r25).
        """
        calm = [h for h in frame_hits if h.concept in self._calm_frames]
        if not calm:
            return set()
        clause_of = self._calm_clauses(doc, sentence, (h.start for h in calm))
        own: dict[str, set[int]] = {}
        every = set(range(clause_of(sentence.end - 1) + 1))
        for hit in calm:
            if sentence.start <= hit.start < sentence.end:
                own.setdefault(hit.concept, set()).add(clause_of(hit.start))
            else:  # named in the next sentence ("It's Call of Duty", `_named_after`)
                own.setdefault(hit.concept, set()).update(every)
        told = {
            clause_of(t.i)
            for t in sentence
            if t.lower_ in self._talk or t.lower_ in self._told_words
        }
        for frame in own.keys() & self._calm_reaches_told:
            own[frame] |= told  # a joke is about what was said (lexicon `reaches_told`)
        for frame in own.keys() & self._calm_reaches_back:
            # an incident over ends what was told before it, in the past (`reaches_back`),
            # unless a clause after it says it is not over ("... but he's back")
            last = max(own[frame])
            if any(
                self._not_over(doc, sentence, clause_of, c)
                for c in range(last + 1, clause_of(sentence.end - 1) + 1)
            ):
                continue
            own[frame] |= {
                c for c in range(last) if self._told_in_past(doc, sentence, clause_of, c)
            }
        reasons = {
            clause_of(t.i)
            for t in sentence
            if t.lower_ in self._clause_starts and t.i > sentence.start
        }
        contrasts = reasons | {
            clause_of(t.i)
            for t in sentence
            if t.lower_ in self._calm_words["always"] and t.i > sentence.start
        }
        for frame in own.keys() & self._calm_reaches_forward:
            # an everyday event sets the scene up to a contrast (`reaches_forward`)
            following = set()
            for clause in sorted(own[frame]):
                nxt = clause + 1
                while nxt in every and nxt not in contrasts:
                    if self._new_person_now(doc, sentence, clause_of, nxt, evidence):
                        break  # r26: "... and a man is in reception with a gun"
                    following.add(nxt)
                    nxt += 1
                if clause in reasons:
                    # a calm reason ("because of the roadworks") explains what it follows
                    before = clause - 1
                    while before >= 0:
                        following.add(before)
                        if before in contrasts:
                            break
                        before -= 1
            own[frame] |= following
        for frame in own.keys() & self._calm_reaches_past:
            # a time gone dates every clause told in the past (`reaches_past`)
            own[frame] |= {
                c
                for c in range(clause_of(sentence.end - 1) + 1)
                if self._told_in_past(doc, sentence, clause_of, c)
            }
        return {
            frame
            for frame, clauses in own.items()
            if any(
                all(clause_of(h.start) in clauses for h in hits) for hits in evidence.values()
            )
        }

    def _blocked(
        self, rule: _Rule, frames_here: set[str], concept_hits: dict[str, list[_Hit]]
    ) -> bool:
        for frame in rule.blocked_by:
            behaviour = self._frame_behaviour.get(frame, {"scope": "sentence"})
            present = frame in frames_here or frame in concept_hits
            if behaviour.get("scope") != "sentence" or not present:
                continue
            exemptions = behaviour.get("unless", ())
            if any(e in concept_hits or e in frames_here for e in exemptions):
                continue
            return True
        return False

    def _negated(self, doc: Doc, sentence: Span, hit: _Hit) -> bool:
        return self._negator_of(doc, sentence, hit) is not None

    def _negator_of(self, doc: Doc, sentence: Span, hit: _Hit) -> int | None:
        """The index of the "not"/"never"/"no" that denies this hit, if one does."""
        negation = self._frame_behaviour.get("negation", {})
        window = int(negation.get("window", 4))
        said = frozenset(str(w) for w in negation.get("reaches_through", ()))
        negators = self._negators
        i = hit.start - 1
        steps = 0
        through = False
        while i >= sentence.start and steps < window:
            token = doc[i]
            if token.lower_ in _CLAUSE_BREAKS:
                return None
            if token.lower_ in negators and i not in doc.user_data.get("own_negators", ()):
                if through and any(
                    t.lower_ in _FIRST_PERSON for t in doc[max(sentence.start, i - 2) : i]
                ):
                    return None  # "I haven't said he has a knife": the speaker's own telling
                return i
            if token.lower_ in _SUBJECTS:
                if not through and i - 1 >= sentence.start and doc[i - 1].lower_ in said:
                    # r21: "he hasn't said he wants to hurt anyone": what someone did not
                    # say is what is denied; the reported clause is not a new clause.
                    through = True
                    i -= 2
                    continue
                return None  # "if Reform doesn't win he'll take out…": a new clause began
            i -= 1
            steps += 1
        return None

    def without_denied(self, text: str) -> tuple[str, tuple[str, ...]]:
        """The message without the clauses that deny danger evidence, and the denied words.

        "No, she isn't in danger and nobody else is right now"; "he hasn't got any pills and
        isn't near the bridge": the model reads words, not negation, so it is handed the
        message without what was denied (issue 12, r12gen, class 4: answers during the
        should-I-refer questions). Only a clause whose negation denies a word the rules
        know as evidence goes, from the negator to the end of the denied words; everything
        else stays ("he hasn't threatened anyone, but he has a knife now" keeps the knife),
        and a negation that is part of a known phrase ("won't wake up") is evidence itself.
        """
        clean = normalise(text or "")[:_WINDOW_CHARS]
        doc, hits = self._parsed(clean)
        drop: set[int] = set()
        denied: list[str] = []
        for sentence in _sentences(doc):
            for hit in hits:
                if not sentence.start <= hit.start < sentence.end:
                    continue
                if hit.concept not in _FEATURES or hit.concept not in self._concept_names:
                    continue
                negator = self._negator_of(doc, sentence, hit)
                if negator is None:
                    continue
                denied.append(hit.text)
                drop.update(range(negator, hit.end))  # the denial and what it denies, no more
        if not drop:
            return clean, ()
        # The lower-cased doc: the model lower-cases anyway.
        kept = " ".join(t.text for t in doc if t.i not in drop and not t.is_space)
        return kept, tuple(dict.fromkeys(denied))

    @functools.cached_property
    def _negators(self) -> frozenset[str]:
        lexicon = load_lexicon()
        words = {str(w).lower() for w in lexicon["frames"]["negation"]}
        # spaCy splits "wouldn't" into "would" + "n't": both forms count.
        return frozenset(words | {"n't", "nt"})


#: What a drawing covers only as the thing drawn (rv1, `_depicts`).
_DRAWN_KINDS = frozenset({"weapon", "device", "means", "components"})
#: The evidence a drawing must cover for the guard `depiction` (rv1): the weapons, and the
#: threats, acts, places and presence words beside them.
_DEPICTION_EVIDENCE = _DRAWN_KINDS | {
    "presence",
    "held",
    "intent",
    "threat_words",
    "violent_act",
    "grave_act",
    "harm_in_progress",
    "attack_target",
    "built",
}

#: Concepts that count as evidence when the model speaks: what kind of evidence each is.
_FEATURES = {
    "near_time": "near time",
    "distant_time": "far time",
    "attack_target": "target",
    "target": "target",
    "hit_list": "target",
    "means": "means",
    "weapon": "means",
    "device": "means",
    "life_risk": "risk to life",
    "danger_hint": "sign of danger",
    "proscribed_org": "proscribed organisation",
    "violent_act": "act",
    "harm_in_progress": "act",
    "plot": "planning",
    "research_attack": "planning",
    "travel": "travel",
    "terror_group": "group",
    "terror_support": "group activity",
    "idiom": "idiom",
    "everyday": "everyday context",
    "benign_activity": "benign activity",
    "joke": "joke",
    "discussion": "lesson or story",
    "material": "material or depiction",
    "past": "past",
    "resolved": "resolved",
    "description": "referral description",
    "hazard": "sign of danger",
    "unresponsive": "sign of danger",
    "drowsy": "sign of danger",
    "farewell": "sign of danger",
    "components": "means",
    "terror_publication": "planning",
    "attack_ref": "attack named",
    "stay_away": "warning",
    "zero_hour": "warning",
    "question": "question",
    "prevent_concern": "Prevent concern",
    "risk_place": "place of danger",
    "perched": "place of danger",
    "dual_use": "dual-use material",
    "grave_act": "act",
    "routine_time": "routine time",
    "grave_object": "target",
    # r18: situations and attack plans read from state, target and means
    "unattended": "sign of danger",
    "helpless": "sign of danger",
    "self_harm_act": "sign of danger",
    "booby_trap": "means",
    "trap_people": "planning",
    # r12pol: evidence a police verdict of the model may rest on (no rule of their own)
    _ABBREVIATION: "proscribed organisation",
    _ABBREVIATION_AS_ORG: "proscribed organisation",
    "group_described": "group",
    "travel_to_fight": "travel",
    "target_research": "planning",
    "group_funding": "planning",
    "precursor": "dual-use material",
    "instructions_shared": "instructions",
    # r17: a group's media (SET 2.3: material, engagement) and a link with a group
    # (membership, contact, promotion, funding: SET 2.1, police); the guard `group_media`
    # (combined.py) tells the two apart.
    "group_media": "group media",
    "search_topic": "search",
    "ended_link": "ended",
    "relayed_view": "relayed view",
    "religious_practice": "religious practice",
    "view_modal": "view",
    "org_link": "link with a group",
}

#: A second, narrower kind for some concepts: "target" also holds any person ("him", "a
#: boy"); a place or group attacks are aimed at, or a list of names, is a "target place",
#: which a model's police verdict may rest on (r12gen: target research described calmly).
_ALSO = {
    "attack_target": "target place",
    "hit_list": "target place",
    # Evidence a police verdict may rest on (r12gen): instructions for making or doing
    # harm. (Harm foretold, "deserve to die", was tried and dropped: it is also a view.)
    "how_to": "instructions",
}

_QUESTION_STARTS = frozenset(
    "what how which when why where is are does do can could should would".split()
)
#: Words that tie a question to a real person or event ("my pupil", "he said"): then it
#: is a report phrased as a question, not a question about the policy.
_SPECIFIC = frozenset(
    "my our he she his her him they them their this these just told says said saying "
    "today tonight now here".split()
)


def _is_general_question(sentence: Span) -> bool:
    """ "What signs suggest someone intends to cause harm?": a question about the policy."""
    words = [t.lower_ for t in sentence if not t.is_punct and not t.is_space]
    if not words or sentence[-1].text != "?" or words[0] not in _QUESTION_STARTS:
        return False
    return not any(w in _SPECIFIC for w in words)


#: "fire" followed by one of these is fire safety, not a fire ("on fire exits", r12gen).
_FIRE_SAFETY = frozenset(
    "exit exits drill drills safety alarm alarms door doors extinguisher extinguishers "
    "brigade station service officer officers escape marshal marshals blanket".split()
)

#: Past participles that do not end in "-ed": "he'd been", "she'd done" are had, not would.
_PARTICIPLES = frozenset(
    "been done gone got gotten taken seen had left made brought bought thrown stolen written "
    "given known told found kept lost shot burnt".split()
)

#: "his lunch", "her tea": a meal someone eats, not the time something happens (r17).
_MEALS = frozenset("lunch dinner breakfast tea supper snack".split())
_POSSESSIVES = frozenset("his her their my your our its".split())
_ROLES_AFTER_A_TIME = frozenset(
    "supervisor supervisors assistant assistants staff lady ladies club clubs duty".split()
)

#: Concepts that name a thing (a weapon, a device): their "-ing" forms name an event.
_THING_CONCEPTS = frozenset({"weapon", "device"})
#: "support" before one of these is a role or a service (r24), never support for a group.
_SUPPORT_ROLES = frozenset(
    "worker workers officer officers staff assistant assistants team teams services service "
    "plan plans package session sessions hub line".split()
)
#: "arrested for drugs": the words before "for" that name what someone was dealt with for.
_OFFENCE_STEMS = ("arrest", "charg", "convict", "exclud", "expel", "caught", "sentenc", "jail")
#: A day or week after "last" is gone ("last Friday"); "the last 10 minutes" is not (r24).
_DAYS_GONE = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday week weekend".split()
)
#: Concepts read as a shape or a topic before "-shaped" / "-making" (r24).
_SHAPED_CONCEPTS = frozenset({"weapon", "device", "means", "danger_hint", "violent_act"})


def _misread(doc: Doc, concept: str, start: int, end: int) -> bool:
    """Matches that are a different word in context (issue 12, r12rules).

    - "bombing" or "shooting" matched as a weapon by its lemma is an event ("printouts
      about the 1995 bombing"), not a weapon there now;
    - "now" before an age or a year group ("a former pupil (now 19)", "now in year 10")
      tells who someone is, not when something will happen.
    """
    token = doc[start]
    after = [t.lower_ for t in doc[end : end + 2]]
    if concept in _SHAPED_CONCEPTS and (
        after[:1] in (["shaped"], ["making"]) or after in (["-", "shaped"], ["-", "making"])
    ):
        # r24: "a grenade-shaped rubber", "bomb-making guides": the shape of a thing or the
        # topic of a guide, not a weapon at hand (the guide is read as research all the same)
        return True
    if concept == "built" and token.lower_ == "ready" and end - start == 1:
        ahead = [t.lower_ for t in doc[max(0, start - 2) : start]]
        if ahead[-1:] in (["'m"], ["am"], ["get"], ["getting"]) or ahead == ["must", "be"]:
            return True  # r24: "when I'm ready", "he must be ready": a person, not a weapon
    if concept in _SHAPED_CONCEPTS and start > 0 and doc[start - 1].lower_ in {"word", "words"}:
        return True  # r24: "the word petrol written next to it": a word written, no petrol
    if token.lower_ == "support" and after[:1] and after[0] in _SUPPORT_ROLES:
        return True  # r24: "our family support worker": a job, not support for a group
    if concept == "danger_hint" and start > 1 and doc[start - 1].lower_ == "for":
        if doc[start - 2].lower_.startswith(_OFFENCE_STEMS):
            return True  # r24: "arrested for drugs", "excluded for a knife": an offence named
    if concept == "presence" and token.lower_ == "found" and after[:1] == ["out"]:
        return True  # r24: "I found out he is buying knives": learning of it, not a find
    if (
        concept == "near_time"
        and start > 0
        and doc[start - 1].lower_ == "last"
        and token.lower_ in _DAYS_GONE
    ):
        return True  # r24: "last Friday", "last Tuesday": a day gone, not a time to come
    if doc[end - 1].lower_ == "fire" and end < len(doc) and doc[end].lower_ in _FIRE_SAFETY:
        return True  # "a project on fire exits", "burning question about fire drills"
    if concept == "terror_support" and token.lemma_ == "give" and end < len(doc):
        if doc[end].lower_ in {"me", "us"}:
            return True  # "give me the gist of why...": a request, not giving to a group (r17)
    if concept == "org_link" and end - start == 1 and token.lower_ == "back":
        return True  # "a few years back": "backs" and "backing" are links, "back" is not (r17)
    if concept in _THING_CONCEPTS and end - start == 1 and token.lower_.endswith("ing"):
        return token.lower_ != token.lemma_
    if concept == "intent" and token.lower_ == "'d" and end - start == 1:
        # "he'd stabbed", "she'd been": had, not would (r15)
        # "I'd kill for a coffee", "you'd die laughing": a first or second person's would
        # is a hypothetical; a reported threat is someone else's ("he told them he'd...").
        next_word = doc[end].lower_ if end < len(doc) else ""
        before = doc[start - 1].lower_ if start > 0 else ""
        return before in {"i", "we", "you"} or next_word.endswith("ed") or next_word in _PARTICIPLES
    if concept == "near_time" and token.lower_ in _MEALS and end - start == 1 and start > 0:
        if doc[start - 1].lower_ in _POSSESSIVES:
            return True  # "while eating his lunch": a meal someone has, not a time (r17)
    if concept == "near_time" and end < len(doc) and doc[end].lower_ in _ROLES_AFTER_A_TIME:
        return True  # "a lunchtime supervisor", "breakfast club": who or what, not when (r17)
    if concept == "near_time" and token.lower_ == "now" and end - start == 1:
        next_token = doc[end] if end < len(doc) else None
        if next_token is not None and (
            next_token.like_num or next_token.lower_ in {"aged", "age", "in", "year", "yr"}
        ):
            return True
    return False


def _with_frame_blocks(rules: tuple[_Rule, ...], spec: dict[str, Any]) -> tuple[_Rule, ...]:
    """Rules with the frames of lexicon `frame_blocks` added to what blocks them (r24).

    `frame_blocks` maps a frame to the rule ids it blocks, or to "all": a policy question
    about storing knives, a slang word explained, a safety precaution explain every rule
    of their sentence, and listing them once keeps the rules themselves as they were.
    """
    ids = {r.id for r in rules}
    extra: dict[str, list[str]] = {}
    for frame, names in spec.items():
        # A rule id the lexicon has not got blocks nothing (tests build smaller lexicons);
        # tests/risk/test_r24_precision.py checks that each one names a rule of lexicon.yml.
        targets = sorted(ids) if names == "all" else [str(n) for n in names if n in ids]
        for name in targets:
            extra.setdefault(name, []).append(str(frame))
    return tuple(
        _Rule(
            r.id,
            r.level,
            r.needs,
            (*r.blocked_by, *(f for f in extra.get(r.id, ()) if f not in r.blocked_by)),
            r.reason,
        )
        for r in rules
    )


def _first_distinct(hits: list[_Hit], _needs: Sequence[str]) -> str:
    """The longest matched phrase of a concept: it explains the match best."""
    return max(hits, key=lambda h: (h.end - h.start, -h.start)).text


def _sentences(doc: Doc) -> Iterable[Span]:
    start = 0
    for token in doc:
        if token.text in _SENTENCE_BREAKS or "\n" in token.text:
            if token.i + 1 > start:
                yield doc[start : token.i + 1]
            start = token.i + 1
    if start < len(doc):
        yield doc[start:]


def _windows(text: str) -> Iterable[str]:
    if len(text) <= _WINDOW_CHARS:
        yield text
        return
    step = _WINDOW_CHARS - _WINDOW_OVERLAP
    for begin in range(0, len(text), step):
        yield text[begin : begin + _WINDOW_CHARS]


def _make_nlp() -> spacy.language.Language:
    """A blank English pipeline with the offline lookup lemmatizer (spacy-lookups-data)."""
    nlp = spacy.blank("en")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, OSError, ImportError):  # lookups missing: fall back to surface forms
        nlp = spacy.blank("en")
    return nlp


@functools.lru_cache(maxsize=1)
def load_lexicon(path: Path = _LEXICON_PATH) -> dict[str, Any]:
    """The lexicon, with the files of `_EXTRA_LEXICONS` beside it merged in (r24).

    Each extra file holds additions only: its lists extend the lexicon's lists of the same
    key, its mappings merge key by key. Kept apart so work on precision (false alarms) and
    on recall can change the lexicon at the same time without editing the same lines.
    """
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise LexiconError(f"{path} does not hold a mapping")
    if path == _LEXICON_PATH:
        for name in _EXTRA_LEXICONS:
            extra_path = path.with_name(name)
            if extra_path.exists():
                with extra_path.open(encoding="utf-8") as fh:
                    extra = yaml.safe_load(fh) or {}
                if not isinstance(extra, dict):
                    raise LexiconError(f"{extra_path} does not hold a mapping")
                _merge_into(data, extra, name)
    return data


#: Additions to `lexicon.yml`, merged in by `load_lexicon` (r24, issue 12: false alarms; r26:
#: dangers now that got no 999; the third: weapons kept, groups displayed, over and cared for,
#: training questions, from set N's misses).
_EXTRA_LEXICONS = ("lexicon_precision.yml", "lexicon_recall.yml", "lexicon_context.yml")


def _merge_into(base: dict[str, Any], extra: dict[str, Any], where: str) -> None:
    """Add `extra` to `base`: lists extend (no repeats), mappings merge, new keys are added."""
    for key, value in extra.items():
        if key not in base:
            base[key] = value
        elif isinstance(base[key], dict) and isinstance(value, dict):
            _merge_into(base[key], value, f"{where}:{key}")
        elif isinstance(base[key], list) and isinstance(value, list):
            base[key].extend(v for v in value if v not in base[key])
        else:
            raise LexiconError(f"{where}: {key!r} would replace the lexicon's own value")


@functools.lru_cache(maxsize=1)
def load_proscribed(path: Path = PROSCRIBED_PATH) -> dict[str, Any]:
    """Names and aliases of proscribed organisations, with the date the list was read."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    try:
        names: list[str] = []
        cased: dict[str, str] = {}
        in_context: dict[str, str] = {}
        for entry in data["organisations"]:
            aliases = [str(a) for a in entry.get("aliases", ())]
            # r27: a name that is an ordinary phrase in lower case ("the base"), with the
            # words around it that make it the group ("stickers for the base")
            in_words = [str(a) for a in entry.get("lower_case_in_context", ())]
            for name in [entry["name"], *aliases, *in_words]:
                if str(name).lower() not in names:
                    names.append(str(name).lower())
            for spelling in entry.get("cased", ()):
                # "The Base" with its capitals is the group; "the base" is any base.
                cased[str(spelling)] = (aliases or [str(entry["name"])])[0].lower()
            for letters in entry.get("in_context", ()):
                # "NA", "IS": only as typed and next to a link word (r12pol, `_hits`)
                in_context[str(letters)] = str(entry["name"])
        return {
            "names": names,
            "cased": cased,
            "in_context": in_context,
            "read_on": str(data["read_on"]),
            "source": data["source"],
        }
    except (KeyError, TypeError) as exc:
        raise LexiconError(f"{path} is missing {exc}") from exc


@functools.lru_cache(maxsize=1)
def get_detector() -> RiskDetector:
    """The process-wide detector (building it loads spaCy and the lexicon once)."""
    return RiskDetector(load_lexicon())


def assess_rules(text: str) -> RiskAssessment:
    """Assess one message with the rules alone (the process-wide detector)."""
    return get_detector().assess(text)
