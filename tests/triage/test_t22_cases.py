"""Forty triage cases of t22's own (issue 13), played like a blind set (bot/triage/evaluate.py).

Written from the seeds (SET 2.2-2.5, Thurrock pack) in our own words, before any fresh set
was read: long openings that tell everything at once, answers with reasons and hedges
("not really, though he did say ...", "I think so", "no idea tbh"), ages in words and school
years, adults (learners, colleagues, parents), the person's denial against what staff saw,
exploitation with no ideology, and an area named in the conversation.

The questions are matched with the `when` patterns the blind-set writers use (eval/FORMATS.md),
in their order, so a reply lands on a question the way it does in those sets.
"""

from __future__ import annotations

import pytest

from bot.triage.evaluate import Case, evaluate

#: The blind-set writers' patterns (eval/FORMATS.md), in order, by the name used below.
WHEN = {
    "danger": r"danger|immediate|imminent|right now|at the moment|safe now|urgent|emergency|999|"
    r"happening now|tonight",
    "age": r"how old|\bage\b|aged|child or (an )?adult|adult or (a )?child|under 18|over 18|"
    r"year group|date of birth|\bdob\b|what year|which year",
    "area": r"\barea\b|local authority|council|which (area|county|borough|region|town|city)|"
    r"where|based|located|postcode",
    "dsl": r"\bdsl\b|designated safeguarding|safeguarding lead|prevent lead|"
    r"told (anyone|someone|your)|manager|anyone (else )?(aware|know)|"
    r"aware of (this|the|your) concern|reported|discussed|spoken to|head ?teacher|line manager",
    "family": r"consent|parent|family|carer|guardian|\bmum\b|\bdad\b|\bhome\b|agree|permission",
    "means": r"weapon|knife|knives|capab|access to|firearm|gun|explosive|chemical|means to|bomb|"
    r"skills",
    "plans": r"travel|abroad|proscribed|banned|organisation|member|join|plan|attack|recruit|"
    r"overseas|fund",
    "harm": r"harm|hurt|violen|threat|intend|intent|kill|revenge",
    "other": r"exploit|groom|gang|drug|abuse|domestic|coerc|older|boyfriend|girlfriend|money|"
    r"cash|bull|self.?harm",
    "views": r"ideolog|group|symbol|material|views|online|video|content|belie[fv]|engag|cause|"
    r"extrem|flag|leaflet|said|say|explain|deny|denied|describe|tell me more|behaviou?r|concern|"
    r"worr|what (did|has|have)|post",
}
#: Our own question names, matched before the writers' ones where a case needs them.
OWN_WHEN = {"involved": r"getting involved", "consent_q": r"consent to share"}


def case(
    id: str, opening: str, expect: list[str], default: str = "not sure", **replies: str
) -> Case:
    answers = [(OWN_WHEN[k], v) for k, v in replies.items() if k in OWN_WHEN]
    answers += [(WHEN[k], replies[k]) for k in WHEN if k in replies]
    return Case(id, opening, tuple(answers), default, tuple(expect))


