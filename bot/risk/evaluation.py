"""Precision and recall of the detector on a labelled set (used by tests and `make bench`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.risk.detector import RiskDetector, get_detector

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


def predicted_class(detector: RiskDetector, text: str) -> str:
    level = detector.assess(text).level
    return "calm" if level == "none" else level


def score(
    messages: Iterable[LabelledMessage], detector: RiskDetector | None = None
) -> tuple[list[ClassScore], list[tuple[LabelledMessage, str]]]:
    """Per-class precision/recall and the list of (message, predicted) mistakes."""
    detector = detector or get_detector()
    pairs = [(m, predicted_class(detector, m.text)) for m in messages]
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
