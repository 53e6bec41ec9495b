"""One message is parsed by spaCy once per check, not once per question asked of it.

`bot.risk.assess` asks the rules for their verdict, the evidence (several times), the
sentences a calm frame covers and what was denied: each used to parse the same text again
(about 6 parses per message). The detector keeps the parse of the last few texts
(issue 16, speed); what it finds is unchanged (tests/bench/assess_bench.py --dump).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bot.risk import combined, get_detector


class _CountingNlp:
    """The detector's spaCy pipeline, counting the full parses per text."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.parsed: Counter[str] = Counter()

    def __call__(self, text: str) -> Any:
        self.parsed[text] += 1
        return self._nlp(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> _CountingNlp:
    combined.assess.__wrapped__("warm up")  # loads the model: not part of a turn's check
    detector = get_detector()
    nlp = _CountingNlp(detector._nlp)
    monkeypatch.setattr(detector, "_nlp", nlp)
    clear = getattr(detector._parsed, "cache_clear", None)
    if clear:
        clear()
    return nlp


# Made-up messages of the kinds that reach the model and its guards: a long report, one
# with a denial (its reading without the denied clause is a second, different text), a
# calm frame, several sentences.
MESSAGES = [
    "My year 10 tutee told me this morning that his cousin has been sending him videos "
    "about a group and asked whether he could come along to one of their meetings.",
    "No, he hasn't got any pills with him and he isn't near the canal, but he keeps "
    "saying that nobody would notice if he was gone and he wrote a letter to his mum.",
    "We had a lesson on knife crime last week in PSHE. Afterwards one girl stayed behind "
    "and said her brother carries one to the park every evening now.",
    "Quick question about the referral form: do I need the parents' consent before I "
    "pass this on to the Prevent team, or can the DSL decide that on her own?",
]


def test_assess_parses_each_text_once(counting: _CountingNlp) -> None:
    for message in MESSAGES:
        combined.assess.__wrapped__(message)  # type: ignore[attr-defined]
    assert counting.parsed, "the counter saw no parse: the test reads nothing"
    assert max(counting.parsed.values()) == 1, counting.parsed


def test_the_parse_cache_is_small(counting: _CountingNlp) -> None:
    """The product keeps no plain text: the cache holds a few turns' texts only."""
    info = get_detector()._parsed.cache_info()  # type: ignore[attr-defined]
    assert info.maxsize is not None and info.maxsize <= combined.RECENT_MESSAGES
    for n in range(3 * info.maxsize):
        get_detector().features(f"filler message number {n} about the timetable")
    assert get_detector()._parsed.cache_info().currsize <= info.maxsize  # type: ignore[attr-defined]
