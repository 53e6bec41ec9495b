"""Immediate-risk detection on every message: rules backed by a model (SET 2.5).

`assess()` is the check the assistant uses: explainable rules (`detector`) and a text
classifier (`model`) together, the higher verdict winning. `assess_rules()` is the rules
alone.
"""

from bot.risk.combined import assess, warm_up
from bot.risk.detector import (
    LexiconError,
    RiskAssessment,
    RiskDetector,
    RiskLevel,
    RiskMatch,
    assess_rules,
    get_detector,
)

__all__ = [
    "LexiconError",
    "RiskAssessment",
    "RiskDetector",
    "RiskLevel",
    "RiskMatch",
    "assess",
    "assess_rules",
    "get_detector",
    "warm_up",
]
