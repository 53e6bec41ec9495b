"""Rules and model together: either can raise a message, neither can lower it (SET 2.5).

This is the check every message goes through (`bot.risk.assess`). The rules explain
themselves word by word; the model adds what the rules have no words for, and its match
names the words that weighed most, with its probability.
"""

from __future__ import annotations

import functools

from bot.risk.detector import RiskAssessment, RiskMatch, get_detector, load_lexicon, normalise
from bot.risk.model import get_model

_ORDER = {"none": 0, "police": 1, "emergency": 2}


@functools.lru_cache(maxsize=2048)
def assess(text: str) -> RiskAssessment:
    """The risk of one message: the higher of the rules' and the model's verdicts.

    Cached by text: the NLU component and the safety-net policy both ask about the same
    message, and the answer for the same words is always the same.
    """
    found = get_detector().assess(text)
    clean = normalise(text or "")
    if not clean or found.level == "emergency":
        return found
    verdict = get_model().verdict(clean[:20000])
    if verdict.label == "calm" or _ORDER[verdict.label] <= _ORDER[found.level]:
        return found
    template = load_lexicon()["model_reason"][verdict.label]
    words = ", ".join(f"'{w}'" for w in verdict.words) or "its overall wording"
    match = RiskMatch(
        rule="model",
        level=verdict.label,  # type: ignore[arg-type]
        words=verdict.words,
        reason=template.format(words=words, probability=round(verdict.probability * 100)),
    )
    return RiskAssessment(verdict.label, (match, *found.matches))  # type: ignore[arg-type]
