"""The triage principles of issue 13, each checked against the SET policy it comes from.

1. What staff saw is never erased by what the person says (SET 2.3).
2. Extremist views confirmed, nothing on the three dimensions: the lead is consulted (SET 2.5).
3. Planning, attack preparation, travel to join or membership of a proscribed group reach
   the police route in the triage itself (Thurrock pack; SET 2.4).
4. Answers with their reasons, and sentences in place of buttons, are understood.
5. Exploitation without ideology is a safeguarding route; an implicated family still ends
   with an outcome and the consent exception (SET 2.4).
6. The area named in the conversation drives the contacts; the configured inbox is named.
7. The contact line carries the Annex B date caveat; consult_dsl names both exceptions; a
   "not sure" age is kept.
8. (session 2) "Not sure" about other worries is not a worry named (no `safeguarding`); views
   held without a group are views; interest in violence without a clear cause is unclear
   ideology, not "no"; a hedged "yes" to planning or travel is "not sure".
"""

from __future__ import annotations

import pytest

from bot.triage import TriageFacts, answer_facts, mentioned_facts, remaining
from bot.triage.conversation import read_reply
from tests.triage._play import INBOX, ROOT, TRIAGE, play

CONTACT_DEFAULT = "prevent@essex.pnn.police.uk"


def outcome_of(opening, answers=None, default="no", **kw):
    conv, asked = play(opening, answers or {}, default=default, **kw)
    result = conv.outcome()
    assert result is not None, f"no outcome after {asked}"
    return result, conv, asked


# -- 1. observed facts are not erased by the person's account --------------------------------

DENIALS = [
    "Should I refer a 14 year old who has an ISIS flag as his phone background? He says it "
    "means nothing and he just likes the look of it.",
    "A year 9 boy drew swastikas all over his planner. He says he was just messing about.",
    "I found far-right stickers in a pupil's bag; she told me they're just a joke.",
    "A 15 year old has been sharing ISIS propaganda videos in a group chat but insists he's "
    "just curious.",
    "A 16 year old has a nazi patch on his jacket. He said he didn't know what it meant.",
]


@pytest.mark.parametrize("opening", DENIALS)
def test_a_denial_does_not_erase_symbols_or_material_staff_saw(opening):
    facts = mentioned_facts(opening)
    assert facts.get("ideology") != "no" and facts.get("denial") == "yes"
    result, conv, _ = outcome_of(opening, default="not sure")
    assert result.outcome in ("consult_dsl", "refer")
    assert conv.facts.ideology != "no"
    assert any("doesn't erase what you saw" in r for r in result.reasons)


def test_a_later_denial_in_a_reply_does_not_erase_an_earlier_sighting():
    result, conv, _ = outcome_of(
        "A year 10 boy has a patch with a nazi symbol on his bag",
        {"intent": "No - he says it means nothing, it's nothing to do with extremism"},
    )
    assert conv.facts.engagement == "yes" and conv.facts.ideology != "no"
    assert result.outcome in ("consult_dsl", "refer")


def test_observed_yes_is_kept_when_combined_with_a_later_no():
    seen = TriageFacts(engagement="yes", ideology="yes")
    assert seen.combined({"ideology": "no", "engagement": "no"}).engagement == "yes"
    assert seen.combined({"ideology": "no"}).ideology == "yes"
    assert TriageFacts(engagement="yes").combined({"ideology": "no"}).ideology != "no"


def test_curiosity_with_nothing_seen_still_ends_as_no_concern():
    result, _, _ = outcome_of(
        "Should I be worried? A pupil asked lots of questions about the IRA after our "
        "history lesson.",
        {
            "age_group": "She's 15",
            "ideology": "No, she was just curious and said violence is wrong",
            "other_safeguarding": "No, nothing else",
        },
    )
    assert result.outcome == "no_concern"


# -- 2. extremist views, nothing on the three dimensions: consult the lead -------------------


