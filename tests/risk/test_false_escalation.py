"""Issue 12, r21: a worrying but non-imminent concern is not raised to 999 or the police on weak words.

Every sentence here was written for this file (none comes from an evaluation set). Each calm
class failed on the code before its fix; each has close twins below that must keep their
alarm, so the fix narrows the weak cue by meaning and loses no real escalation.

Policy: SET 2.3 names views, material and the support of violence as signs for the DSL and a
referral (SET 2.5); 999 is for imminent risk of harm and the police for terrorism-related
activity: planning, instructions, travel to fight, threats (SET 2.1, 2.5).

The classes (data in bot/risk/lexicon.yml and guidance/risk/answers.yml):
1. a near time must date an act: "now says", "now thinks" date the telling (`report_time`);
   and "fight for" is no journey (it was both the travel and the group of travel_to_join);
2. reading or quoting someone else's manifesto is material, not planning (`reading_manifesto`);
3. harm wished on people ("should be shot at") is a view, not harm going on (`harm_wished`);
4. support for other people's violence stated generally, and the practitioner's hedge
   ("though he hasn't threatened anyone", "hasn't said he wants to hurt anyone") make the
   talk a view, not a threat (`endorses_violence`, `no_threat_made`, negation `reaches_through`);
5. a joke about a bomb, watching videos about weapons, a firearms career: no device, no
   practice, no threat (`joke_about`, `watched_about`, `joke`, `everyday`);
6. pages made by fans of attackers ("school shooter fan pages") name no act (`attacker_fandom`);
7. why people in general join a group is a view or a question (`asks_why_join`);
8. a story written about a bomb, a wish to see harm (`wrote_about`, `wish_to_see`);
9. an answer that denies a list ("nothing about X, any Y or Z") denies every item of it.
"""

from __future__ import annotations

import re

import pytest

from bot.risk import assess, assess_rules
from bot.risk.in_context import AskedQuestion, assess_reply

CALM = [
    # 1. "now" dates a view; "fight for" alone is no travel
    "a lad in my tutor group now says he would fight for the people in his online gaming clan",
    "since the summer she now thinks she'd fight for her online friends if it came to it, "
    "what do I do?",
    "my nephew's carer says he now believes he'd fight for the men who message him on discord",
    # 2. reading someone else's manifesto
    "my 15 year old student has been reading the manifestos of mass shooters and says "
    "society is finished",
    "a sixth former keeps quoting a shooter's manifesto in his essays and thinks civil war "
    "is inevitable",
    "he's been looking at the Unabomber manifesto for his philosophy A level",
    # 3. harm wished on people
    "a girl in year 8 said travellers should all be gassed, she says her uncle says it",
    "an older resident keeps saying asylum seekers should be shot at the border, he posts "
    "about it on facebook",
    # 4. support for violence stated generally, with the hedge
    "she said she would support anyone who attacks the bank that repossessed their house, "
    "though she hasn't threatened anyone herself",
    "He told the class he backs anyone who kills paedophiles, he hasn't threatened anyone. "
    "Should I refer?",
    "she shares posts saying gay people should be attacked but says she'd never do it herself",
    "She's obsessed with incel forums. She hasn't said she wants to hurt anyone, and there's "
    "no group I know of.",
    # 5. a joke, watching videos about weapons, a firearms career
    "a lad made a bomb joke at the bus stop and his mates laughed, he apologised straight away",
    "she watches youtube videos about tanks and rifles all the time, no politics, no threats",
    "year 13 girl wants to be a firearms officer and asked where the nearest shooting range is",
    # 6. pages made by fans of attackers: a fascination and material, not an act
    "a year 10 boy follows mass shooter fan accounts on tiktok and has made edits of them, "
    "he went quiet when I asked",
    "college learner spends hours on school shooter fan accounts and has drawn the attackers "
    "in his sketchbook",
    # a story written about a bomb; a wish to see harm
    "she wrote a song about a boy who bombs his school, she says it's about bullying",
    "for her drama piece she wrote about a woman who bombs a cinema, it's made up",
    "he told his mate he'd love to see the college burn down, he was angry about his grades",
    # why people in general join a group: a view or a question
    "she says she understands why people join ISIS and thinks the west hates Muslims",
    "he asked me why young men join Daesh, is that a worry?",
    # the issue's own classes, in fresh words
    "one of my pupils keeps trying to get people to join the chess club",
    "Referral form summary: he's in a group chat that glorifies the Christchurch attack, "
    "no plans or weapons known",
    "in chemistry a year 10 asked how explosives actually work",
]


