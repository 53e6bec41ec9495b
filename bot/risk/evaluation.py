"""Precision and recall of the detector on a labelled set (used by tests and `make bench`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.risk.detector import RiskAssessment, RiskDetector, get_detector


def _label(level: str) -> str:
    return "calm" if level == "none" else level


CLASSES = ("emergency", "police", "calm")


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    label: str
    note: str = ""


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    support: int


def load_labelled(path: Path) -> list[LabelledMessage]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return [LabelledMessage(m["text"], m["label"], m.get("note", "")) for m in data["messages"]]


def score(
    messages: Iterable[LabelledMessage],
    detector: RiskDetector | None = None,
    assessor: Callable[[str], RiskAssessment] | None = None,
) -> tuple[list[ClassScore], list[tuple[LabelledMessage, str]]]:
    """Per-class precision/recall and the (message, predicted) mistakes.

    By default the rules alone are scored; pass `assessor=bot.risk.assess` for rules and
    model together.
    """
    check = assessor or (detector or get_detector()).assess
    pairs = [(m, _label(check(m.text).level)) for m in messages]
    scores = []
    for label in CLASSES:
        tp = sum(1 for m, p in pairs if m.label == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        actual = sum(1 for m, _ in pairs if m.label == label)
        scores.append(
            ClassScore(
                label,
                precision=tp / predicted if predicted else 1.0,
                recall=tp / actual if actual else 1.0,
                support=actual,
            )
        )
    mistakes = [(m, p) for m, p in pairs if m.label != p]
    return scores, mistakes


def main() -> None:
    """`python -m bot.risk.evaluation FILE...`: precision and recall per class."""
    import sys

    from bot.risk.combined import assess

    for name in sys.argv[1:]:
        for kind, assessor in (("rules", None), ("rules + model", assess)):
            scores, mistakes = score(load_labelled(Path(name)), assessor=assessor)
            print(f"{name} ({kind}): {sum(s.support for s in scores)} messages")
            for s in scores:
                figures = f"precision {s.precision:.3f}  recall {s.recall:.3f}"
                print(f"  {s.label:10} {figures}  (n={s.support})")


if __name__ == "__main__":
    main()