@pytest.mark.parametrize(
    ("opening", "answers"),
    [
        (
            "Should I refer? A 13 year old keeps repeating extreme views about Jewish people "
            "that he picked up online.",
            {},
        ),
        (
            "A 35 year old learner on our adult course keeps repeating extremist views, but "
            "there's no group behind it.",
            {},
        ),
        ("I'm worried about a year 11 pupil", {"age_group": "16", "ideology": "yes"}),
        (
            "Is this a Prevent concern? An apprentice, 22, keeps voicing far-right opinions "
            "at work.",
            {"engagement": "no", "intent": "no", "capability": "no"},
        ),
    ],
)
def test_views_confirmed_but_no_to_the_three_dimensions_consults_the_lead(opening, answers):
    result, _, asked = outcome_of(opening, answers, default="no")
    assert {"engagement", "intent", "capability"} <= set(asked) | set()
    assert result.outcome == "consult_dsl"
    text = " ".join([result.headline, *result.reasons, *result.steps]).lower()
    assert "no prevent referral is needed" not in text
    assert "not an exhaustive list" in text


def test_views_confirmed_all_no_is_never_no_concern_at_the_table():
    for other in ("yes", "no", "unsure"):
        facts = TriageFacts.from_mapping(
            dict(
                immediate_risk="no",
                age=13,
                ideology="yes",
                engagement="no",
                intent="no",
                capability="no",
                other_safeguarding=other,
            )
        )
        assert TRIAGE.decide(facts, _contact()).outcome == "consult_dsl"


# -- 3. terrorism-related: extracted, asked when relevant, police ----------------------------

TERRORISM = [
    "A 17 year old told friends he is going to travel to Syria to join ISIS next summer",
    "I think one of our sixth formers is planning an attack on a mosque",
    "A pupil says his cousin is a member of National Action and he wants to join them too",
    "A student has been buying chemicals to make explosives, he showed a friend the list",
    "He has been looking up instructions to make a bomb on the library computer",
    "She has been sending money to ISIS fighters through an app",
    "He has joined a proscribed group he found online",
    "A student told me another student is planning to set fire to the mosque down the road",
    "We've found out an 18 year old apprentice is a member of a proscribed neo-Nazi group",
]


@pytest.mark.parametrize("opening", TERRORISM)
def test_terrorism_related_facts_are_extracted_and_reach_the_police(opening):
    assert mentioned_facts(opening).get("terrorism") == "yes"
    result, _, asked = outcome_of(opening, default="no")
    assert result.outcome == "police"
    assert asked == ["immediate_risk"]  # 999 first; nothing else is needed
    assert "0800 789 321" in result.headline


@pytest.mark.parametrize(
    "text",
    [
        "A pupil asked lots of questions about the IRA after our history lesson.",
        "He is not planning anything, he just likes the music",
        "We did a lesson on how the police stop attacks",
        "He is going to join his family in Syria for the summer holidays",
    ],
)
def test_talk_about_groups_or_attacks_is_not_terrorism_by_itself(text):
    assert mentioned_facts(text).get("terrorism") is None


def test_the_planning_question_is_asked_when_intent_is_seen_and_yes_goes_to_police():
    result, _, asked = outcome_of(
        "Should I refer? A 15 year old keeps saying the attacker was a hero",
        {
            "age_group": "15",
            "engagement": "no",
            "capability": "no",
            "terrorism": "Yes, he told a friend he wants to travel to join the fighters",
        },
    )
    assert "terrorism" in asked and result.outcome == "police"


def test_the_planning_question_is_not_asked_when_no_sign_is_seen():
    todo = remaining(
        TriageFacts.from_mapping(
            dict(
                immediate_risk="no",
                age=14,
                ideology="yes",
                engagement="no",
                intent="no",
                capability="no",
            )
        )
    )
    assert "terrorism" not in todo


