"""Plays written triage cases against the triage core, without Rasa, and scores the outcomes.

    python -m bot.triage.evaluate CASES.yml [--no-risk] [--verbose]

A case file is a list of cases (or `{cases: [...]}`), each:

    id: a name
    opening: "Should I refer? ..."            (or `say`, as in ../shared/eval/dev.yml)
    answers: [{when: REGEX, reply: TEXT}, ...] (or `persona`)
    default: TEXT                             (when no `when` matches the question)
    expect_outcome_in: [consult_dsl, refer]   (or a single name; or `expect: {outcome: X}` /
                                               `expect: {outcome_in: [...]}`)

Each turn, the question the assistant would ask is worded as in `domain/triage.yml` (the
first one after the introduction); the first answer whose `when` matches it (case-insensitive
search) is the reply, else `default`. Like the assistant, every message first goes through
the immediate-risk check (bot.risk: 999 / police route), unless `--no-risk`; the first
outcome reached is the case's outcome. Cases without an expected outcome are skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import POLICY_INBOX
from bot.triage.conversation import TriageConversation
from bot.triage.outcome import Triage, area_contact

ROOT = Path(__file__).resolve().parents[2]
MAX_TURNS = 14


@dataclass(frozen=True)
class Case:
    id: str
    opening: str
    answers: tuple[tuple[str, str], ...]
    default: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    case: Case
    outcome: str | None
    turns: int
    transcript: tuple[str, ...]

    @property
    def correct(self) -> bool:
        return self.outcome in self.case.expected


def _expected(raw: dict[str, Any]) -> tuple[str, ...]:
    value = raw.get("expect_outcome_in")
    if value is None:
        expect = raw.get("expect") or {}
        value = expect.get("outcome_in", expect.get("outcome"))
    if value is None:
        return ()
    return tuple([value] if isinstance(value, str) else value)


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("cases") or data.get("scenarios") or []
    cases = []
    for i, raw in enumerate(data or []):
        if raw.get("kind") not in (None, "triage"):
            continue
        opening = raw.get("opening", raw.get("say"))
        if isinstance(opening, list):
            opening = " ".join(str(s) for s in opening)
        expected = _expected(raw)
        if not opening or not expected:
            continue
        rules = raw.get("answers", raw.get("persona")) or []
        cases.append(
            Case(
                id=str(raw.get("id", i + 1)),
                opening=str(opening),
                answers=tuple((str(r["when"]), str(r["reply"])) for r in rules),
                default=str(raw.get("default", "I don't know")),
                expected=expected,
            )
        )
    return cases


def question_texts(domain_file: Path = ROOT / "domain" / "triage.yml") -> dict[str, str]:
    """The assistant's wording of each triage question, the introduction and the retry."""
    responses = yaml.safe_load(domain_file.read_text(encoding="utf-8"))["responses"]
    return {name: " ".join(variants[0]["text"].split()) for name, variants in responses.items()}


def _reply_for(case: Case, bot_text: str) -> str:
    for when, reply in case.answers:
        if re.search(when, bot_text, re.I):
            return reply
    return case.default


def play_case(
    case: Case,
    triage: Triage,
    contact_for: Callable[[str | None], Any],
    texts: dict[str, str],
    risk: Callable[[str, str | None], str] | None,
) -> Result:
    """One case, as the assistant would run it; the first outcome reached counts.

    Each reply is checked as the answer to the question just asked (the triage slot
    `triage_<fact>`), as the safety policy does in Rasa (bot/risk/in_context.py).
    """
    transcript: list[str] = [f"> {case.opening}"]

    def flagged(message: str, asked: str | None = None) -> str | None:
        level = risk(message, asked) if risk else "none"
        return level if level in ("emergency", "police") else None

    level = flagged(case.opening)
    if level:
        return Result(case, level, 0, (*transcript, f"[{level}]"))
    conv = TriageConversation(triage, contact_for)
    conv.start(case.opening)
    bot_text = texts["utter_triage_intro"]
    for turn in range(1, MAX_TURNS + 1):
        if conv.asked is None:
            outcome = conv.outcome()
            name = outcome.outcome if outcome else None
            return Result(case, name, turn - 1, (*transcript, f"[{name}]"))
        bot_text = f"{bot_text} {texts['utter_ask_triage_' + conv.asked]}".strip()
        reply = _reply_for(case, bot_text)
        transcript += [bot_text, f"> {reply}"]
        level = flagged(reply, f"triage_{conv.asked}")
        if level:
            return Result(case, level, turn, (*transcript, f"[{level}]"))
        understood = conv.reply(reply)
        bot_text = "" if understood else texts["utter_triage_not_understood"]
    return Result(case, None, MAX_TURNS, (*transcript, "[no outcome]"))


def _risk_check() -> Callable[[str, str | None], str]:
    from bot.risk.in_context import AskedQuestion, assess_reply

    return lambda text, asked: assess_reply(text, AskedQuestion.from_names([asked])).level


def evaluate(
    cases: list[Case],
    use_risk: bool = True,
    guidance_dir: Path = ROOT / "guidance",
    inbox: str = POLICY_INBOX,
    default_area: str = "essex",
) -> list[Result]:
    from bot.guidance import load_guidance

    base = load_guidance(guidance_dir)
    triage = Triage.from_directory(guidance_dir / "triage")
    texts = question_texts()
    risk = _risk_check() if use_risk else None
    return [
        play_case(c, triage, lambda a: area_contact(base, a, inbox, default_area), texts, risk)
        for c in cases
    ]


def summary(results: list[Result]) -> str:
    right = sum(r.correct for r in results)
    n = len(results)
    share = right / n if n else 0.0
    return f"triage outcome accuracy: {right}/{n} = {share:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path, nargs="+")
    parser.add_argument("--no-risk", action="store_true", help="triage core only, no 999 check")
    parser.add_argument("--verbose", "-v", action="store_true", help="transcripts of misses")
    args = parser.parse_args(argv)
    results: list[Result] = []
    for path in args.cases:
        results += evaluate(load_cases(path), use_risk=not args.no_risk)
    for r in results:
        mark = "ok  " if r.correct else "MISS"
        print(f"{mark} {r.case.id}: got {r.outcome}, expected one of {list(r.case.expected)}")
        if args.verbose and not r.correct:
            print("     " + "\n     ".join(r.transcript))
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
