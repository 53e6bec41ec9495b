"""Every domain reader of a user's message finishes on hostile shapes (review S2-2's class).

Why: one regular expression in `bot.dates` backtracked 2^n on a birthday followed by a run of
spaced separators, so a single message could hold an action-server worker for most of an
hour. Regular expressions live in code and in the YAML lexicons (risk, triage, guidance,
the form), so this checks the readers, not the patterns: each shape below is fed to the risk
check, the triage's opening and every question's reply reader, every VTR form field's
checker, the draft opener and the guidance routing. The bound is generous and is not a
speed figure: an exponential pattern never finishes on these sizes, a linear one takes
milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.dates import without_day_month
from bot.guidance.service import get_service
from bot.referral.form import get_form, validate
from bot.referral.opening import details_from_opening
from bot.risk.combined import assess
from bot.triage.conversation import opening_facts, read_reply
from bot.triage.extract import age_from_text
from tests.helpers.deadline import must_finish_within

#: The reply readers of every question the triage asks.
TRIAGE_QUESTIONS = (
    "immediate_risk", "age_group", "ideology", "engagement", "intent", "capability",
    "terrorism", "other_safeguarding", "adult_consent", "public_interest", "family_aware",
    "dsl_consulted",
)

#: Shapes that make nested or overlapping repetitions backtrack: runs of separators with
#: spaces between them, repeated linking words, long runs of one word or character, digits
#: with separators, each followed by words so that an anchored pattern fails at the end.
_RUNS = [" .", " -", " ,", " ;", " and", " but", " (", " )", " /", "  ", " 1", " 1-", " 5th march"]
HOSTILE = [
    *(f"born 5 march{run * 120} not sure of the year!" for run in _RUNS),
    *(f"he said he would{run * 120} x" for run in _RUNS),
    "a" * 3000 + "!",
    "very " * 400 + "worried",
    "he " + "is going to " * 150 + "?",
    "01/01/" * 200 + "x",
    "Mr " + "Smith-" * 200 + "!",
    "😀 " * 300 + "help",
    "\u202e" + "reversed text " * 100,
]

_SLOWEST_ALLOWED_S = 60


def _readers() -> list[tuple[str, Callable[[str], Any]]]:
    form = get_form()
    service = get_service()
    today = date(2026, 12, 2)
    readers: list[tuple[str, Callable[[str], Any]]] = [
        ("risk", assess),
        ("triage opening", opening_facts),
        ("age", lambda text: age_from_text(text, today=today, bare_number=True)),
        ("birthday", without_day_month),
        ("draft opening", lambda text: details_from_opening(form, text)),
        ("guidance", service.routing),
    ]
    readers += [(f"triage {q}", lambda text, q=q: read_reply(q, text)) for q in TRIAGE_QUESTIONS]
    readers += [
        (f"form {spec.id}", lambda text, spec=spec: validate(spec, text, today=today))
        for spec in form.fields
    ]
    return readers


@pytest.mark.parametrize("text", HOSTILE, ids=[f"shape{i}" for i in range(len(HOSTILE))])
def test_every_reader_finishes_on_a_hostile_shape(text: str) -> None:
    stuck = []
    for name, read in _readers():
        try:
            with must_finish_within(_SLOWEST_ALLOWED_S):
                read(text)
        except TimeoutError:
            stuck.append(name)
    assert not stuck, f"did not finish on {text[:40]!r}…: {stuck}"