CASES = [
    # -- everything in one long message ------------------------------------------------------
    case(
        "long-child-all-in-one",
        "Should I refer? One of my year 10 boys has been sharing videos from a far-right "
        "channel in the class group chat and calling Muslims invaders. Nobody is in danger "
        "right now. I've already spoken to our DSL and his mum knows and is supportive.",
        ["refer"],
        means="not that I know of",
        plans="no, nothing like that",
    ),
    case(
        "long-adult-learner-all-in-one",
        "I teach an adult learner, she's 34, on an access course. She keeps posting far-right "
        "propaganda on her instagram and told classmates the Christchurch mosque shootings were "
        "justified. It isn't urgent, no one is at risk today. I haven't told our safeguarding "
        "lead yet and I haven't asked her about any of it.",
        ["consult_dsl"],
        means="no",
        plans="no",
    ),
    case(
        "long-sixth-former-dsl-speaking",
        "I'm the DSL at a school in Thurrock. A sixth former has been trying to get other "
        "students into a group chat about a coming race war and says white people will have "
        "to fight back. No immediate danger. His parents don't know yet.",
        ["refer"],
        means="no",
        plans="no plans that I know of",
        harm="yes, he said they'll have to fight back",
    ),
    case(
        "long-primary-brother-plan",
        "Hi, I'm the DSL at a primary in Basildon. A year 6 girl told her teacher her older "
        "brother has a gun under his bed and says he will sort out the mosque next week. Her "
        "mum knows and has asked us for help.",
        ["police", "emergency"],
        danger="not right now, she is in class",
    ),
    # -- hedged answers and answers with reasons ----------------------------------------------
    case(
        "hedge-symbol-from-a-game",
        "Should I refer a year 9 girl? She has started wearing a badge with a symbol I didn't "
        "recognise and says it's just from a game.",
        ["consult_dsl"],
        danger="no, she's fine",
        views="I think so, when I looked it up it's used by a neo-Nazi group",
        plans="no",
        harm="not really, though she did say foreigners are ruining the country",
        means="no",
        dsl="not yet",
        family="not yet",
    ),
    case(
        "hedge-no-idea-tbh",
        "Worried about a lad in year 11 who has been spending a lot of time with older men who "
        "hand out leaflets for a nationalist group. Should I refer?",
        ["consult_dsl"],
        default="no idea tbh",
        danger="I don't think so, no",
        dsl="not yet",
    ),
    case(
        "hedge-i-think-so-intent",
        "A 15 year old keeps following an extremist account on TikTok. Is this a Prevent thing?",
        ["refer"],
        danger="no",
        views="yes, it's a far right account",
        harm="I think so, he said the people in the mosque deserved what happened",
        means="no",
        plans="no",
        family="yes, dad knows",
        dsl="yes, she told me to use this",
    ),
    case(
        "hedge-not-really-though",
        "Should I refer a year 8 boy who drew a swastika on his hand?",
        ["consult_dsl"],
        danger="no",
        plans="not really, though he did say he's been to a couple of their meetings",
        harm="not really, though he did call a black boy in his class a slur",
        means="no",
        family="not yet",
        dsl="no, not yet",
    ),
    case(
        "hedge-sort-of",
        "I'm worried about a 14 year old who keeps talking about the Taliban being heroes.",
        ["consult_dsl"],
        danger="no",
        views="sort of, he likes their videos",
        harm="kind of, he says soldiers deserve to die",
        means="no",
        plans="no",
        family="his mum knows",
        dsl="haven't had a chance yet",
    ),
    case(
        "hedge-probably-not-but-views",
        "Should I refer an apprentice, he's 19, who says Jews control the banks and the media?",
        ["consult_dsl"],
        danger="no",
        views="yes, those are his views",
        plans="probably not",
        harm="probably not, he's never threatened anyone",
        means="probably not",
        family="not asked him",
        dsl="no",
    ),
    # -- ages in words and school years ------------------------------------------------------
    case(
        "age-in-words",
        "Should I refer? A fourteen-year-old girl in my tutor group has been sending other "
        "girls ISIS nasheeds and says the caliphate is the only true way.",
        ["consult_dsl", "police"],
        danger="no",
        harm="no",
        means="no",
        plans="no",
        family="no",
        dsl="no",
    ),
    case(
        "age-reception",
        "A parent told me her child in reception keeps repeating what his uncle says about "
        "Jewish people being evil, and the uncle has a swastika tattoo. Should I refer?",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        harm="no, he's only little",
        family="the uncle is involved, he lives with them",
        dsl="no",
    ),
    case(
        "age-answered-in-words",
        "Should I refer a boy who has a Hitler picture as his profile photo and calls "
        "Pakistanis a slur?",
        ["consult_dsl"],
        danger="no",
        age="he's about sixteen",
        means="no",
        plans="no",
        family="no",
        dsl="no",
    ),
    case(
        "age-year-13",
        "Should I refer a student in year 13 who keeps sharing Britain First posts and says "
        "refugees should be shot?",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        family="no, his parents don't know",
        dsl="no",
    ),
    case(
        "age-early-twenties",
        "A learner at our college has been posting memes praising the Christchurch shooter. "
        "Should I refer?",
        ["consult_dsl"],
        danger="no",
        age="she's in her early twenties",
        means="no",
        plans="no",
        family="not asked her",
        dsl="no",
    ),
    case(
        "age-sixth-former-answer",
        "One of our students keeps saying women deserve to be attacked and praises an incel "
        "killer. Should I refer?",
        ["refer"],
        danger="no",
        age="a sixth former",
        means="no",
        plans="no",
        family="yes, his parents know",
        dsl="yes",
    ),
    # -- adults -----------------------------------------------------------------------------
    case(
        "adult-colleague",
        "I'm worried about a colleague, he's in his fifties, who keeps saying immigrants should "
        "be dealt with and has started going to meetings of a far-right group. Should I refer?",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        harm="yes, he said they should be dealt with",
        family="no, I haven't asked him",
        dsl="I've spoken to my line manager but not the safeguarding lead",
    ),
    case(
        "adult-parent-at-the-gates",
        "Should I refer a parent? A dad has been handing out leaflets from a far-right group "
        "outside our school gates and telling other parents that Muslims are taking over.",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        family="no, I haven't spoken to him",
        dsl="not yet",
    ),
    case(
        "adult-consents",
        "One of our adult learners, 45, has been repeating conspiracy theories about Jews and "
        "saying violence against them is justified.",
        ["refer"],
        danger="no",
        means="no",
        plans="no",
        family="yes, he agreed to talk to someone",
        dsl="yes, I spoke to our Prevent lead",
    ),
    case(
        "adult-views-no-dimensions",
        "An adult learner in my evening class, late forties, keeps saying democracy is a sham "
        "and should be replaced by religious law. He isn't part of any group. Should I refer?",
        ["consult_dsl"],
        default="no",
        danger="no",
        views="yes, those are his views",
    ),
    # -- the person's denial against what staff saw -----------------------------------------
    case(
        "denial-flag-wallpaper",
        "A year 7 boy had a Nazi flag as his phone wallpaper. When I asked, he said he's just "
        "interested in history and it means nothing.",
        ["consult_dsl"],
        default="no",
        danger="no",
        views="he says he isn't into any of it",
    ),
    case(
        "denial-curious",
        "Should I refer? A 16 year old girl was found with printouts of a white supremacist "
        "manifesto in her bag.",
        ["consult_dsl"],
        default="no",
        danger="no",
        views="no, she told me she was just curious about it",
        plans="no",
    ),
    case(
        "denial-joke",
        "A year 10 lad did a Nazi salute in the corridor and shouted Sieg Heil. He says it "
        "was only a joke.",
        ["consult_dsl"],
        default="no",
        danger="no",
        views="no, he insists he was joking",
    ),
    case(
        "denial-mum-says",
        "A 13 year old has been watching ISIS execution videos at home. His mum says it means "
        "nothing, he's just a boy.",
        ["consult_dsl"],
        default="no",
        danger="no",
    ),
    # -- exploitation and other harms, no ideology -------------------------------------------
    case(
        "exploit-county-lines",
        "A 15 year old in my tutor group has suddenly got new trainers and two phones, and older "
        "lads pick him up from school in a car. I'm worried he's being used to carry drugs.",
        ["safeguarding"],
        danger="no",
        views="no, nothing to do with extremism",
        other="yes, I think he's being exploited",
    ),
    case(
        "exploit-mate-crime",
        "I'm a support worker for a 26 year old man with learning difficulties; his new "
        "friends have moved into his flat and take his benefits every week.",
        ["safeguarding"],
        danger="no",
        views="no, it's a different kind of worry",
    ),
    case(
        "exploit-neglect",
        "Should I refer? A 10 year old keeps coming in hungry and says his dad hits him.",
        ["safeguarding"],
        danger="not today, he's in school",
        views="no, nothing like that, it's about home",
    ),
    case(
        "exploit-older-boyfriend",
        "A year 9 girl has an older boyfriend who is 24 and buys her alcohol and vapes. "
        "Is this Prevent?",
        ["safeguarding"],
        danger="no",
        views="no",
        other="yes, I think she's being groomed",
    ),
    case(
        "exploit-with-extremist-grooming",
        "A 13 year old girl is being messaged by an older man online who sends her gifts and "
        "videos saying Muslims should be driven out of Britain.",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        other="yes, I think she's being groomed",
        family="no",
        dsl="no",
    ),
    # -- no concern ---------------------------------------------------------------------------
    case(
        "none-climate-protest",
        "A year 11 girl has been organising a climate protest and a petition at school. Should "
        "I be worried she's being radicalised?",
        ["no_concern"],
        default="no",
        views="no, it's all peaceful",
    ),
    case(
        "none-convert",
        "A year 10 girl recently converted to Islam and started wearing a hijab. Her friends "
        "are worried about her. Should I refer?",
        ["no_concern"],
        default="no",
        views="no, it's just her faith, nothing extreme",
    ),
    # -- police and 999 -----------------------------------------------------------------------
    case(
        "police-travel-opening",
        "A 17 year old told his friends he is saving up to travel to Syria to join Islamic "
        "State this summer.",
        ["police"],
        danger="no, he's at school",
    ),
    case(
        "police-plan-in-answer",
        "Should I refer a year 12 student who has been praising an extremist group and saying "
        "the government deserves to be attacked?",
        ["police"],
        danger="no",
        harm="yes",
        means="not sure",
        plans="yes, he told a friend he's planning to do something at the Remembrance parade",
    ),
    case(
        "emergency-in-answer",
        "Should I refer a 16 year old who keeps saying Muslims are invaders?",
        ["emergency"],
        danger="yes, he's in the car park right now with a knife saying he'll stab the first "
        "Muslim he sees",
    ),
    # -- answers with reasons to the DSL and family questions --------------------------------
    case(
        "reasons-dsl-i-am",
        "Should I refer? A year 9 boy has been recruiting friends into a far-right group chat "
        "and sharing swastika memes.",
        ["refer"],
        danger="no",
        harm="no",
        means="no",
        plans="no",
        family="his parents are aware and worried",
        dsl="I am the DSL",
    ),
    case(
        "reasons-family-implicated",
        "A 12 year old girl told her teacher her dad takes her to meetings where men talk about "
        "killing non-believers.",
        ["consult_dsl", "refer"],
        danger="no",
        means="no",
        plans="no",
        family="her dad is the one taking her, so I haven't told him",
        dsl="not yet",
    ),
    case(
        "reasons-refused-public-interest",
        "Should I refer a 30 year old man on our employability course who keeps saying gay "
        "people should be killed and that he'd happily do it himself?",
        ["refer"],
        danger="no",
        means="no",
        plans="no",
        consent_q="he refused point blank",
        harm="yes, he said he'd happily do it himself, so it could stop someone getting hurt",
        dsl="yes",
    ),
    # -- the area named -----------------------------------------------------------------------
    case(
        "area-southend",
        "I work at a secondary school in Southend. A year 8 boy has been drawing swastikas all "
        "over his exercise books. Should I refer?",
        ["consult_dsl"],
        danger="no",
        harm="no",
        means="no",
        plans="no",
        family="no",
        dsl="no",
    ),
    case(
        "area-in-answer",
        "Should I refer a year 11 girl who says the Manchester Arena bomber was a hero?",
        ["consult_dsl"],
        danger="no",
        means="no",
        plans="no",
        family="no",
        dsl="no, I'm in Thurrock by the way",
    ),
    case(
        "other-and-views",
        "A 14 year old boy is being bullied badly and has started saying the far-right group "
        "online are the only ones who understand him. Should I refer?",
        ["consult_dsl"],
        danger="no",
        harm="no",
        means="no",
        plans="no",
        other="yes, the bullying",
        family="his mum knows",
        dsl="no",
    ),
]


