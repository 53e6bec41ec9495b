"""`make eval`: precision, recall and a confusion matrix on every evaluation set in eval/risk/.

It scores the check exactly as the assistant uses it (`bot.risk.assess`: rules and model
together, the same thresholds) and counts "when in doubt, ask" separately: a calm message
that gets "Is anyone in danger right now?" is still calm (no 999, no police), but how often
that happens is reported, per true class.

Sets are YAML: a list of `{text, label: emergency|police|calm, kind}` (or a mapping with
`messages:` holding that list). The model never trains on them: it reads only the files
named in `bot.risk.model.TRAINING_FILES` under data/risk/.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.risk.detector import RiskAssessment

CLASSES = ("emergency", "police", "calm")


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str = ""


@dataclass
class Report:
    """Everything `make eval` prints about one set."""

    name: str
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    asked: Counter[str] = field(default_factory=Counter)
    mistakes: list[tuple[Example, str, str]] = field(default_factory=list)
    kinds: Counter[tuple[str, bool]] = field(default_factory=Counter)

    def precision(self, label: str) -> float:
        predicted = sum(n for (_, p), n in self.confusion.items() if p == label)
        return self.confusion[(label, label)] / predicted if predicted else 1.0

    def recall(self, label: str) -> float:
        actual = self.support(label)
        return self.confusion[(label, label)] / actual if actual else 1.0

    def support(self, label: str) -> int:
        return sum(n for (t, _), n in self.confusion.items() if t == label)

    def render(self, show_mistakes: bool = True) -> str:
        total = sum(self.confusion.values())
        lines = [f"{self.name}: {total} messages"]
        lines.append(f"  {'class':10} {'precision':>9} {'recall':>7} {'n':>5}")
        for label in CLASSES:
            lines.append(
                f"  {label:10} {self.precision(label):9.3f} {self.recall(label):7.3f}"
                f" {self.support(label):5d}"
            )
        lines.append("  confusion (rows: true, columns: predicted)")
        lines.append("  " + " " * 10 + "".join(f"{c:>10}" for c in CLASSES))
        for true in CLASSES:
            row = "".join(f"{self.confusion[(true, p)]:>10}" for p in CLASSES)
            lines.append(f"  {true:10}{row}")
        asked = ", ".join(f"{label} {self.asked[label]}" for label in CLASSES)
        lines.append(f"  'Is anyone in danger right now?' asked (no 999/police): {asked}")
        if show_mistakes and self.mistakes:
            lines.append("  mistakes:")
            for example, predicted, reason in self.mistakes:
                kind = f" [{example.kind}]" if example.kind else ""
                lines.append(f"    {example.label} -> {predicted}{kind}: {example.text[:110]}")
                if reason:
                    lines.append(f"        because: {reason[:160]}")
        return "\n".join(lines)


def load_set(path: Path) -> list[Example]:
    """A labelled set: a YAML list (or `messages:` list) of {text, label, kind}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("messages", []) if isinstance(data, dict) else data
    examples = []
    for item in items or []:
        label = str(item["label"]).strip().lower()
        if label not in CLASSES:
            raise ValueError(f"{path}: unknown label {label!r} for {item['text'][:40]!r}")
        examples.append(Example(str(item["text"]), label, str(item.get("kind", ""))))
    return examples


def _predicted(assessment: RiskAssessment) -> str:
    return "calm" if assessment.level == "none" else assessment.level


def evaluate(
    name: str, examples: Iterable[Example], check: Callable[[str], RiskAssessment]
) -> Report:
    report = Report(name)
    for example in examples:
        assessment = check(example.text)
        predicted = _predicted(assessment)
        report.confusion[(example.label, predicted)] += 1
        report.kinds[(example.kind, predicted == example.label)] += 1
        if assessment.ask_if_in_danger:
            report.asked[example.label] += 1
        if predicted != example.label:
            reason = "; ".join(assessment.reasons) if assessment.level != "none" else ""
            report.mistakes.append((example, predicted, reason))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="default: eval/risk/*.yml")
    parser.add_argument("--quiet", action="store_true", help="figures only, no mistakes")
    args = parser.parse_args(argv)
    files = args.files or sorted(Path("eval/risk").glob("*.yml"))
    if not files:
        print("no evaluation sets: put YAML files in eval/risk/", file=sys.stderr)
        return 1
    from bot.risk.combined import assess  # the assistant's own check, rules + model

    for path in files:
        print(evaluate(str(path), load_set(path), assess).render(not args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
