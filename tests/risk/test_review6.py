"""Review 6 (issue 12): a described Prevent concern never silences a model 999 that also
says "now", and a statement that someone will not be alive is a risk to life."""

from __future__ import annotations

import pytest

from bot.risk import assess, combined


@pytest.fixture(autouse=True)
def _fresh():
    combined.assess.cache_clear()
    yield
    combined.assess.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "she's being groomed online and has gone to meet him now",
        "he's being groomed online and is on his way to meet the man right now",
    ],
)
def test_a_concern_that_says_now_is_asked_about_not_silenced(text):
    found = assess(text)
    assert found.level == "emergency" or found.doubts, found


@pytest.mark.parametrize(
    "text",
    [
        "she says she won't be alive by morning",
        "he texted that he won't come back alive from the bridge",
        "she told her friend she will not be alive tomorrow",
    ],
)
def test_not_being_alive_is_a_risk_to_life(text):
    assert assess(text).level == "emergency"


def test_a_concern_with_nothing_now_stays_with_the_dsl():
    text = (
        "She's started hanging around with some older lads who are into it "
        "and wears a Celtic cross necklace"
    )
    found = assess(text)
    assert found.level == "none" and not found.doubts
