"""Incidents over and safe, training questions; emergencies without the lexicon's words.

Issue 12, r27, classes 3 and 4. An incident told as over, with the person cared for or
safe ("in hospital and stable", "home from hospital", "police arrested him, everyone is
fine") and a question about what to do next is no 999; nor is a training, hypothetical or
how-to question ("how do we spot...", "if someone collapses, when do we..."). Their twins
with someone in danger now stay 999. And dangers now said without the lexicon's words
(medical signs, water, a group attacking someone, a plea for help from a missing child,
someone barricaded in hurting himself) are 999. Sentences written for these classes, not
taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess

OVER = [
    "a pupil took an overdose at the weekend, her mum called 999 and she's now in hospital and stable. what do I put on cpoms?",
    "the boy who was stabbed near the park last month is back home from hospital, how do we support his friends?",
    "there was a shooting in town on friday night, none of our families involved. how do we talk to the year 6s about it?",
    "lockdown this morning because someone saw a man with a knife by the gates, police arrested him and everyone is fine. how do we debrief staff?",
    "a resident tried to set fire to the bins last night, the fire service came, nobody was hurt and he's been moved to another unit. how do I log it?",
    "one of our students was hit by a car yesterday, paramedics took him in and he's stable now. who do I need to inform?",
    "a year 9 self-harmed in the toilets on tuesday, first aid was given, she was checked at A&E and is home now. what follow up should we do?",
    "earlier today a dad turned up drunk and threatening, the police removed him and the children are safe. do I need to make a referral?",
]

QUESTIONS = [
    "how do we recognise the signs that someone has taken too many pills? is there a course for support staff",
    "if a child has an asthma attack and can't breathe, when do we call an ambulance rather than use the inhaler?",
    "for our first aid refresher: what do you do if a pupil stops breathing?",
    "suppose a student told me his uncle keeps a gun at his house, what would my next steps be?",
    "can you help me plan a lockdown drill where we pretend there's an intruder with a knife?",
    "what signs of an overdose should our hostel staff look out for?",
    "hypothetically, if a parent said her son had explosives at home, who would I ring?",
    "we're writing a scenario for INSET: a bomb threat phoned in to reception. what should the script say?",
]

NOW = [
    "she took an overdose an hour ago and is in her room going in and out of consciousness",
    "the boy who was stabbed is still bleeding heavily on the pavement outside",
    "there's a shooting happening in the town centre right now, our pupils are on the bus there",
    "a man with a knife is by the gates and the police aren't here yet",
    "a resident is setting fire to his room right now and won't come out",
    "our pupil has just been hit by a car outside school and isn't moving",
    "a pupil is unconscious in the toilets after taking pills, she won't wake up",
    "a dad is at the door drunk and threatening to kill his ex, the kids are inside",
]

UNWORDED = [
    "one of the boarders has a purple rash that won't go away when you roll a glass over it and a high fever",
    "three kids in the flat are being sick with bad headaches and mum says the gas boiler has been acting up, one just passed out",
    "a boy on the beach trip has been swept out by the current and we can't see him any more",
    "a crowd of lads are laying into one of our students with bottles outside the chippy",
    "a 13 year old who has been missing for two days just messaged her sister saying help me i don't know where i am",
    "he's barricaded himself in the bathroom and says he's cutting his arms",
    "a girl in our youth group has gone a funny colour, her lips are swelling up after a peanut snack",
    "the water's up to their waists and two of the kids on the river walk have been knocked over by the current",
]


@pytest.mark.parametrize("text", OVER + QUESTIONS)
def test_an_incident_over_or_a_training_question_is_no_999(text: str) -> None:
    assert assess(text).level == "none", (text, assess(text).as_dict())


@pytest.mark.parametrize("text", NOW + UNWORDED)
def test_a_danger_now_is_999_with_or_without_the_lexicons_words(text: str) -> None:
    assert assess(text).level == "emergency", (text, assess(text).as_dict())
