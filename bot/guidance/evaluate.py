"""Measures guidance retrieval and routing on a question file (`make eval`).

A question file is YAML: a list (or `questions:` list) of entries with
  question (or text)  what a practitioner asks
  topic               optional: the topic id that should answer it (for top-1 accuracy);
                      `none` marks an off-topic message, right when it is NOT answered
  also_ok             optional: [topic id, ...] other topics that answer it rightly too (a
                      question on the edge of two topics): top-1 counts either
  key_facts           optional: [[alternative, ...], ...]; the answer shown must contain, for
                      each group, one alternative: strictly (case-insensitive substring) and
                      leniently (`fact_found`: also forgiving punctuation, hyphens, British/US
                      spelling and plurals); both figures are printed
  topic_hint, seed    optional: printed for failures instead of the question

Printed: how many questions are answered (not sent to the triage, not "not sure", not
declined as off topic), how many off-topic messages (`topic: none` or `off_topic`, or
`topic_hint: off_topic`) are declined, top-1
accuracy where a `topic` exists, and the key-fact pass rate (a question passes when it is
answered and every group is met); with several files, a last table gives each file's
figures side by side. The routing is the core's decision
(`GuidanceService.routing`, as in the guidance action);
the NLU classifier is not run, so this measures the domain core, not the trained model.
Exit status 1 when a `--min-top1` or `--min-facts` target is missed.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.guidance.loader import load_guidance
from bot.guidance.service import GuidanceAnswer, GuidanceService


@dataclass(frozen=True)
class Result:
    """One question's outcome."""

    question: str
    label: str
    route: str  # answered | triage | not_sure | declined (off topic)
    topic: str
    expected: str
    facts_ok: bool | None
    missing: tuple[str, ...]
    also_ok: tuple[str, ...] = ()
    facts_lenient_ok: bool | None = None

    @property
    def off_topic(self) -> bool:
        """A message the guidance should decline (`topic: none` or `topic: off_topic`, or
        `topic_hint: off_topic`)."""
        return self.expected in OFF_TOPIC_IDS or self.label == OFF_TOPIC_HINT

    @property
    def top1_ok(self) -> bool:
        """Right topic answered (`topic` or one of `also_ok`); off topic: not answered."""
        if self.expected in OFF_TOPIC_IDS:
            return self.route != "answered"
        return self.route == "answered" and self.topic in (self.expected, *self.also_ok)


#: The `topic` of a message the guidance must not answer (it should decline).
OFF_TOPIC = "none"
#: ... and the `topic_hint` that says the same in the blind sets (set E), also written
#: as the `topic` itself (sets J and later).
OFF_TOPIC_HINT = "off_topic"
OFF_TOPIC_IDS = (OFF_TOPIC, OFF_TOPIC_HINT)


