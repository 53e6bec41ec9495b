"""Immediate-risk detection: rules over every message, explainable matches (SET 2.5)."""

from bot.risk.detector import (
    LexiconError,
    RiskAssessment,
    RiskDetector,
    RiskLevel,
    RiskMatch,
    assess,
    get_detector,
)

__all__ = [
    "LexiconError",
    "RiskAssessment",
    "RiskDetector",
    "RiskLevel",
    "RiskMatch",
    "assess",
    "get_detector",
]