def test_the_planning_question_is_asked_when_engagement_alone_is_seen():
    """t22 (set N's misses): travel to join a group abroad is told beside engagement
    (propaganda watched, a group followed) with no intent or capability; it goes to the
    police ahead of local routes (Thurrock pack), so the question is asked once a sign on
    any dimension is seen."""
    todo = remaining(
        TriageFacts.from_mapping(
            dict(
                immediate_risk="no",
                age=14,
                ideology="yes",
                engagement="yes",
                intent="no",
                capability="no",
            )
        )
    )
    assert "terrorism" in todo


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("A student has a swastika tattoo", "engagement"),
        ("A parent said her son has a swastika tattoo", "engagement"),
        ("A different pupil keeps saying immigrants are ruining the country", "intent"),
    ],
)
def test_words_ending_in_nt_are_not_negations(text, fact):
    assert mentioned_facts(text).get(fact) == "yes"


# -- 4. answers with reasons and in the person's own words -----------------------------------


@pytest.mark.parametrize(
    ("asked", "reply", "expected"),
    [
        (
            "intent",
            "Yes – he said immigrants should all be sent back, though he hasn't threatened anyone",
            {"intent": "yes"},
        ),
        ("intent", "Yes, though he hasn't threatened anyone", {"intent": "yes"}),
        ("engagement", "Yes, though he hasn't tried to recruit anyone", {"engagement": "yes"}),
        ("engagement", "Yeah, but nobody else seems to have noticed", {"engagement": "yes"}),
        ("capability", "No, although he's good at football", {"capability": "no"}),
        (
            "engagement",
            "He's been hanging around with some older lads who are into all that",
            {"engagement": "yes"},
        ),
        ("intent", "He said they all deserve what's coming to them", {"intent": "yes"}),
        ("capability", "I haven't noticed anything like that", {"capability": "no"}),
        ("engagement", "Not that I've seen", {"engagement": "no"}),
        ("intent", "I don't think so", {"intent": "no"}),
        ("capability", "not really sure to be honest", {"capability": "unsure"}),
        ("immediate_risk", "Nobody's in danger right now, he's at home", {"immediate_risk": "no"}),
        (
            "dsl_consulted",
            "Our DSL is off sick so I haven't been able to talk to her",
            {"dsl_consulted": "no"},
        ),
        (
            "dsl_consulted",
            "I mentioned it to the head of safeguarding yesterday",
            {"dsl_consulted": "yes"},
        ),
        (
            "family_aware",
            "We spoke to his mum on Friday and she's supportive",
            {"family_aware": "yes"},
        ),
        ("family_aware", "No, we haven't said anything to them yet", {"family_aware": "no"}),
        ("adult_consent", "He doesn't want us to pass anything on", {"adult_consent": "refused"}),
        ("adult_consent", "She said that's fine", {"adult_consent": "given"}),
        ("age_group", "He's in the sixth form", {"age_group": "child"}),
        ("age_group", "A man in his thirties", {"age_group": "adult"}),
        ("age_group", "in her forties", {"age_group": "adult"}),
        (
            "capability",
            "He's in the army cadets and knows how to shoot",
            {"capability": "yes"},
        ),
        (
            "terrorism",
            "He's been looking at flights and said he wants to join the brothers in Syria",
            {"terrorism": "yes"},
        ),
        (
            "other_safeguarding",
            "His so-called friends keep taking his money",
            {"other_safeguarding": "yes"},
        ),
        ("other_safeguarding", "Yes, I think she is self-harming", {"other_safeguarding": "yes"}),
    ],
)
def test_an_answer_in_the_persons_own_words_counts(asked, reply, expected):
    facts = answer_facts(asked, reply)
    assert {k: facts.get(k) for k in expected} == expected
    assert read_reply(asked, reply).how == "answer"