#: US spellings (and the policy's own variants) folded onto the British form, per word.
_SPELLING = (
    (re.compile(r"(\w{3,})iz(e|ed|es|ing|ation|ations|er|ers)$"), r"\1is\2"),
    (re.compile(r"(\w{3,})yz(e|ed|es|ing)$"), r"\1ys\2"),
    (re.compile(r"^(behavi|harb|fav|hon|col|lab|neighb)or"), r"\1our"),
    (re.compile(r"^(cent|theat)er(s?)$"), r"\1re\2"),
    (re.compile(r"^(defen|licen|offen)se(s?)$"), r"\1ce\2"),
    (re.compile(r"^programs?$"), "programme"),
    (re.compile(r"^counselor"), "counsellor"),
    (re.compile(r"^judgement"), "judgment"),
)
_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def _lenient_word(word: str) -> str:
    for pattern, british in _SPELLING:
        word = pattern.sub(british, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _lenient(text: str) -> str:
    """Lower case, apostrophes dropped, other punctuation and hyphens as spaces, each word
    in its British singular form: " multi agency panel " for "Multi-agency panels"."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    words = _PUNCTUATION.sub(" ", text).split()
    return " " + " ".join(_lenient_word(w) for w in words) + " "


def fact_found(fact: str, answer: str, lenient: bool = False) -> bool:
    """Whether the answer holds the key fact: a case-insensitive substring (strict), or the
    same after `_lenient` on both sides, starting at a word (a fact that is a word start,
    "terroris", still matches "terrorism")."""
    if not lenient:
        return fact.lower() in answer.lower()
    words = _lenient(fact).strip()
    return bool(words) and f" {words}" in _lenient(answer)


def load_questions(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SystemExit(f"{path}: expected a list of questions")
    return [q for q in items if isinstance(q, dict) and (q.get("question") or q.get("text"))]


def _route(service: GuidanceService, text: str) -> tuple[str, str, str]:
    """(route, topic id, answer text shown) as the guidance action would decide them."""
    routing = service.routing(text)
    if not routing.describes_concern and service.declines(text, routing.result):
        return "declined", "", ""
    if routing.start_triage:
        return "triage", "", ""
    best = routing.result.best
    if not routing.result.confident or best is None:
        return "not_sure", best.topic.id if best else "", ""
    # Top-1 scores the retrieval's topic; the key facts the answer the guidance action
    # shows (answer_from: an area named in the message brings its own topic, e.g. a
    # Lewisham 999 question gets Lewisham's own procedure).
    answer = service.answer_from(text, routing.result)
    if not isinstance(answer, GuidanceAnswer):
        return "not_sure", best.topic.id, ""
    return "answered", best.topic.id, f"{answer.answer} {answer.dated}"


def evaluate(service: GuidanceService, questions: list[dict[str, Any]]) -> list[Result]:
    results = []
    for q in questions:
        text = str(q.get("question") or q.get("text"))
        route, topic, shown = _route(service, text)
        groups = [g if isinstance(g, list) else [g] for g in q.get("key_facts") or []]
        missing = tuple(
            "/".join(map(str, g))
            for g in groups
            if not any(fact_found(str(alt), shown) for alt in g)
        )
        missing_lenient = [
            g for g in groups if not any(fact_found(str(alt), shown, lenient=True) for alt in g)
        ]
        also_ok = q.get("also_ok") or []
        also_ok = also_ok if isinstance(also_ok, list) else [also_ok]
        results.append(
            Result(
                question=text,
                label=str(q.get("topic_hint") or q.get("topic") or ""),
                route=route,
                topic=topic,
                expected=str(q.get("topic") or ""),
                facts_ok=(route == "answered" and not missing) if groups else None,
                missing=missing,
                also_ok=tuple(str(t) for t in also_ok),
                facts_lenient_ok=(route == "answered" and not missing_lenient) if groups else None,
            )
        )
    return results


def report(results: list[Result], hints_only: bool) -> dict[str, float]:
    n = len(results)
    answered = sum(r.route == "answered" for r in results)
    labelled = [r for r in results if r.expected]
    top1 = sum(r.top1_ok for r in labelled)
    with_facts = [r for r in results if r.facts_ok is not None]
    facts = sum(bool(r.facts_ok) for r in with_facts)
    lenient = sum(bool(r.facts_lenient_ok) for r in with_facts)
    off_topic = [r for r in results if r.off_topic]
    declined = sum(r.route == "declined" for r in off_topic)
    figures = {
        "answered": answered / n if n else 0.0,
        "top1": top1 / len(labelled) if labelled else float("nan"),
        "facts": facts / len(with_facts) if with_facts else float("nan"),
        "facts_lenient": lenient / len(with_facts) if with_facts else float("nan"),
        "off_topic_declined": declined / len(off_topic) if off_topic else float("nan"),
    }
    print(f"questions: {n}")
    print(f"answered (not triage, not 'not sure'): {answered}/{n} = {figures['answered']:.3f}")
    for route in ("triage", "not_sure", "declined"):
        print(f"  {route}: {sum(r.route == route for r in results)}")
    if off_topic:
        print(f"off-topic declined: {declined}/{len(off_topic)}")
    if labelled:
        print(f"top-1 accuracy: {top1}/{len(labelled)} = {figures['top1']:.3f}")
    if with_facts:
        print(f"key facts (strict): {facts}/{len(with_facts)} = {figures['facts']:.3f}")
        print(f"key facts (lenient): {lenient}/{len(with_facts)} = {figures['facts_lenient']:.3f}")
    failures = [r for r in results if (r.expected and not r.top1_ok) or r.facts_ok is False]
    if failures:
        print("failures:")
    for r in failures:
        if hints_only:
            print(f"  - {r.label or '(no hint)'} [{r.route}]")
        else:
            extra = f" missing {list(r.missing)}" if r.missing else ""
            print(f"  - [{r.route} {r.topic or '-'} != {r.expected or '?'}]{extra} {r.question}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--guidance", type=Path, default=None, help="guidance folder")
    parser.add_argument("--floor", type=float, default=None, help="confidence floor")
    parser.add_argument("--hints-only", action="store_true", help="print failures' hints only")
    parser.add_argument("--min-top1", type=float, default=0.0)
    parser.add_argument("--min-facts", type=float, default=0.0)
    args = parser.parse_args(argv)
    from bot.config import get_config

    config = get_config()
    service = GuidanceService(
        load_guidance(args.guidance or config.guidance_dir),
        config.guidance_confidence_floor if args.floor is None else args.floor,
    )
    ok = True
    per_file: list[tuple[Path, int, dict[str, float]]] = []
    for path in args.files:
        print(f"== {path}")
        questions = load_questions(path)
        figures = report(evaluate(service, questions), args.hints_only)
        per_file.append((path, len(questions), figures))
        ok &= not figures["top1"] < args.min_top1 and not figures["facts"] < args.min_facts
    if len(per_file) > 1:
        print(summary(per_file))
    return 0 if ok else 1


def summary(per_file: list[tuple[Path, int, dict[str, float]]]) -> str:
    """Each file's answered rate, top-1 and key-fact rate on one line ("-" where unlabelled)."""

    def cell(value: float) -> str:
        return "-" if value != value else f"{value:.3f}"  # NaN: no labels of that kind

    lines = [
        "== summary (facts: strict; lenient: forgiving spelling form, `fact_found`)",
        f"{'file':<48} {'n':>4} {'answered':>8} {'off-dec':>7} {'top-1':>6} {'facts':>6} "
        f"{'lenient':>7}",
    ]
    for path, n, figures in per_file:
        lines.append(
            f"{str(path)[-48:]:<48} {n:>4} {cell(figures['answered']):>8} "
            f"{cell(figures['off_topic_declined']):>7} {cell(figures['top1']):>6} "
            f"{cell(figures['facts']):>6} "
            f"{cell(figures['facts_lenient']):>7}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
