"""The risk check's cache holds a few turns, not a history of what people typed."""

from __future__ import annotations

from bot.risk import combined


def test_an_old_message_is_not_held_after_a_few_turns_of_others():
    combined.assess.cache_clear()
    try:
        first = "my name is Ezekiel Quarrington and I teach year 9"
        combined.assess(first)
        for i in range(200):
            combined.assess(f"routine message number {i} about the school trip")
        held = combined.assess.cache_info().currsize
        assert held <= 64, held
        hits = combined.assess.cache_info().hits
        combined.assess(first)
        assert combined.assess.cache_info().hits == hits  # computed again: it was not kept
    finally:
        combined.assess.cache_clear()