def test_the_trailing_clause_of_an_answer_is_read_too():
    facts = answer_facts(
        "intent",
        "Yes - he said immigrants should be sent back, though he also has a history of violence",
    )
    assert facts["intent"] == "yes" and facts["capability"] == "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "He plays football on Saturdays and gets on with his teachers",
        "It's hard to explain, he just seems different lately",
        "Honestly his behaviour in class is fine most of the time",
    ],
)
def test_a_sentence_is_never_met_with_didnt_get_that(reply):
    assert read_reply("capability", reply).how != "none"


@pytest.mark.parametrize(
    "reply",
    [
        "what do you mean by capability?",
        "I don't understand the question",
        "sorry, what does that mean",
        "is that relevant?",
        "what counts as capability",
        "tell me more about capability",
        "I want to stop now please",
    ],
)
def test_a_question_about_the_question_is_not_taken_as_an_answer(reply):
    assert read_reply("capability", reply).how == "none"


# -- 5. exploitation and an implicated family ------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "ideology_answer"),
    [
        (
            "I'm worried about a 19 year old with learning difficulties whose new so-called "
            "friends take his money and make him carry parcels",
            "No, it's a different kind of worry",
        ),
        (
            "Should I refer? I think a 15 year old girl is being groomed by older men who buy "
            "her gifts",
            "no",
        ),
        ("A year 10 boy might be involved in county lines, is that a Prevent thing?", "not sure"),
        ("I think a vulnerable adult is a victim of mate crime", "No"),
    ],
)
def test_exploitation_without_ideology_is_the_safeguarding_route(opening, ideology_answer):
    result, _, _ = outcome_of(
        opening, {"ideology": ideology_answer, "age_group": "16"}, default="no"
    )
    assert result.outcome == "safeguarding"


def test_an_implicated_father_still_ends_with_an_outcome_and_the_consent_exception():
    result, _, asked = outcome_of(
        "Should I refer? A 12 year old keeps drawing swastikas on his books",
        {
            "family_aware": "His dad is the one who shows him the videos",
            "dsl_consulted": "yes",
        },
    )
    assert result.outcome == "refer"
    assert asked.count("family_aware") == 1
    assert any("don't seek their consent" in n for n in result.notes)


def test_a_father_implicated_in_the_opening_is_not_asked_about_family_consent():
    result, _, asked = outcome_of(
        "A 13 year old is repeating far-right views he gets from his dad, and has a "
        "swastika on his pencil case",
        {"dsl_consulted": "no"},
    )
    assert "family_aware" not in asked and result.outcome == "consult_dsl"
    assert any("don't seek their consent" in n for n in result.notes)


# -- 6. the area named drives the contacts; the configured inbox is named --------------------


@pytest.mark.parametrize(
    ("opening", "name", "contact"),
    [
        (
            "I'm at a school in Southend and a 14 year old has a swastika tattoo",
            "Southend",
            "Carl Robinson",
        ),
        (
            "I work in Grays, Thurrock. A 14 year old has a swastika tattoo",
            "Thurrock",
            "Carol Hinvest",
        ),
        (
            "We're a college in Chelmsford, Essex. A 14 year old has a swastika tattoo",
            "Essex",
            "Trevor Willis",
        ),
    ],
)
def test_the_area_named_in_the_conversation_gives_the_contact(opening, name, contact):
    result, conv, _ = outcome_of(
        opening,
        {"dsl_consulted": "no"},
        default_area="thurrock" if name != "Thurrock" else "southend",
    )
    assert result.outcome == "consult_dsl"
    line = next(s for s in result.steps if "Prevent contact is" in s)
    assert f"{name}'s Prevent contact is {contact}" in line


def test_an_area_named_in_a_later_reply_counts():
    result, conv, _ = outcome_of(
        "A 14 year old has a swastika tattoo",
        {"dsl_consulted": "No, I'm in Southend and our DSL is away"},
        default_area="essex",
    )
    assert conv.area == "southend" and result.outcome == "consult_dsl"
    assert any("Southend's Prevent contact" in s for s in result.steps)


