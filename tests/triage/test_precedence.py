"""Precedence: where several rows hold, the safest outcome wins, and reordering is caught.

Safety first: emergency > police > refer > consult_dsl > safeguarding > no_concern. The table
stays data (first matching row wins), so its order is the precedence; these tests combine
fact sets that several rows match and fail if the rows are reversed or shuffled so that a
less safe row comes first.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from bot.triage import DecisionTable, TriageFacts
from bot.triage.rules import OUTCOMES
from tests.triage._play import TRIAGE
from tests.triage.test_rules import CONTACT, ROW_CASES

RANK = {name: i for i, name in enumerate(OUTCOMES)}  # lower is safer-first

VALUES = {
    "immediate_risk": ("yes", "no", None),
    "terrorism": ("yes", "no", "unsure", None),
    "ideology": ("yes", "no", "unsure"),
    "engagement": ("yes", "no", "unsure"),
    "intent": ("yes", "no", "unsure"),
    "capability": ("yes", "no"),
    "other_safeguarding": ("yes", "no", "unsure"),
    "dsl_consulted": ("yes", "no", "unsure"),
    "age": (14, 30, None),
    "adult_consent": ("given", "refused", "not_asked", None),
    "public_interest": ("yes", "no", None),
}


def _samples(n: int = 4000, seed: int = 13) -> list[TriageFacts]:
    rng = random.Random(seed)
    return [
        TriageFacts.from_mapping({k: rng.choice(v) for k, v in VALUES.items()}) for _ in range(n)
    ]


SAMPLES = _samples()


def _violations(table: DecisionTable) -> list[tuple[str, str]]:
    """(chosen row, safer matching row) wherever a less safe row wins."""
    found = []
    for facts in SAMPLES:
        matching = [row for row in table.rows if row.matches(facts)]
        if not matching:
            continue
        safest = min(matching, key=lambda r: RANK[r.outcome])
        if RANK[matching[0].outcome] > RANK[safest.outcome]:
            found.append((matching[0].id, safest.id))
    return found


def _with_rows(rows) -> DecisionTable:
    return replace(TRIAGE.table, rows=tuple(rows))


def test_the_safest_matching_row_always_wins():
    assert _violations(TRIAGE.table) == []


def test_the_samples_exercise_overlapping_rows():
    overlaps = sum(
        1 for f in SAMPLES if len({r.outcome for r in TRIAGE.table.rows if r.matches(f)}) > 1
    )
    assert overlaps > 500


@pytest.mark.parametrize(("row_id", "facts", "outcome"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_immediate_danger_beats_every_other_row(row_id, facts, outcome):
    combined = TriageFacts.from_mapping({**facts, "immediate_risk": "yes", "terrorism": "yes"})
    assert TRIAGE.decide(combined, CONTACT).outcome == "emergency"


@pytest.mark.parametrize(
    ("row_id", "facts", "outcome"), ROW_CASES[1:], ids=[c[0] for c in ROW_CASES[1:]]
)
def test_terrorism_beats_every_local_route(row_id, facts, outcome):
    combined = TriageFacts.from_mapping({**facts, "immediate_risk": "no", "terrorism": "yes"})
    assert TRIAGE.decide(combined, CONTACT).outcome == "police"


def test_combined_cases_pick_the_safety_first_winner():
    cases = [
        # views, symbols, DSL consulted, a child: refer, unless planning is suspected
        (
            dict(
                ideology="yes",
                engagement="yes",
                intent="yes",
                capability="no",
                age=15,
                dsl_consulted="yes",
                terrorism="yes",
                immediate_risk="no",
            ),
            "police",
        ),
        # "not extremism", nothing else: no_concern, but an emergency comes first
        (dict(ideology="no", other_safeguarding="no", immediate_risk="yes"), "emergency"),
        # another harm too: still police when an offence is being planned
        (
            dict(ideology="no", other_safeguarding="yes", terrorism="yes", immediate_risk="no"),
            "police",
        ),
    ]
    for facts, expected in cases:
        assert TRIAGE.decide(TriageFacts.from_mapping(facts), CONTACT).outcome == expected


def test_reversing_the_rows_is_caught():
    assert _violations(_with_rows(reversed(TRIAGE.table.rows)))


@pytest.mark.parametrize("seed", range(12))
def test_a_shuffle_that_lets_a_less_safe_row_go_first_is_caught(seed):
    rows = list(TRIAGE.table.rows)
    random.Random(seed).shuffle(rows)
    order = {row.id: i for i, row in enumerate(rows)}
    harmful = any(
        order[a.id] > order[b.id] and RANK[a.outcome] < RANK[b.outcome]
        for a, b in itertools.combinations(TRIAGE.table.rows, 2)
        if any(a.matches(f) and b.matches(f) for f in SAMPLES)
    )
    assert harmful == bool(_violations(_with_rows(rows)))
    assert harmful  # these seeds all move a less safe row ahead of a safer one


def test_moving_any_row_to_the_top_is_caught():
    rows = list(TRIAGE.table.rows)
    for i in range(2, len(rows)):
        moved = [rows[i], *rows[:i], *rows[i + 1 :]]
        assert _violations(_with_rows(moved)), rows[i].id


def test_every_conversation_ends_with_an_outcome():
    """Whatever is answered, the questions run out and the table decides (no dead ends)."""
    from tests.triage._play import play

    openings = [
        "should I refer?",
        "A 14 year old has a swastika tattoo and his dad is involved",
        "An adult learner keeps repeating extremist views",
        "A year 8 girl has bruises and is scared of her mum's boyfriend",
        "A 17 year old wants to travel to join ISIS",
        "He says it's just a joke but he drew a swastika",
    ]
    replies = [
        "yes",
        "no",
        "not sure",
        "he's 30",
        "a child",
        "they refused",
        "they agreed",
        "not asked yet",
        "his dad is involved",
        "the parents know",
        "I'm the DSL",
        "He plays football on Saturdays",
        "what?",
        "I haven't noticed anything like that",
    ]
    rng = random.Random(7)
    for i in range(300):
        answers = {
            fact: rng.choice(replies)
            for fact in (
                "immediate_risk",
                "age_group",
                "ideology",
                "engagement",
                "intent",
                "capability",
                "terrorism",
                "other_safeguarding",
                "family_aware",
                "adult_consent",
                "public_interest",
                "dsl_consulted",
            )
        }
        conv, asked = play(
            openings[i % len(openings)], answers, default=rng.choice(replies), max_turns=80
        )
        assert conv.outcome() is not None, (openings[i % len(openings)], answers, asked)
