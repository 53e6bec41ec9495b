"""Weapons or precursors kept at home with no one in danger now (issue 12, r27, class 2).

"has a", "in his room", "found a" used to read as a weapon at hand now (999). A weapon put
away at home, in a bedroom, under a bed or in a stash, with no threat, no harm going on
and no time close, is no 999: it is for the police when the message also holds a sign of a
cause (a hate view, a target place, a list of names, a "day" waited for), and calm
otherwise. A weapon kept at home WITH someone in danger now stays 999 (the twins below).
Also: a weapon named in a document (a manual shared with its sections highlighted) is
material, not a weapon at hand; and a plan with no date said is the police's, not 999
(class 5). Sentences written for this class, not taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess

#: Kept away, with a sign of a cause: the police (not 999, not calm).
POLICE = [
    "his mum found a sawn-off shotgun and a swastika armband under his bed",
    "she found a stash of machetes in her son's room and a notebook full of race war stuff",
    "his foster carer found a crossbow in his bedroom next to a printed list of traitors",
    "lodger has a stash of fuel cans in the garage and keeps ranting about the asylum seekers hotel",
    "my brother keeps a hunting knife in his room and a list of addresses of synagogues",
    "a student's landlord found ammunition and a pistol in his flat with the local mosque's timetable",
    "his dad found a homemade gun under the bed and a swastika flag on the wall",
    "the youth worker says he has axes in his room ready for the day of the rope",
    "he says he's got a knife and body armour ready for day x",
    "apprentice shared a pdf of an old terrorist manual in the group chat with the bomb chapter highlighted",
]

#: Kept away, no cause and no danger now: calm.
CALM = [
    "her dad found a kitchen knife in his son's bedroom, he says he took it for a bushcraft project",
    "a carer found a penknife in her room in halls, no threats or worries, just asking about the policy",
    "mum found a stash of fireworks in the shed left from bonfire night",
    "his sister found a bb gun in a drawer in his bedroom and put it in the loft",
    "we found a stash of lighters in her room during the room check",
    "mum found a craft knife in her daughter's bedroom drawer, it's for her art coursework",
    "his grandad's old army bayonet is in a drawer in the spare room, the boy showed it to his class on zoom",
    "dad's shotgun is in a locked cabinet in the garage, he has a licence for clay shooting",
]

#: Kept away with no cause, but the MODEL still reads them as danger (999 or police): the
#: rules no longer fire on them (r27), and the training data tried for them moved pinned
#: cases of other classes (test_review2, test_r24_precision), so it was left out. Left for
#: the next helper: strict, so a fix shows as XPASS.
CALM_MODEL_MISREADS = [
    "parent found an air rifle under his bed, it belongs to his grandad and has been handed back",
    "he keeps a fishing knife in his tackle box in the garage",
    "the lad has a set of chef's knives in his room at halls for his catering course",
    "a resident keeps a toolbox with a hammer and a saw in his flat for his joinery job",
]

#: Kept away, but someone is in danger now: still 999.
EMERGENCY = [
    "he's in his room with a knife and says he's going to kill his mum right now",
    "a man has a gun in his bedroom and is threatening to shoot his partner, she's hiding in the bathroom",
    "my son has barricaded himself in his room with a machete and is shouting he'll kill anyone who comes in",
    "she's locked in her room with a stash of pills and says she's taking them all now",
    "there's a lad in the garage with petrol cans pouring it over himself",
    "he's got a knife under his bed and he's holding it to his brother's throat",
    "dad found a gun in his room and the boy has just run out with it towards the school",
    "a student has a gun in his room in halls and is threatening to shoot his flatmate now",
]

#: A plan with no date said, or a quote of intent told in a form: the police, not 999.
PLANNING = [
    "a learner told a mate he's going to drive a van into people at a concert but hasn't said where or when",
    "he says he wants to run people down at a parade like in that attack abroad, hasn't said which one",
    "What has he said? 'I'll do what the Christchurch shooter did, I just need to get a rifle first' - said twice in class this week.",
    "referral: he told staff he's going to shoot up a gig one day, no date or place given",
    "she said she'll stab people at a festival like what happened in the news but hasn't said when",
    "he keeps saying he'll set fire to the mosque some day, no timescale, no date",
    "Quote: 'I need to get hold of a gun first, then I'll do a Buffalo' - he has said it three times this week",
    "he wants to plant a bomb at a football match but hasn't said which match or when",
]

#: A plan with a time close, or the means at hand: still 999.
PLANNING_NOW = [
    "he's going to run people over at the christmas market tonight, he's in the van now",
    "she's going to stab people at the festival this afternoon and has the knife with her",
    "he just said he's going to shoot up the gig in an hour and he's got his dad's gun",
    "a lad says he's going to drive into the crowd at the parade right now",
    "he's on his way to the concert with a knife to stab people",
    "he's going to set fire to the mosque tonight, he's bought the petrol",
    "he's got a bomb in his bag and is going to set it off at the match in 20 minutes",
    "he's got a gun and is going to shoot people at the festival today",
]


@pytest.mark.parametrize("text", POLICE)
def test_weapons_kept_with_a_cause_go_to_the_police(text: str) -> None:
    assert assess(text).level == "police", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", CALM)
def test_weapons_kept_without_a_cause_are_no_alarm(text: str) -> None:
    assert assess(text).level == "none", (text, assess(text).as_dict())


@pytest.mark.xfail(strict=True, reason="the model reads a benign weapon kept at home as danger")
@pytest.mark.parametrize("text", CALM_MODEL_MISREADS)
def test_weapons_kept_without_a_cause_the_model_still_misreads(text: str) -> None:
    assert assess(text).level == "none", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", EMERGENCY)
def test_a_weapon_kept_with_danger_now_is_still_999(text: str) -> None:
    assert assess(text).level == "emergency", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", PLANNING)
def test_a_plan_with_no_date_goes_to_the_police(text: str) -> None:
    assert assess(text).level == "police", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", PLANNING_NOW)
def test_a_plan_with_a_close_time_or_means_is_999(text: str) -> None:
    assert assess(text).level == "emergency", (text, assess(text).as_dict())