def test_the_outcome_names_the_configured_inbox():
    result, _, _ = outcome_of(
        "A 14 year old has a swastika tattoo", {"dsl_consulted": "yes", "family_aware": "yes"}
    )
    assert result.outcome == "refer"
    steps = " ".join(result.steps)
    assert INBOX in steps and CONTACT_DEFAULT not in steps


# -- 7. date caveat, both exceptions, a "not sure" age is kept -------------------------------


def test_the_contact_line_carries_the_annex_b_date_caveat():
    result, _, _ = outcome_of("A 14 year old has a swastika tattoo", {"dsl_consulted": "no"})
    line = next(s for s in result.steps if "Prevent contact is" in s)
    assert "April 2019" in line and "check" in line


# The guidance "not sure" fallback's date caveat: tests/actions/test_guidance.py runs the
# action and checks what it says (this file used to restate domain/guidance.yml instead).


def test_consult_dsl_names_999_and_the_police_route_as_the_exceptions():
    result, _, _ = outcome_of("A 14 year old has a swastika tattoo", {"dsl_consulted": "no"})
    steps = " ".join(result.steps)
    assert "999" in steps and "0800 789 321" in steps


def test_consult_dsl_first_topic_names_both_exceptions():
    from bot.guidance import load_guidance

    answer = load_guidance(ROOT / "guidance").topic("consult_dsl_first").answer
    assert "999" in answer and "0800 789 321" in answer


def test_a_not_sure_age_is_kept_and_not_asked_again():
    result, conv, asked = outcome_of(
        "I'm worried about someone who keeps sharing nazi memes",
        {"age_group": "not sure", "dsl_consulted": "no"},
    )
    assert asked.count("age_group") == 1
    assert conv.facts.age_group == "unsure" and result.outcome == "consult_dsl"
    assert TriageFacts.from_mapping({"age_group": "unsure"}).age_group == "unsure"


def _contact():
    from bot.triage.outcome import area_contact
    from tests.triage._play import BASE

    return area_contact(BASE, None, INBOX, "essex")


def test_a_proscribed_list_kept_as_data_is_used_when_present(tmp_path):
    """Issue 12 keeps the proscribed organisations as data (guidance/risk/); when it is there,
    membership of any name or alias on it is terrorism-related."""
    from bot.triage.extract import proscribed_pattern

    listing = tmp_path / "proscribed_organisations.yml"
    listing.write_text(
        "organisations:\n  - name: Al-Muhajiroun\n    aliases: [islam4uk, the saved sect]\n"
    )
    pattern = proscribed_pattern(listing)
    assert pattern.search("he has joined islam4uk online")
    assert pattern.search("she is a member of al-muhajiroun")
    assert not pattern.search("we talked about islam4uk in class")
    assert proscribed_pattern(tmp_path / "missing.yml") is None


@pytest.mark.parametrize(
    ("text", "engaged"),
    [
        ("A 15 year old has converted to Islam and started wearing a headscarf", False),
        ("He has grown a beard and started wearing a prayer cap", False),
        ("He has started wearing a far-right patch and changed his appearance", True),
        ("She shaved her head and started wearing neo-nazi clothing", True),
    ],
)
def test_faith_or_dress_alone_is_not_engagement(text, engaged):
    """SET 2.3: a change of dress 'to accord with the group'; faith is not an indicator."""
    assert (mentioned_facts(text).get("engagement") == "yes") is engaged


