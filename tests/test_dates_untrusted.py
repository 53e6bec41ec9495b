"""bot.dates reads untrusted text: no input may make it backtrack for ever (review S2-2).

Why: the trailing-separator pattern `(?:\\s*(?:,|and|-)\\s*)+$` backtracked 2^n on a run of
spaced separators followed by more words, so one message with a birthday and thirty " -"
held an action-server worker for most of an hour. The bound below is not a speed figure:
the old code never finishes at this size, the new one is linear.
"""

from __future__ import annotations

import pytest

from bot.dates import without_day_month
from tests.helpers.deadline import must_finish_within


@pytest.mark.parametrize("separator", [" .", " -", " ,", " and", " ( )", " ;"])
def test_a_run_of_separators_before_more_words_is_read_quickly(separator: str) -> None:
    text = "his birthday is 5th march" + separator * 300 + " not sure of the year"
    with must_finish_within(20):
        rest = without_day_month(text)
    assert rest.endswith("not sure of the year")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("about 15, born 5th November", "about 15"),
        ("15 and born on 05/11 -", "15"),
        ("he's 14 (dob 3 March)", "he's 14"),
        ("born 5 march, and but ; - .", ""),
        ("16 but birthday is 1 june", "16"),
    ],
)
def test_trailing_separators_and_linking_words_are_still_stripped(reply: str, expected: str) -> None:
    assert without_day_month(reply) == expected
