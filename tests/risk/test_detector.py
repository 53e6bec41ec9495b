"""The immediate-risk detector: the labelled set, explanations and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.risk import RiskDetector, assess, get_detector
from bot.risk.detector import LexiconError, load_lexicon
from bot.risk.evaluation import load_labelled, score

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
#: The rules' development set (also training data for the model).
LABELLED = load_labelled(ROOT / "data" / "risk" / "labelled_messages.yml")
#: Written independently of rules and model, never trained or tuned on (except choosing
#: the model's threshold once): the honest measure of how the check generalises.
BLIND = load_labelled(HERE / "blind_messages.yml")


def test_labelled_set_is_large_and_covers_every_class():
    labels = [m.label for m in LABELLED]
    assert len(LABELLED) >= 150
    assert min(labels.count(c) for c in ("emergency", "police", "calm")) >= 40


def test_every_emergency_in_the_labelled_set_is_caught():
    missed = [
        m.text for m in LABELLED if m.label == "emergency" and not assess(m.text).is_emergency
    ]
    assert missed == []


def test_no_calm_message_in_the_labelled_set_is_flagged():
    flagged = [m.text for m in LABELLED if m.label == "calm" and assess(m.text).level != "none"]
    assert flagged == []


def test_police_messages_are_sent_to_the_police_or_999():
    missed = [m.text for m in LABELLED if m.label == "police" and assess(m.text).level == "none"]
    assert missed == []


def test_scores_are_reported_per_class():
    scores, _ = score(LABELLED)
    by_label = {s.label: s for s in scores}
    assert by_label["emergency"].recall == 1.0
    assert by_label["calm"].recall == 1.0  # no calm message flagged


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("he has a knife in his bag and says he'll use it at lunch", "emergency"),
        ("HE HAS A KNIFE IN HIS BAG RN", "emergency"),
        ("she's flying out tonight to join the fighters", "emergency"),
        ("someone is hitting a kid behind the science block right now", "emergency"),
        ("researching how to make a pipe bomb and says he'll use it one day", "police"),
        ("he said he would never hurt anyone", "none"),
        ("this paperwork is killing me", "none"),
        ("we covered the Gunpowder Plot in history today", "none"),
        ("what should I do if a pupil brings a knife in?", "none"),
        ("What signs suggest someone intends to cause harm?", "none"),
        ("What do I do, someone has a knife?", "emergency"),
        ("", "none"),
    ],
)
def test_examples_of_each_level(text, level):
    assert assess(text).level == level


def test_a_match_explains_itself_with_rule_words_and_reason():
    result = assess("A boy has a knife in his blazer and is going to use it at lunch")
    assert result.is_emergency
    first = result.matches[0]
    assert first.rule and first.words and "knife" in " ".join(first.words)
    assert "knife" in result.reasons[0]


def test_an_emergency_at_the_end_of_a_very_long_message_is_still_found():
    text = "I am worried about a pupil who keeps talking about the group. " * 330
    assert assess(text).level == "none"
    assert assess(text + " He has a gun in his bag right now.").is_emergency


@pytest.mark.parametrize(
    "text",
    ["\x00\x01\x02", "😟😟😟", "<script>alert('x')</script>", "ça va? где ты?", "a" * 20000],
)
def test_odd_input_never_raises(text):
    assert assess(text).level in ("emergency", "police", "none")


def test_a_rule_naming_an_unknown_concept_is_refused():
    lexicon = dict(load_lexicon())
    lexicon["rules"] = [{"id": "x", "level": "emergency", "needs": ["nope"], "reason": "r"}]
    with pytest.raises(LexiconError, match="nope"):
        RiskDetector(lexicon)


def test_many_messages_load_the_language_pipeline_once(monkeypatch):
    """Loading spaCy and the lexicon takes most of a second: every message after the first
    must reuse them (whatever path reaches the detector), or each reply pays for it again."""
    from bot.risk import detector

    built: list[int] = []
    real = detector._make_nlp

    def counted():
        built.append(1)
        return real()

    monkeypatch.setattr(detector, "_make_nlp", counted)
    detector.get_detector.cache_clear()
    try:
        for n in range(5):
            detector.assess_rules(f"message {n}: he keeps talking about the videos")
            get_detector().features(f"another message {n}")
        assert len(built) == 1
    finally:
        detector.get_detector.cache_clear()