def test_other_safeguarding_worries_are_named_alongside_a_radicalisation_outcome():
    result, _, _ = outcome_of(
        "A 14 year old with a swastika tattoo is also being exploited by older men",
        {"dsl_consulted": "no"},
    )
    assert result.outcome == "consult_dsl"
    assert any("follow your safeguarding procedures" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("reply", "reading"),
    [
        ("Yes, he did, although only once", "yes"),
        ("Yeah he has, but he says it was a joke", "yes"),
        ("Yep - a couple of times in tutor time", "yes"),
        ("Definitely, he's been quite open about it", "yes"),
        ("Sadly yes", "yes"),
        ("I think so, a friend of his told me", "yes"),
        ("A bit, he's mentioned it a few times", "yes"),
        ("He has, yes", "yes"),
        ("Unfortunately, yes – and he hasn't stopped", "yes"),
        ("Sometimes, when he's wound up", "yes"),
        ("No, not at all", "no"),
        ("Nope, nothing", "no"),
        ("No – although he does get angry in PE", "no"),
        ("Not that I know of", "no"),
        ("Not as far as I'm aware", "no"),
        ("I don't think so, no", "no"),
        ("Definitely not", "no"),
        ("Not really", "no"),
        ("I haven't seen anything like that", "no"),
        ("Never", "no"),
        ("He hasn't, no", "no"),
        ("Not sure, to be honest", "unsure"),
        ("I'm not really sure", "unsure"),
        ("Maybe, it's hard to tell", "unsure"),
        ("Possibly? I've only heard it second-hand", "unsure"),
        ("No idea", "unsure"),
        ("Hard to say", "unsure"),
        ("I don't know, I only teach him once a week", "unsure"),
    ],
)
def test_many_phrasings_of_yes_no_and_not_sure(reply, reading):
    facts = answer_facts("intent", reply)
    assert facts.get("intent") == reading
    assert read_reply("intent", reply).how == "answer"


@pytest.mark.parametrize(
    ("reply", "reading"),
    [
        ("Yes, it's the extremist stuff he's been watching", "yes"),
        ("It's about the far-right channel he follows", "yes"),
        ("It's more of a bullying thing really", "no"),
        ("No, I think she's being groomed by an older man", "no"),
        ("It's about his views on Jewish people", "yes"),
        ("Mainly the racist stuff he says in class", "yes"),
        ("It's not about his views, he's being bullied", "no"),
        ("Not sure, it could be both", "unsure"),
        ("Honestly I can't tell", "unsure"),
    ],
)
def test_the_ideology_question_in_own_words(reply, reading):
    assert answer_facts("ideology", reply).get("ideology") == reading


@pytest.mark.parametrize(
    ("text", "ideology"),
    [
        ("A pupil wrote a history essay about the rise of the Nazis, should I be worried?", None),
        ("We watched a documentary about ISIS in RE and a boy asked lots of questions", None),
        ("A year 9 asked me what the far right is after the news", None),
        ("He keeps saying Hitler had the right idea", "yes"),
        ("She keeps repeating far-right views she picked up online", "yes"),
        ("He says the Christchurch shooter was a hero and praises Tarrant", "yes"),
    ],
)
def test_a_cause_studied_or_asked_about_is_not_a_view_held(text, ideology):
    """Principle 2 is about views confirmed: a topic in a lesson goes to the ideology question."""
    assert mentioned_facts(text).get("ideology") == ideology


def test_a_history_essay_about_the_nazis_can_end_as_no_concern():
    result, _, asked = outcome_of(
        "A pupil wrote a history essay about the rise of the Nazis, should I be worried?",
        {"age_group": "15", "ideology": "No, it was for her GCSE coursework"},
    )
    assert "ideology" in asked and result.outcome == "no_concern"


# -- QA B5: a DSL already consulted is never told to "talk to your DSL first" ----------------

ALREADY_TOLD = [
    "I've told our DSL already",
    "the DSL knows",
    "I spoke to our safeguarding lead this morning",
    "our DSL already knows about it",
    "yes I've told our DSL already and she thinks we should refer",
]


@pytest.mark.parametrize("statement", ALREADY_TOLD)
def test_a_dsl_already_told_is_read_and_not_asked_again(statement):
    assert mentioned_facts(statement).get("dsl_consulted") == "yes"
    _, conv, asked = outcome_of(
        "Should I refer a 34 year old dad who keeps posting anti-Muslim stuff and said at "
        f"pickup that 'they' should all be sent back? {statement}.",
        default="not sure",
    )
    assert "dsl_consulted" not in asked and conv.facts.dsl_consulted == "yes"