def test_there_are_forty_cases_with_distinct_ids() -> None:
    assert len(CASES) == 40
    assert len({c.id for c in CASES}) == 40


@pytest.mark.parametrize("c", [c for c in CASES if c.id != "emergency-in-answer"], ids=lambda c: c.id)
def test_each_case_reaches_its_seed_outcome_on_the_triage_core(c: Case) -> None:
    (result,) = evaluate([c], use_risk=False)
    assert result.correct, "\n".join(result.transcript)


def test_the_emergency_case_reaches_999_like_the_assistant() -> None:
    (result,) = evaluate([c for c in CASES if c.id == "emergency-in-answer"], use_risk=True)
    assert result.outcome == "emergency", "\n".join(result.transcript)


@pytest.mark.parametrize(
    ("opening", "dsl_reply", "area", "email"),
    [
        (
            "I work at a secondary school in Southend. A year 8 boy has been drawing swastikas "
            "all over his exercise books. Should I refer?",
            "no",
            "Southend",
            "southend.gov.uk",
        ),
        (
            "Should I refer a year 11 girl who says the Manchester Arena bomber was a hero?",
            "no, I'm in Thurrock by the way",
            "Thurrock",
            "thurrock.gov.uk",
        ),
    ],
)
def test_the_outcome_names_the_contact_of_the_area_named(
    opening: str, dsl_reply: str, area: str, email: str
) -> None:
    from tests.triage._play import play

    conv, _ = play(opening, {"immediate_risk": "no", "dsl_consulted": dsl_reply}, default="no")
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "consult_dsl"
    text = " ".join(outcome.steps + outcome.notes)
    assert area in text and email in text.lower(), text
