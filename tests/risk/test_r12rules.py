"""Issue 12, r12rules: classes of immediate risk read from time, target and means together.

Every sentence here is written for this file (none is taken or paraphrased from eval/, which
is a judged set). Each case names the class it stands for. Run against main at e808ab4
(before this round) 18 of these 30 tests fail; the other 12 guard the new rules' side
effects (a calm sentence the wider lexicon must not start flagging, a report time that
must not make 999).
"""

from __future__ import annotations

import pytest

from bot.risk import assess
from bot.risk.detector import get_detector, load_proscribed

EMERGENCY = [
    # someone not responding next to a hazard (water, fumes, a closed cold or hot space)
    (
        "not responding + hazard",
        "my neighbour's little boy is in the bath upstairs and has gone quiet, he isn't answering me",
    ),
    (
        "trapped + hazard",
        "some year 9s have shut a boy inside the chest freezer in the canteen kitchen and we can't open the lid",
    ),
    (
        "substance + signs",
        "my learner ate a bag of her brother's cannabis gummies and is now slurring and being sick",
    ),
    (
        "goodbye + dangerous place",
        "she messaged the group chat 'remember me' with a photo taken from the viaduct",
    ),
    (
        "threat + target + close time",
        "he told his mates the gurdwara won't be standing by tomorrow night",
    ),
    (
        "police evidence + close time in another sentence",
        "Petrol cans have been hidden under the stage at the mosque. The Eid party there begins in 40 minutes.",
    ),
    (
        "warning to stay away + means + close time",
        "A year 10 keeps telling his friends not to come in tomorrow. There are nails and powder in his PE bag.",
    ),
    (
        "attack on people with a vehicle, now",
        "a driver is aiming his car at people on the pavement outside the sixth form block",
    ),
    (
        "a child being taken",
        "a stranger has just bundled a year 3 girl into a white van by the gates",
    ),
]

POLICE = [
    (
        "call to copy an attack",
        "he keeps posting that the Christchurch shooter was right and that someone here should copy him",
    ),
    (
        "terrorist publication",
        "a pupil has been airdropping pages of Rumiyah to everyone on the school bus",
    ),
    (
        "act + target, no date",
        "three lads are talking about torching the migrant hotel, no date yet",
    ),
    (
        "listed group added on the check",
        "my student says he is in regular contact with a HASM recruiter",
    ),
    ("The Base, capitalised", "he says he has been vetted online and has joined The Base"),
    (
        "far time, not 999",
        "one of our old students (now 20) is posting about planning an attack on a festival next summer",
    ),
]

CALM = [
    (
        "drama props",
        "our drama group's props include a fake bomb made out of a shoebox for the comedy",
    ),
    ("idiom", "my year 9s were a ticking time bomb all afternoon"),
    ("profession", "a parent who is a firearms officer is giving a careers talk next week"),
    (
        "teaching",
        "we're running a hostage negotiation workshop for the A-level psychology group on tuesday",
    ),
    (
        "family travel",
        "my colleague is flying to Pakistan for her cousin's wedding, visiting family for two weeks",
    ),
    (
        "resolved injury",
        "a pupil was knocked out in rugby, the paramedics checked him over and he's back in lessons",
    ),
    ("routine dose", "a student took one paracetamol for a headache with permission at lunch"),
    ("charity", "he's fundraising for the children's hospice with a sponsored run on friday"),
    ("ordinary word that is also a name", "my grandad is a big fan of Wagner"),
    ("ordinary word that is also a name", "he joined the base camp team on the climbing trip"),
    (
        "a weapon on a computer game platform",
        "he says someone on roblox told him his avatar needs a bigger sword",
    ),
]


@pytest.mark.parametrize(("kind", "text"), EMERGENCY)
def test_risk_to_life_or_an_attack_about_to_happen_is_999(kind, text):
    assert assess(text).level == "emergency", kind


@pytest.mark.parametrize(("kind", "text"), POLICE)
def test_terrorism_related_without_a_close_time_is_police(kind, text):
    assert assess(text).level == "police", kind


@pytest.mark.parametrize(("kind", "text"), CALM)
def test_borrowed_danger_words_stay_calm(kind, text):
    assert assess(text).level == "none", kind


def test_across_sentences_the_reason_names_the_means_target_and_the_time():
    reason = " ".join(
        assess(
            "Fuel has been left by the back door of the church. The wedding starts in an hour."
        ).reasons
    )
    assert "'fuel'" in reason and "church'" in reason and "'in an hour'" in reason
    assert "%" not in reason and "alike" not in reason


def test_a_report_time_is_not_an_attack_time():
    """'Today' is when the teacher heard it, not when anything will happen."""
    text = "He told me today that he is a member of National Action. He owns a knife."
    assert assess(text).level == "police"


def test_bombing_is_an_event_and_now_before_an_age_is_not_a_time():
    detector = get_detector()
    assert "means" not in detector.features("printouts about the bombing in 1995")
    assert "near time" not in detector.features("a former pupil (now 19)")


def test_the_proscribed_list_says_it_must_be_rechecked_and_has_cased_names():
    data = load_proscribed()
    assert "The Base" in data["cased"]
    assert "wagner" not in data["names"] and "the base" not in data["names"]
    reason = assess("he says he is a member of The Base").reasons[0]
    assert "'the base'" in reason and "read on" in reason  # the user's words, and the date