@pytest.mark.parametrize("text", CALM)
def test_a_concern_with_weak_words_is_not_raised(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level == "none", [m.reason for m in rules.matches]
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


EMERGENCY_TWINS = [
    # a near time of the act itself, with "now says" beside it
    "he now says he's flying out to join the fighters tonight",
    "he's booked a flight to Turkey to fight for ISIS and leaves tomorrow",
    # harm going on, not wished
    "someone is being shot at outside the school gates",
    # a call to violence with a close time, whatever the mood of the verb
    "he says the people at the mosque should be shot tonight",
    # the hedge does not reach a threat with a close time
    "though he hasn't threatened anyone, he said he'll stab his teacher tomorrow",
    # a joke first, then a real bomb
    "he made a bomb joke and then showed me a real bomb in his bag",
    # the speaker's own not-telling does not deny the knife
    "I haven't said he has a knife in his bag",
    "he runs a school shooter fan page and says he'll shoot up the school on friday",
    "he's being strangled in the toilets right now",
    "he'd love to see the mosque burn down and he's going to torch it tonight",
    "he's made a pipe bomb and it's in his locker",
]


@pytest.mark.parametrize("text", EMERGENCY_TWINS)
def test_the_close_twin_is_still_an_emergency(text: str) -> None:
    result = assess(text)
    assert result.level == "emergency", [m.reason for m in result.matches]


POLICE_TWINS = [
    "he told me he wants to go to Syria to fight for them",
    "he has written a manifesto and says he'll attack the synagogue",
    "he's been collecting attack manuals and bomb-making instructions on a USB stick",
    "she said she will bomb the council offices next month",
    # supporting an attack on a named place of worship keeps the threat rule
    "he said he'd support anyone who bombs the synagogue",
    "he watches videos about how to make pipe bombs",
    "she follows attacker tribute pages and told me she wants to be the next school shooter",
    "he wrote instructions for making a pipe bomb in his notebook",
    # "never do it" without "himself" is no act of someone else's: the threat stands
    "he said he'll hurt his stepdad, though he'd never do it really",
    # a gap of "~" stays in its clause: reading, then writing his own
    "he read it, then wrote a manifesto",
    "he reads the manifestos and has written his own manifesto naming the mosque",
    "she understands why people join ISIS and has asked her cousin how to get to Syria to "
    "join them",
]


@pytest.mark.parametrize("text", POLICE_TWINS)
def test_the_close_twin_still_goes_to_the_police(text: str) -> None:
    result = assess(text)
    assert result.level in ("police", "emergency"), [m.reason for m in result.matches]


@pytest.mark.parametrize(
    "text",
    ["he keeps going on about how he would fight for them", *POLICE_TWINS, *EMERGENCY_TWINS],
)
def test_a_reason_never_quotes_the_same_words_as_two_kinds_of_evidence(text: str) -> None:
    # "fight for" was both the journey and the group ("('fight for', 'fight for')"): a
    # reason must name real evidence, each kind its own words
    for match in assess_rules(text).matches:
        for group in re.findall(r"\(([^()]*)\)", match.reason):
            quoted = re.findall(r"'([^']+)'", group)
            assert len(quoted) == len(set(quoted)), match.reason


PLANNING_QUESTION = AskedQuestion.from_names(["triage_terrorism"])


def test_an_answer_denying_a_list_denies_every_item() -> None:
    text = "No, nothing about going abroad, any proscribed group or planning an attack."
    assert assess_reply(text, PLANNING_QUESTION).level == "none"


def test_an_answer_that_tells_of_a_plan_still_goes_to_the_police() -> None:
    text = "No. But he's planning an attack on the synagogue."
    assert assess_reply(text, PLANNING_QUESTION).level in ("police", "emergency")
