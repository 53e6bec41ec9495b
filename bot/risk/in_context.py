"""The immediate-risk check on a reply, read AS an answer to the question the assistant asked.

`bot.risk.assess` reads every message on its own. Inside the should-I-refer questions or a
VTR form that is wrong in one direction: "Not at the moment, she's at school today", given
to "is anyone in immediate danger right now?", reads as "today" + a place, and "No, he
hasn't threatened anyone or said he wants to hurt anyone" fires the threat rule on the very
words it denies. The assistant knows which question it asked; `assess_reply` uses that.

The rules (word lists in ``guidance/risk/answers.yml``):

(a) a denial of danger answering the danger question ("no", "not right now", "nobody",
    "I don't think so", "he's not in danger") sets aside the model's verdict on the rest of
    the reply unless that rest holds evidence of a harder kind (means, an act, a risk to
    life, a plan, a group...) or says something new ("but ...");
(b) a clause whose negation or hedge governs an echo of the question asked ("hasn't
    threatened anyone or said ...", "not that I know of, his uncle might have a shotgun")
    does not count; what a hedge leaves that still looks like danger becomes a doubt (the
    assistant asks "Is anyone in danger right now?" with 999 in the same reply);
(c) everything else counts as before: the reply's other clauses are assessed again by
    `bot.risk.assess`, so "No, but he's bringing a knife tomorrow" is 999 and "no, but he's
    joined National Action" is police, with reasons quoting the reply's own words. A hedged
    clause never loses a risk to life, means or an act with a close time, means here now or
    a proscribed organisation.

The reply is never rated higher than `assess` rates it: the context only explains words
away, it never adds an alarm. With no question asked, the answer is `assess`'s own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.risk.combined import assess
from bot.risk.detector import RiskAssessment, RiskMatch, get_detector, normalise

ANSWERS_PATH = Path(__file__).resolve().parents[2] / "guidance" / "risk" / "answers.yml"
_ORDER = {"none": 0, "police": 1, "emergency": 2}
_MODEL_RULES = frozenset({"model", "model_doubt"})
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
#: Where a clause ends whatever words follow: sentence ends, semicolons, colons, dashes,
#: brackets and commas (a comma followed by "or" carries the clause on, see `carry_on`).
_BREAK = re.compile(r"[.!?;:\n()]+|\s[-\u2013\u2014]\s|,")


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
    text: str
    #: "denial" (only a no), "negated" or "hedged" (governs an echo of the question),
    #: "new" (opens with but/unless/until...), or "plain".
    kind: str


@dataclass(frozen=True)
class ReplyReading:
    """How a reply was read: its clauses, what was set aside and the final assessment."""

    assessment: RiskAssessment
    clauses: tuple[Clause, ...] = ()
    set_aside: tuple[RiskMatch, ...] = ()
    denies_danger: bool = False
    notes: tuple[str, ...] = field(default=())


def assess_reply(text: str, asked: AskedQuestion | None) -> RiskAssessment:
    """The risk of a reply to `asked` (see the module doc); `assess(text)` when nothing was
    asked."""
    return read_reply(text, asked).assessment


@functools.lru_cache(maxsize=1024)
def read_reply(text: str, asked: AskedQuestion | None) -> ReplyReading:
    """`assess_reply` with its working shown (cached: the NLU component and the policy ask)."""
    full = assess(text or "")
    if asked is None or not asked.kinds or (full.level == "none" and not full.doubts):
        return ReplyReading(full)
    data = load_answers()
    clauses = tuple(_clauses(normalise(text or "").lower(), asked.kinds, data))
    answering = [c for c in clauses if c.kind in ("denial", "negated", "hedged")]
    if not answering:
        return ReplyReading(full, clauses)
    denies_danger = "danger" in asked.kinds and _denies_danger(clauses)
    kept: list[Clause] = [c for c in clauses if c.kind in ("plain", "new")]
    doubts: list[RiskMatch] = []
    notes: list[str] = []
    for clause in clauses:
        if clause.kind == "negated":
            if _never_cancel(clause.text, data, data["negated_never_cancel"]):
                kept.append(Clause(clause.text, "new"))
                notes.append(f"kept a risk to life in a negated clause: {clause.text!r}")
            else:
                doubts += _doubt_for(
                    clause.text, data, data["negated_doubt_evidence"], _echo_re(asked.kinds)
                )
            continue
        if clause.kind != "hedged":
            continue
        if _never_cancel(clause.text, data, data["never_cancel"]):
            kept.append(Clause(clause.text, "new"))  # a guess that must still be acted on
            notes.append(f"kept a guess with hard evidence: {clause.text!r}")
        else:
            doubts += _doubt_for(clause.text, data)
    kept_text = ". ".join(c.text for c in _in_order(clauses, kept))
    found = assess(kept_text) if kept_text else RiskAssessment("none")
    matches = list(found.matches)
    if denies_danger and any(m.rule in _MODEL_RULES for m in matches):
        new_text = ". ".join(c.text for c in _in_order(clauses, kept) if c.kind == "new")
        new_found = assess(new_text) if new_text else RiskAssessment("none")
        hard = set(data["hard_evidence"]) & set(get_detector().features(kept_text))
        if not hard and not any(m.rule in _MODEL_RULES for m in new_found.matches):
            matches = [m for m in matches if m.rule not in _MODEL_RULES]
            notes.append("the model's verdict rested on the words around a denial of danger")
            if set(data["doubt_evidence"]) & set(get_detector().features(kept_text)):
                doubts += _doubt_for(kept_text, data)
    matches = [m for m in matches if _ORDER[m.level] <= _ORDER[full.level]]
    level = max((m.level for m in matches), key=_ORDER.__getitem__, default="none")
    if _ORDER[level] > _ORDER[full.level]:  # never above what the whole message reads as
        return ReplyReading(full, clauses, (), denies_danger, tuple(notes))
    kept_matches = tuple(m for m in matches if m.level == level) if level != "none" else ()
    if level == "none":
        all_doubts = tuple(dict.fromkeys([*found.doubts, *doubts]))
        result = RiskAssessment("none", (), all_doubts)
    else:
        result = RiskAssessment(level, kept_matches)  # type: ignore[arg-type]
    aside = tuple(m for m in full.matches if m not in result.matches)
    return ReplyReading(result, clauses, aside, denies_danger, tuple(notes))


# -- reading the reply ----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str]:
    parts = sorted((str(p).lower() for p in phrases), key=len, reverse=True)
    alts = "|".join(re.escape(p).replace(r"\*", r"[\w'\-]*") for p in parts)
    return re.compile(rf"(?<![\w'])(?:{alts})(?![\w'])")


def _clauses(text: str, kinds: frozenset[str], data: dict[str, Any]) -> Iterable[Clause]:
    """The reply cut into clauses, each with how it answers (see `Clause.kind`)."""
    contrasts = _compiled()["contrasts"]
    carry = _compiled()["carry_on"]
    previous: Clause | None = None
    for piece in _BREAK.split(text):
        for part in _split_on(piece, contrasts):
            part = part.strip()
            if not _words(part):
                continue
            kind = _kind(part, kinds, data)
            if (
                previous is not None
                and carry.match(part)
                and previous.kind
                in (
                    "negated",
                    "hedged",
                )
            ):
                kind = previous.kind  # "..., or said he wants to hurt anyone"
            elif contrasts.match(part) and kind == "plain":
                kind = "new"  # "but he's bringing a knife tomorrow"
            clause = Clause(part, kind)
            previous = clause
            yield clause


def _split_on(piece: str, pattern: re.Pattern[str]) -> list[str]:
    """Cut before each contrast word ("no but he...", "never said anything until today")."""
    cuts = [m.start() for m in pattern.finditer(piece) if m.start() > 0]
    bounds = [0, *cuts, len(piece)]
    return [piece[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _kind(clause: str, kinds: frozenset[str], data: dict[str, Any]) -> str:
    if _is_denial(clause, data):
        return "denial"
    compiled = _compiled()
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


def _is_denial(clause: str, data: dict[str, Any]) -> bool:
    """A clause that is nothing but a no ("no", "not at the moment", "nobody, honestly")."""
    compiled = _compiled()
    rest = compiled["fillers"].sub(" ", clause)
    rest = " ".join(_words(rest))
    return bool(rest) and rest in compiled["denials"]


def _denies_danger(clauses: tuple[Clause, ...]) -> bool:
    """The reply answers the danger question with a no: its first answering clause, before
    anything new, is a denial or a negation of danger (or a hedged one)."""
    for clause in clauses:
        if clause.kind in ("denial", "negated", "hedged"):
            return True
        if clause.kind == "new":
            return False
    return False


def _never_cancel(clause: str, data: dict[str, Any], needs: list[list[str]]) -> bool:
    """A guess (or a negation) that still holds what no answer may explain away (rule c)."""
    if assess(clause).level == "none":
        return False
    kinds = set(get_detector().features(clause))
    if _compiled()["present_here"].search(clause):
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
    if not words:
        return []
    quoted = ", ".join(f"'{w}'" for w in words)
    return [
        RiskMatch(
            "answer_doubt",
            "none",
            words,
            " ".join(data["doubt_reason"].split()).format(words=quoted),
        )
    ]


def _in_order(clauses: tuple[Clause, ...], chosen: list[Clause]) -> list[Clause]:
    texts = {c.text for c in chosen}
    new = {c.text for c in chosen if c.kind == "new"}
    return [Clause(c.text, "new" if c.text in new else c.kind) for c in clauses if c.text in texts]


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
        "hedges",
        "contrasts",
        "carry_on",
        "never_cancel",
        "present_here",
        "hard_evidence",
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
    return dict(data)


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
        "denials": frozenset(" ".join(_words(str(d).lower())) for d in data["denials"]),
        "fillers": _phrase_re(data.get("denial_fillers", ())),
        "hedges": _phrase_re(data["hedges"]),
        "contrasts": _phrase_re(data["contrasts"]),
        "carry_on": re.compile(
            r"^(?:" + "|".join(re.escape(str(w)) for w in data["carry_on"]) + r")\b"
        ),
        "present_here": _phrase_re(data["present_here"]),
    }


@functools.lru_cache(maxsize=64)
def _echo_re(kinds: frozenset[str]) -> re.Pattern[str]:
    echoes = load_answers()["echoes"]
    return _phrase_re(w for kind in sorted(kinds) for w in echoes.get(kind, ()))
