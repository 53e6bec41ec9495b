"""A description given to a form question is no alarm unless it holds one (issue 12, r26).

Class 5 of r26's probing: during the should-I-refer questions, a reply that describes what
was seen ("he posts videos praising the attack on his story", "an older man on telegram
keeps sending her videos of the attacks") was raised to the police, or to 999, by the
statistical model alone: the words resemble the reports it was trained on, but there is no
present danger, no named proscribed group, no plan, no instructions and no travel in them.
Asked a form question (views, a group, threats, means, other worries), the model's verdict
on a reply stands only with such evidence; a rule's match always stands, and a reply that
holds a weapon now, a named group, a plan or travel keeps its alarm. With no question asked
the reply is read exactly as before. Sentences written for this file, none taken from an
evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess
from bot.risk.in_context import AskedQuestion, assess_reply, read_reply

IDEOLOGY = AskedQuestion(frozenset({"ideology"}), ("triage_ideology",))
ENGAGEMENT = AskedQuestion(frozenset({"engagement"}), ("triage_engagement",))
THREAT = AskedQuestion(frozenset({"threat"}), ("triage_intent",))
MEANS = AskedQuestion(frozenset({"capability"}), ("triage_capability",))
PLANS = AskedQuestion(frozenset({"planning"}), ("triage_terrorism",))
BOTH = AskedQuestion(frozenset({"danger", "ideology"}), ("utter_check_danger", "triage_ideology"))

#: Each raised to the police or 999 by the model, read alone and in context, on main.
DESCRIPTIONS = [
    (IDEOLOGY, "he posts videos praising the attack on his story every day"),
    (IDEOLOGY, "he posts pictures praising the attack on his instagram story"),
    (ENGAGEMENT, "he's been going to the town centre demos with older lads"),
    (IDEOLOGY, "she repeats things from the group about other girls being filth and says only "
     "the group understand her"),
    (IDEOLOGY, "he keeps drawing the flag of the group that did the attacks in his books"),
    (IDEOLOGY, "he keeps sketching the flag of the group behind the attacks on his planner"),
    (ENGAGEMENT, "an older lad on snapchat sends him videos of the attacks every night"),
    (ENGAGEMENT, "an older man on telegram keeps sending her videos of the attacks"),
    (ENGAGEMENT, "she goes to the city centre marches with older girls from her estate"),
    (ENGAGEMENT, "a man he met online sends him clips of the attacks"),
    (BOTH, "she says the group understand her and the girls at school are filth"),
]


@pytest.mark.parametrize(("asked", "reply"), DESCRIPTIONS)
def test_a_description_for_the_form_is_no_alarm(asked: AskedQuestion, reply: str) -> None:
    found = assess_reply(reply, asked)
    assert found.level == "none", (reply, read_reply(reply, asked))


@pytest.mark.parametrize(("asked", "reply"), DESCRIPTIONS[:4])
def test_with_no_question_asked_the_reply_is_read_as_before(
    asked: AskedQuestion, reply: str
) -> None:
    assert assess_reply(reply, None).level == assess(reply).level


#: Twins: a named group, a plan, instructions, travel or a weapon now keep their alarm.
KEPT = [
    (ENGAGEMENT, "he joined Palestine Action last month and is going to their meeting on "
     "Saturday", "police"),
    (PLANS, "he's been looking up how to make a pipe bomb and asked where to buy fertiliser",
     "police"),
    (ENGAGEMENT, "he said the group he's in online are planning something big", "police"),
    (MEANS, "he's got a knife in his bag right now and says it's for the lads who laughed at him",
     "emergency"),
    (IDEOLOGY, "he posts videos praising the attack and says he's flying out to join the "
     "fighters next month", "police"),
    (THREAT, "he says he's going to stab the head of year at lunch tomorrow", "emergency"),
    (MEANS, "he showed me a video of a man making a bomb last week", "police"),
    (ENGAGEMENT, "an older man on telegram keeps sending her videos of the attacks and she "
     "says she's a member of Hamas now", "police"),
]


@pytest.mark.parametrize(("asked", "reply", "level"), KEPT)
def test_a_named_group_a_plan_or_danger_now_keeps_its_alarm(
    asked: AskedQuestion, reply: str, level: str
) -> None:
    found = assess_reply(reply, asked)
    assert found.level == level, (reply, read_reply(reply, asked))