def test_adult_case_with_dsl_consulted_says_what_follows_not_talk_to_your_dsl_first():
    """QA B5's conversation: adult, consent not yet asked, DSL told in the last reply."""
    result, conv, asked = outcome_of(
        "Should I refer a 34 year old dad who keeps posting anti-Muslim stuff and said at "
        "pickup that 'they' should all be sent back",
        {
            "adult_consent": "no",
            "dsl_consulted": "yes I've told our DSL already and she thinks we should refer",
        },
        default="not sure",
    )
    assert conv.facts.dsl_consulted == "yes" and result.outcome == "consult_dsl"
    text = " ".join([result.headline, *result.steps]).lower()
    assert "first" not in result.headline.lower()
    assert "speak to your designated safeguarding lead" not in text
    assert "already talked to your dsl" in result.headline.lower()
    assert "decide" in result.headline.lower() and "SET 2.5" in result.headline
    assert "SET 2.5" in result.citations


def test_dsl_not_yet_consulted_still_says_talk_to_your_dsl_first():
    result, _, _ = outcome_of("A 14 year old has a swastika tattoo", {"dsl_consulted": "no"})
    assert result.outcome == "consult_dsl" and "first" in result.headline


# -- QA B4: exploitation told without keywords is a safeguarding matter -----------------------

EXPLOITATION = [
    "should I refer a year 10 lad who's being given cash and a new phone by older men to carry "
    "packages? there's nothing political about it",
    "I'm worried about a year 9 girl who keeps getting picked up in cars after school by men "
    "we don't know",
    "A 15 year old boy has loads of cash and a second phone and won't say where they came from",
    "Should I refer a 14 year old whose older friends keep buying him trainers and vapes?",
    "A year 8 boy has been carrying packages for some older lads and going to other towns",
    "older boys are giving a 13 year old money to hold things for them, what do I do?",
]


@pytest.mark.parametrize("opening", EXPLOITATION)
def test_exploitation_in_plain_words_is_a_safeguarding_worry_not_no_concern(opening):
    facts = mentioned_facts(opening)
    assert facts.get("other_safeguarding") == "yes"
    assert facts.get("engagement") is None and facts.get("ideology") != "yes"
    result, conv, asked = outcome_of(opening, default="no")
    assert result.outcome == "safeguarding", (asked, conv.facts)
    assert "other_safeguarding" not in asked
    assert not any("didn't mention other safeguarding" in r for r in result.reasons)


def test_nothing_political_answers_the_extremism_question():
    _, _, asked = outcome_of(EXPLOITATION[0], default="no")
    assert asked == ["immediate_risk"]


@pytest.mark.parametrize(
    "text",
    [
        "his mum bought him a new phone for his birthday",
        "she was picked up by her dad in the car",
        "he carried the bags to the minibus for the PE teacher",
    ],
)
def test_everyday_gifts_and_lifts_are_not_exploitation(text):
    assert "other_safeguarding" not in mentioned_facts(text)


def test_older_friends_with_a_cause_named_are_still_engagement():
    facts = mentioned_facts("he has been sharing far-right videos with older friends who buy him stuff")
    assert facts.get("engagement") == "yes" and facts.get("ideology") == "yes"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the DSL is dealing with it", "yes"),
        ("I went to see the DSL", "yes"),
        ("I've contacted the safeguarding lead", "yes"),
        ("the dsl hasn't been told", "no"),
        ("I haven't told the DSL yet", "no"),
    ],
)
def test_more_ways_of_saying_the_dsl_knows_or_not(text, expected):
    assert mentioned_facts(text).get("dsl_consulted") == expected


# -- 8. "not sure" is not a worry named; views held alone; unclear ideology; hedges ----


