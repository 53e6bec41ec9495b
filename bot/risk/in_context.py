"""The immediate-risk check on a reply, read AS an answer to the question the assistant asked.

`bot.risk.assess` reads every message on its own. Inside the should-I-refer questions or a
VTR form that is wrong in one direction: "Not at the moment, she's at school today", given
to "is anyone in immediate danger right now?", reads as "today" + a place, and "No, he
hasn't threatened anyone or said he wants to hurt anyone" fires the threat rule on the very
words it denies. The assistant knows which question it asked; `assess_reply` uses that.

The rules (word lists in ``guidance/risk/answers.yml``):

(a) a negation or a hedge reaches only the words it governs: an echo of the question asked
    ("hasn't threatened anyone or said ...", "not that I know of, his uncle might have a
    shotgun"). It never reaches a statement it embeds: after a verb of knowing or noticing
    ("nobody knows he has a knife"), after the speaker's own not-telling ("I haven't told
    anyone he has ..."), or after "and he ..."; that statement is a clause of its own;
(b) the danger question answered with a firm no ("no", "not right now", "nobody", "I don't
    think so", "he's not in danger") sets aside the model's verdict on the rest of the reply
    unless that rest holds hard evidence (means, an act, a risk to life, a plan, a group...)
    or says something new ("but ..."); a rest with only a sign of danger (a roof, pills) is
    asked about; a rest with nothing is not (the no answered that very question);
(c) an unsure answer ("maybe", "I think so", "probably not", "I'm not sure") is not a no:
    the model's 999 on the rest stands with hard evidence and is asked about without it;
    "not yet" with something still to come ("he says he'll do it after school") is no
    denial at all: the reply is read as `assess` reads it, and asked about at least;
(d) a negated or hedged clause never loses a risk to life (nor, hedged, means or an act
    with a close time, means here now, a proscribed organisation); what else it sets aside
    that still looks like danger becomes a doubt (the assistant asks "Is anyone in danger
    right now?" with 999 in the same reply);
(e) everything else counts as before: the reply without what was set aside (its own
    punctuation kept, so one sentence stays one sentence) is assessed again by
    `bot.risk.assess`, so "No, but he's bringing a knife tomorrow" is 999 and "no, but he's
    joined The Base" is police, with reasons quoting the reply's words as typed;
(f) a reply to a form question (anything but the danger question) that answers no danger
    question describes what was seen: the model's verdict on it stands only with a named
    or banned group, a plan, instructions, travel, a risk to life, a warning or a dual-use
    material in it, or a 999 with something still to come (`described_keeps`); a rule's
    match always stands (r26).

The reply is never rated higher than `assess` rates it: the context only explains words
away, it never adds an alarm (at most the danger question). With no question asked, the
answer is `assess`'s own. Nothing here keeps a reply's text once it has been read: no cache
(the whole message's own `assess` is the one the NLU component already made).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.risk.combined import assess
from bot.risk.detector import RiskAssessment, RiskMatch, get_detector, load_lexicon, normalise

ANSWERS_PATH = Path(__file__).resolve().parents[2] / "guidance" / "risk" / "answers.yml"
_ORDER = {"none": 0, "police": 1, "emergency": 2}
_MODEL_RULES = frozenset({"model", "model_doubt"})
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
#: Where a clause ends whatever words follow: sentence ends, semicolons, colons, dashes,
#: brackets and commas (a comma followed by "or" carries the clause on, see `carry_on`).
_BREAK = re.compile(r"[.!?;:\n()]+|\s[-\u2013\u2014]\s|,")
#: The clause kinds that answer the question asked (see `Clause.kind`).
_ANSWERING = frozenset({"denial", "unsure", "pending", "negated", "hedged"})
#: `bot.risk.assess` without its cache, for the parts of a reply read here: no reply text
#: is kept in a process-wide cache by this module (P3).
_assess_uncached = getattr(assess, "__wrapped__", assess)


@dataclass(frozen=True)
class AskedQuestion:
    """What the assistant asked just before this reply: one kind or several (the danger
    check and the form's next question can be asked in the same reply)."""

    kinds: frozenset[str]
    #: The slot or bot action names it came from, for the record.
    asked_by: tuple[str, ...] = ()

    @classmethod
    def from_names(cls, names: Iterable[str | None]) -> AskedQuestion | None:
        """The question behind requested slots and bot actions ("triage_intent",
        "utter_check_danger"), from the `asked_by` table; None when none asks anything."""
        table = load_answers()["asked_by"]
        found = tuple(n for n in dict.fromkeys(names) if n and n in table)
        if not found:
            return None
        return cls(frozenset(table[n] for n in found), found)

    @classmethod
    def any_question(cls) -> AskedQuestion:
        """Every kind at once: the most an answer could ever explain away. The NLU
        component uses it to tell a verdict no context can change from one that may."""
        return cls(frozenset(load_answers()["echoes"]), ("any",))


@dataclass(frozen=True)
class Clause:
    """One clause of a reply, as typed, with where it sits in the (normalised) reply."""

    text: str
    #: "denial" (only a firm no), "unsure" (only a maybe, a not sure), "pending" (only a
    #: "not yet"), "negated" or "hedged" (governs an echo of the question), "new" (opens
    #: with but/unless/until...), or "plain".
    kind: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class ReplyReading:
    """How a reply was read: its clauses, what was set aside and the final assessment."""

    assessment: RiskAssessment
    clauses: tuple[Clause, ...] = ()
    set_aside: tuple[RiskMatch, ...] = ()
    #: How the reply answers the danger question: "denial", "unsure", "pending" or None.
    answer: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def denies_danger(self) -> bool:
        return self.answer == "denial"


def assess_reply(text: str, asked: AskedQuestion | None) -> RiskAssessment:
    """The risk of a reply to `asked` (see the module doc); `assess(text)` when nothing was
    asked."""
    return read_reply(text, asked).assessment


def read_reply(text: str, asked: AskedQuestion | None) -> ReplyReading:
    """`assess_reply` with its working shown. Not cached: no reply text is kept (P3)."""
    full = assess(text or "")  # the NLU component's own call: no new text is kept by it
    if asked is None or not asked.kinds:
        return ReplyReading(full)
    data = load_answers()
    typed = normalise(text or "")
    clauses = tuple(_clauses(typed, asked.kinds, data))
    answer = _answer(clauses) if "danger" in asked.kinds else None
    if answer == "pending":
        to_come = _to_come(typed, clauses, data)
        if to_come:  # "not yet, he says he'll do it after school": no denial at all
            note = ("'not yet' with something still to come: read as the reply alone",)
            if full.level != "none" or full.doubts:
                return ReplyReading(_as_typed(full, typed), clauses, (), answer, note)
            doubt = _doubt(to_come, data)
            return ReplyReading(RiskAssessment("none", (), (doubt,)), clauses, (), answer, note)
    if full.level == "none" and not full.doubts:
        return ReplyReading(full, clauses, (), answer)
    if answer is None and asked.kinds - {"danger"}:
        described = _described(full, typed, data)
        if described is not None:  # a description for the form: the model's guess set aside
            return ReplyReading(
                described,
                clauses,
                tuple(m for m in _as_typed(full, typed).matches if m not in described.matches),
                answer,
                ("a description given to a form question: the model's verdict set aside",),
            )
    if not any(c.kind in _ANSWERING for c in clauses):
        return ReplyReading(_as_typed(full, typed), clauses, (), answer)
    kept: list[Clause] = [c for c in clauses if c.kind in ("plain", "new")]
    doubts: list[RiskMatch] = []
    notes: list[str] = []
    for clause in clauses:
        if clause.kind == "negated":
            if _never_cancel(clause.text, data["negated_never_cancel"]):
                kept.append(replace(clause, kind="new"))
                notes.append(f"kept a risk to life in a negated clause: {clause.text!r}")
            else:
                doubts += _doubt_for(
                    clause.text, data, data["negated_doubt_evidence"], _echo_re(asked.kinds)
                )
        elif clause.kind == "hedged":
            if _never_cancel(clause.text, data["never_cancel"]):
                kept.append(replace(clause, kind="new"))  # a guess that must still be acted on
                notes.append(f"kept a guess with hard evidence: {clause.text!r}")
            else:
                doubts += _doubt_for(clause.text, data)
    kept_text = _only(typed, kept)
    found = _assess_uncached(kept_text) if _words(kept_text.lower()) else RiskAssessment("none")
    matches = list(found.matches)
    model = [m for m in matches if m.rule in _MODEL_RULES]
    if answer is not None and model:
        new_text = _only(typed, [c for c in kept if c.kind == "new"])
        new_found = _assess_uncached(new_text) if _words(new_text.lower()) else None
        features = set(get_detector().features(kept_text))
        hard = set(data["hard_evidence"]) & features
        new_model = new_found is not None and any(m.rule in _MODEL_RULES for m in new_found.matches)
        if not hard and not new_model:
            matches = [m for m in matches if m.rule not in _MODEL_RULES]
            weak = sorted(set(data["weak_evidence"]) & features)
            if weak:  # "no, she's on the roof": when in doubt, ask
                doubts += _doubt_for(kept_text, data, weak)
                notes.append("the model's 999 rested on a sign of danger beside the answer")
            elif answer != "denial":  # "I'm not sure, ...": a hedge is not a no
                doubts.append(_doubt(model[0].words, data))
                notes.append("the model's verdict beside an unsure answer: asked about")
            else:
                notes.append("the model's verdict rested on the words around a denial of danger")
    matches = [m for m in matches if _ORDER[m.level] <= _ORDER[full.level]]
    level = max((m.level for m in matches), key=_ORDER.__getitem__, default="none")
    kept_matches = tuple(m for m in matches if m.level == level) if level != "none" else ()
    if level == "none":
        all_doubts = tuple(dict.fromkeys([*found.doubts, *doubts]))
        result = RiskAssessment("none", (), all_doubts)
    else:
        result = RiskAssessment(level, kept_matches)  # type: ignore[arg-type]
    result = _as_typed(result, typed)
    aside = tuple(m for m in _as_typed(full, typed).matches if m not in result.matches)
    return ReplyReading(result, clauses, aside, answer, tuple(notes))


def _described(full: RiskAssessment, typed: str, data: dict[str, Any]) -> RiskAssessment | None:
    """A reply to a form question read as the description it is (r26, issue 12, (f)).

    "He posts videos praising the attack on his story": the model's police or 999 on a
    description counts only with evidence of a `described_keeps` kind (a named group, a
    plan, instructions, travel, a risk to life...), or, for its 999, something still to come
    (`to_come`, a near time ahead) or told present (`described_present`: "he's in the
    garage with a shotgun", s11) with means, an act or a sign of danger. Otherwise the
    rules' own matches are the verdict, and a 999 of the model set aside with a sign of danger
    beside it is asked about. None when there is nothing to set aside (no model verdict, or
    evidence enough for it).
    """
    model = [m for m in full.matches if m.rule in _MODEL_RULES]
    if not model:
        return None
    features = get_detector().features(typed)
    kinds = set(features)
    if kinds & set(data["described_keeps"]):
        return None
    if any(m.level == "emergency" for m in model) and kinds & set(data["described_keeps_to_come"]):
        not_future = set(load_lexicon()["across_sentences"]["not_future"])
        ahead = [t for t in features.get("near time", ()) if t not in not_future]
        if ahead or _compiled()["to_come"].search(typed.lower()):
            return None
        if _compiled()["described_present"].search(typed.lower()):
            return None  # s11: "he's in the garage with a shotgun": a danger told now
    rules = [m for m in full.matches if m.rule not in _MODEL_RULES]
    level = max((m.level for m in rules), key=_ORDER.__getitem__, default="none")
    if level != "none":
        kept = tuple(m for m in rules if m.level == level)
        return _as_typed(RiskAssessment(level, kept), typed)  # type: ignore[arg-type]
    doubts: list[RiskMatch] = list(full.doubts)
    if any(m.level == "emergency" for m in model):
        doubts += _doubt_for(typed, data)
    return _as_typed(RiskAssessment("none", (), tuple(dict.fromkeys(doubts))), typed)


# -- reading the reply ----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str]:
    parts = sorted((str(p).lower() for p in phrases), key=len, reverse=True)
    alts = "|".join(re.escape(p).replace(r"\*", r"[\w'\-]*") for p in parts)
    return re.compile(rf"(?<![\w'])(?:{alts})(?![\w'])")


def _cuts(text: str, pattern: re.Pattern[str], keep: bool) -> list[tuple[int, int]]:
    """Spans of `text` between the matches of `pattern` (a match opens the next span when
    `keep`, as a contrast word does; otherwise it is dropped, as a comma is)."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in pattern.finditer(text):
        if keep and match.start() == 0:
            continue
        spans.append((begin, match.start()))
        begin = match.start() if keep else match.end()
    spans.append((begin, len(text)))
    return spans


def _clauses(text: str, kinds: frozenset[str], data: dict[str, Any]) -> Iterable[Clause]:
    """The reply (as typed) cut into clauses, each with how it answers (`Clause.kind`)."""
    compiled = _compiled()
    lower = text.lower() if len(text.lower()) == len(text) else text
    previous: Clause | None = None
    pending: list[tuple[int, int]] = []
    for a, b in _cuts(lower, _BREAK, keep=False):
        pending += [(a + x, a + y) for x, y in _cuts(lower[a:b], compiled["contrasts"], True)]
    while pending:
        a, b = pending.pop(0)
        while a < b and lower[a].isspace():
            a += 1
        while b > a and lower[b - 1].isspace():
            b -= 1
        part = lower[a:b]
        if not _words(part):
            continue
        kind = _kind(part, kinds, data)
        if previous is not None and compiled["carry_on"].match(part):
            if previous.kind in ("negated", "hedged"):
                kind = previous.kind  # "..., or said he wants to hurt anyone"
        elif compiled["contrasts"].match(part) and kind == "plain":
            kind = "new"  # "but he's bringing a knife tomorrow"
        if kind in ("negated", "hedged"):
            cut = _statement_at(part)
            if cut is not None:  # "nobody knows | he has a knife": two clauses
                pending.insert(0, (a + cut, b))
                b = a + cut
                part = lower[a:b]
                kind = _kind(part, kinds, data)
                if kind == "plain" and previous is not None and compiled["contrasts"].match(part):
                    kind = "new"
        clause = Clause(text[a:b].strip(), kind, a, b)
        previous = clause
        yield clause


def _statement_at(clause: str) -> int | None:
    """Where a negated or hedged clause embeds a statement of its own (S1), or None.

    A negation reaches the words it negates, not a statement after a verb of knowing or
    noticing ("nobody knows | he has a knife"), after the speaker's own not-telling ("I
    haven't told anyone | he has ..."), or after "and" ("nobody is in danger | and he's got
    ..."). After a verb of saying or wanting by anyone else, the statement is what is
    denied: "he has never said he would hurt anyone" stays one negated clause.
    """
    compiled = _compiled()
    words = list(_WORD.finditer(clause))
    first = next((i for i, w in enumerate(words) if _is_negation(w.group(), compiled)), None)
    hedge = compiled["hedges"].search(clause)
    if hedge is not None:
        at = next((i for i, w in enumerate(words) if w.start() >= hedge.start()), None)
        first = at if first is None or (at is not None and at < first) else first
    if first is None:
        return None
    speaker = any(w.group() in ("i", "we", "i've", "we've", "i'm") for w in words[: first + 1])
    factive, reporter = compiled["factive"], compiled["reporter"]
    for i in range(first + 1, len(words)):
        if words[i].group() not in compiled["starts"]:
            continue
        before = words[i - 1].group()
        if before in compiled["joins"]:
            return words[i - 1].start()
        if factive.fullmatch(before):
            return words[i].start()
        if before == "that" and i >= 2 and factive.fullmatch(words[i - 2].group()):
            return words[i - 1].start()
        if speaker:
            back = words[max(first, i - 4) : i]
            if any(reporter.fullmatch(w.group()) for w in back):
                return words[i].start()
    return None


def _kind(clause: str, kinds: frozenset[str], data: dict[str, Any]) -> str:
    compiled = _compiled()
    if _only_answer(clause, compiled["pending"]):
        return "pending"
    if _only_answer(clause, compiled["unsure"]):
        return "unsure"
    if _only_answer(clause, compiled["denials"]):
        return "denial"
    words = _words(clause)
    echo = _echo_re(kinds)
    window = int(data.get("echo_window", 4))
    for i, word in enumerate(words):
        if _is_negation(word, compiled):
            after = " ".join(words[i + 1 : i + 1 + window])
            if echo.search(after):
                return "negated"
    hedges = compiled["hedges"]
    if hedges.search(clause) and (echo.search(clause) or not _words(hedges.sub(" ", clause))):
        return "hedged"
    return "plain"


def _is_negation(word: str, compiled: dict[str, Any]) -> bool:
    return word.endswith("n't") or word in compiled["nt"] or word in compiled["negations"]


def _only_answer(clause: str, answers: frozenset[str]) -> bool:
    """A clause that is nothing but one of `answers` ("no", "not at the moment", "maybe")."""
    if " ".join(_words(clause)) in answers:  # "not yet" before its filler "yet" goes
        return True
    rest = " ".join(_words(_compiled()["fillers"].sub(" ", clause)))
    return bool(rest) and rest in answers


def _answer(clauses: tuple[Clause, ...]) -> str | None:
    """How the reply answers the danger question: its first answering clause, before
    anything new. A firm no ("denial", a negated echo, "I don't think so"), an "unsure"
    one (a maybe, a hedge that is no no) or a "pending" one ("not yet"); None otherwise."""
    soft_no = _compiled()["soft_no"]
    for clause in clauses:
        if clause.kind in ("denial", "negated"):
            return "denial"
        if clause.kind == "hedged":
            return "denial" if soft_no.search(clause.text.lower()) else "unsure"
        if clause.kind in ("unsure", "pending"):
            return clause.kind
        if clause.kind == "new":
            return None
    return None


def _to_come(text: str, clauses: tuple[Clause, ...], data: dict[str, Any]) -> tuple[str, ...]:
    """The words of the reply beyond its "not yet" that say something is still to come."""
    rest = _only(text, [c for c in clauses if c.kind != "pending"])
    found = [m.group(0) for m in _compiled()["to_come"].finditer(rest.lower())]
    not_future = set(load_lexicon()["across_sentences"]["not_future"])
    times = get_detector().features(rest).get("near time", [])
    found += [t for t in times if t not in not_future]
    return tuple(dict.fromkeys(_typed(w, text) for w in found))


def _only(text: str, chosen: Iterable[Clause]) -> str:
    """The reply with only the chosen clauses' words, its own punctuation kept: what was
    set aside becomes blanks, so one sentence of the reply stays one sentence."""
    chars = [ch if not ch.isalnum() else " " for ch in text]
    for clause in chosen:
        chars[clause.start : clause.end] = text[clause.start : clause.end]
    return re.sub(r"[ \t]+", " ", "".join(chars)).strip()


def _never_cancel(clause: str, needs: list[list[str]]) -> bool:
    """A guess (or a negation) that still holds what no answer may explain away."""
    if _assess_uncached(clause).level == "none":
        return False
    kinds = set(get_detector().features(clause))
    if _compiled()["present_here"].search(clause.lower()):
        kinds.add("present here")
    return any(set(need) <= kinds for need in needs)


def _doubt_for(
    text: str,
    data: dict[str, Any],
    kinds: list[str] | None = None,
    echo: re.Pattern[str] | None = None,
) -> list[RiskMatch]:
    """What still looks like danger in words set aside: a doubt, quoting them (words that
    only echo the question asked are its answer, not a doubt)."""
    features = get_detector().features(text)
    words = tuple(
        dict.fromkeys(
            w
            for kind in (kinds if kinds is not None else data["doubt_evidence"])
            for w in features.get(kind, ())
            if echo is None or not echo.fullmatch(w.lower())
        )
    )
    return [_doubt(words, data)] if words else []


def _doubt(words: Iterable[str], data: dict[str, Any]) -> RiskMatch:
    """Ask "Is anyone in danger right now?" (with 999 in the same reply), quoting `words`."""
    words = tuple(words)
    quoted = ", ".join(f"'{w}'" for w in words) or "your answer"
    reason = " ".join(data["doubt_reason"].split()).format(words=quoted)
    return RiskMatch("answer_doubt", "none", words, reason)


def _typed(word: str, text: str) -> str:
    """`word` (lower case, as the rules read it) as the reply typed it ("The Base")."""
    lower = text.lower()
    at = lower.find(word.lower()) if len(lower) == len(text) else -1
    return text[at : at + len(word)] if at >= 0 else word


def _as_typed(found: RiskAssessment, text: str) -> RiskAssessment:
    """The assessment with every quoted word as the reply typed it (S4)."""

    def recase(match: RiskMatch) -> RiskMatch:
        words = tuple(_typed(w, text) for w in match.words)
        reason = match.reason
        for old, new in zip(match.words, words, strict=True):
            reason = reason.replace(f"'{old}'", f"'{new}'")
        return replace(match, words=words, reason=reason)

    return RiskAssessment(
        found.level,
        tuple(recase(m) for m in found.matches),
        tuple(recase(m) for m in found.doubts),
    )


# -- data -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def load_answers(path: Path = ANSWERS_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    needed = (
        "asked_by",
        "echoes",
        "negations",
        "denials",
        "unsure",
        "pending",
        "soft_no",
        "to_come",
        "hedges",
        "contrasts",
        "carry_on",
        "factive",
        "reporter",
        "statement_starts",
        "statement_joins",
        "never_cancel",
        "present_here",
        "hard_evidence",
        "weak_evidence",
        "doubt_evidence",
        "doubt_reason",
        "negated_never_cancel",
        "negated_doubt_evidence",
    )
    missing = [k for k in needed if k not in (data or {})]
    if missing:
        raise ValueError(f"{path} is missing {missing}")
    unknown = set(data["asked_by"].values()) - set(data["echoes"])
    if unknown:
        raise ValueError(f"{path}: asked_by names kinds without echoes: {sorted(unknown)}")
    if not isinstance(data["present_here"], dict) or "concept" not in data["present_here"]:
        raise ValueError(f"{path}: present_here names a concept of bot/risk/lexicon.yml")
    return dict(data)


def present_here_phrases() -> tuple[str, ...]:
    """Where a weapon is "here now": the lexicon's own presence phrases that say where
    ("in his bag", "on him", "at the gate"), one list for both (S5)."""
    spec = load_answers()["present_here"]
    where = tuple(f"{w} " for w in spec["where"])
    phrases = load_lexicon()["concepts"][spec["concept"]]
    return tuple(str(p) for p in phrases if str(p).lower().startswith(where))


def _answers(data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(" ".join(_words(str(d).lower())) for d in data[key])


def _verbs(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(str(w)).replace(r"\*", r"[\w'\-]*") for w in words))


@functools.lru_cache(maxsize=1)
def _compiled() -> dict[str, Any]:
    data = load_answers()
    negations = {str(w).lower() for w in data["negations"]}
    return {
        "negations": frozenset(negations),
        "nt": frozenset(
            {
                "dont",
                "doesnt",
                "didnt",
                "isnt",
                "wasnt",
                "hasnt",
                "havent",
                "wont",
                "wouldnt",
                "cant",
                "couldnt",
                "arent",
                "werent",
                "shouldnt",
            }
        ),
        "denials": _answers(data, "denials"),
        "unsure": _answers(data, "unsure"),
        "pending": _answers(data, "pending"),
        "soft_no": _phrase_re(data["soft_no"]),
        "to_come": _phrase_re(data["to_come"]),
        "described_present": _phrase_re(data["described_present"]),
        "fillers": _phrase_re(data.get("denial_fillers", ())),
        "hedges": _phrase_re(data["hedges"]),
        # "not yet" is an answer, not "not" + a contrast ("yet ...")
        "contrasts": re.compile(
            r"(?<!not )(?<!nothing )(?<!as )" + _phrase_re(data["contrasts"]).pattern
        ),
        "carry_on": re.compile(
            r"^(?:" + "|".join(re.escape(str(w)) for w in data["carry_on"]) + r")\b"
        ),
        "factive": _verbs(data["factive"]),
        "reporter": _verbs(data["reporter"]),
        "starts": frozenset(str(w).lower() for w in data["statement_starts"]),
        "joins": frozenset(str(w).lower() for w in data["statement_joins"]),
        "present_here": _phrase_re(present_here_phrases()),
    }


@functools.lru_cache(maxsize=64)
def _echo_re(kinds: frozenset[str]) -> re.Pattern[str]:
    echoes = load_answers()["echoes"]
    return _phrase_re(w for kind in sorted(kinds) for w in echoes.get(kind, ()))