def test_not_sure_about_other_worries_is_not_a_safeguarding_outcome():
    # "I don't know" to "anything else worrying you?" names no harm: the outcome must not
    # say "There are other safeguarding worries" (the over-use of `safeguarding`).
    result, _, _ = outcome_of(
        "A colleague asked whether a year 8 boy who drew a tank in his maths book is a "
        "Prevent concern.",
        {
            "ideology": "No, he just likes drawing military vehicles, no cause at all",
            "other_safeguarding": "I'm not sure",
        },
    )
    assert result.outcome == "no_concern"
    text = " ".join(result.reasons).lower()
    assert "there are other safeguarding worries" not in text
    assert "weren't sure about other safeguarding worries" in text


@pytest.mark.parametrize(
    "reply",
    [
        "They're his own opinions, said every week; I'm not aware of any organisation.",
        "Those views are hers alone: I don't know of a group, she seems to be on her own",
    ],
)
def test_views_held_without_a_group_are_views_of_concern(reply):
    assert answer_facts("ideology", reply).get("ideology") == "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "She has no extremist views whatsoever, it's about her faith",
        "No, he's not in any group and has no political views at all",
    ],
)
def test_a_no_about_views_stays_a_no(reply):
    assert answer_facts("ideology", reply).get("ideology") == "no"


def test_interest_in_violence_without_a_clear_cause_is_not_a_no():
    # Mixed, unclear or unstable ideology is a category Prevent deals with (Thurrock FAQs).
    reply = "No real ideology, but he's obsessed with school massacres and the killers"
    assert answer_facts("ideology", reply).get("ideology") in ("unsure", "yes")  # not a no


def test_a_yes_that_takes_itself_back_is_not_terrorism():
    reply = "He did talk about moving overseas one day, though nothing specific and no group"
    assert answer_facts("terrorism", reply).get("terrorism") == "unsure"


@pytest.mark.parametrize(
    "text",
    [
        "she has been funding the group al-Shabaab through an online collection",
        "he admits he sent money last month to isis fighters abroad",
        "he's been looking up how to extract ricin and says some people need to die",
    ],
)
def test_funding_a_proscribed_group_or_preparing_a_poison_is_terrorism(text):
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "he sends money home to his grandparents in Somalia",
        "she is researching poisonous plants for her biology project",
    ],
)
def test_money_to_family_or_a_school_project_on_poison_is_not_terrorism(text):
    assert mentioned_facts(text).get("terrorism") is None


# -- one source for places: guidance/contacts.yml via bot/guidance/areas.py ------------------


def _places():
    from tests.triage._play import BASE

    return [(a.id, p) for a in BASE.areas.values() for p in a.places]


@pytest.mark.parametrize(("area_id", "place"), _places())
def test_every_place_in_the_contacts_data_names_its_area_in_the_triage(area_id, place):
    """The triage reads places from the contacts data (one source per fact), so a place the
    data lists is never missed nor read as another area."""
    from bot.triage.extract import mentioned_facts

    assert mentioned_facts(f"I work at a school in {place.title()} and I'm worried").get(
        "area"
    ) == area_id


def test_a_place_that_names_something_else_is_not_the_users_area():
    from bot.triage.extract import mentioned_facts

    facts = mentioned_facts("I'm in Lewisham; his cousin from Essex sent him a flag")
    assert facts.get("area") == "lewisham"
    assert mentioned_facts("I rang Essex Police yesterday").get("area") is None


def test_a_place_only_the_contacts_data_lists_is_the_conversations_area():
    """Catford is in the contacts data only (no triage list of its own): the conversation's
    area follows it. (Which contact a non-SET area gets is bot/guidance's `Base.area`.)"""
    _, conv, _ = outcome_of(
        "I teach at a school in Catford. A 14 year old has a swastika tattoo",
        {"dsl_consulted": "no"},
        default_area="essex",
    )
    assert conv.area == "lewisham"
