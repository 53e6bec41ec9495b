"""Routing between an answer and the triage: questions are answered even when a person is
mentioned; a worry with no question, or "should I refer?", still goes to the triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance import GuidanceService, load_guidance
from bot.guidance.routing import clauses, question_focus, route

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def service() -> GuidanceService:
    return GuidanceService(load_guidance(ROOT / "guidance"), 0.45)


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "My year 10 student has started wearing a badge with a symbol. What other signs of "
            "engagement should I look for?",
            "indicators_engagement",
        ),
        (
            "I support a 24-year-old who shares extremist videos. Do I need her permission, and "
            "what if she says no?",
            "consent_adults",
        ),
        (
            "A lad in year 9 is into far-right memes. Is there a typical profile?",
            "no_single_profile",
        ),
        ("he's 15 and I'm worried about him. how does channel work?", "what_is_channel"),
    ],
)
def test_a_question_about_a_person_is_answered_first_and_triage_offered(service, message, topic):
    routing = service.routing(message)
    assert routing.answer_first
    assert routing.offer_triage
    assert routing.result.best.topic.id == topic


@pytest.mark.parametrize(
    "message",
    [
        "A year 9 boy keeps sharing far-right memes in the class group chat",
        "I'm worried about a pupil who has started wearing a patch with a symbol on his bag",
        "Should I refer a 14 year old who keeps saying immigrants should be sent home?",
        "one of my sixth formers is posting incel stuff, is this a prevent concern?",
        "a girl in year 8 is talking to an older man online about politics, what should I do",
        "can you help me work out whether to refer my student",
    ],
)
def test_a_worry_or_a_should_i_refer_question_is_not_answered_first(service, message):
    assert not service.routing(message).answer_first


@pytest.mark.parametrize(
    "message",
    [
        "is there a typical profile of someone who gets radicalised?",
        "If we refer a pupil to Channel does it go on their criminal record?",
    ],
)
def test_a_general_question_answers_without_offering_triage(service, message):
    routing = service.routing(message)
    assert routing.answer_first and not routing.offer_triage


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("ok, police called. what is channel?", "what_is_channel"),
        ("thanks, that helps. and who sits on the channel panel?", "channel_panel"),
        ("Channel in plain English", "what_is_channel"),
        ("worried, but no immediate danger: what do I do?", "consult_dsl_first"),
        ("Do I need a 24 year old's consent to refer?", "consent_adults"),
    ],
)
def test_chatter_denied_danger_and_titles_do_not_mislead_retrieval(service, message, topic):
    assert service.search(message).best.topic.id == topic


def test_leading_acknowledgements_are_dropped_from_clauses():
    assert clauses("Ok thanks. What is Channel?") == ["What is Channel?"]
    assert route("right, so what is prevent?").focus == "what is prevent?"


def test_two_questions_joined_by_and_are_both_information():
    asked = route("do I need her permission, and what if she says no?")
    assert asked.asks_information and not asked.asks_decision


def test_no_triage_training_example_is_taken_for_an_information_question(service):
    import yaml

    data = yaml.safe_load((ROOT / "data" / "nlu" / "triage.yml").read_text())
    examples = [
        line.strip()[2:]
        for block in data["nlu"]
        if block.get("intent") in ("start_triage", "inform")
        for line in block["examples"].splitlines()
        if line.strip()
    ]
    assert len(examples) > 50
    assert not [e for e in examples if service.routing(e).answer_first]


def test_a_pronoun_question_keeps_the_clause_it_points_back_to():
    assert "channel" in route("my head mentioned channel in a meeting - what is it?").focus
    assert route("ok, police called. what is channel?").focus == "what is channel?"


@pytest.mark.parametrize(
    ("message", "topic", "must_say"),
    [
        ("how many go through channel every year", "prevent_statistics", "697"),
        (
            "are there national figures on how often channel takes a case on",
            "prevent_statistics",
            "697",
        ),
        ("how young are the people channel takes on", "prevent_statistics", "66%"),
        (
            "how much extremist content has been taken down",
            "prevent_national_achievements",
            "310,000",
        ),
        ("tell me what prevent is not", "what_prevent_is_not", "free speech"),
        ("is prevent islamophobia in disguise", "myth_targets_muslims", "faith"),
        (
            "does a pupil end up with a record after channel",
            "myth_criminal_record",
            "criminal record",
        ),
        (
            "whats the offical extremisum definiton",
            "radicalisation_extremism_definitions",
            "rule of law",
        ),
    ],
)
def test_number_questions_and_what_prevent_is_not_find_their_topic(
    service, message, topic, must_say
):
    """Number questions lean to the figures, "Prevent is not" to the misconceptions list,
    "a record" to the criminal record myth; common misspellings are read as meant."""
    best = service.search(message).best
    assert best.topic.id == topic
    assert must_say.lower() in best.topic.answer.lower()


@pytest.mark.parametrize(
    "message",
    [
        "is a young person forced to do channel once referred",
        "does a 14 year old have to attend channel if the panel says so",
        "the head wants to sign off the referral first. what is channel, short version?",
    ],
)
def test_must_they_take_part_and_sign_off_questions_say_channel_is_voluntary(service, message):
    """'Have to take part' asks whether Channel is voluntary; 'sign off' is not a 'sign'."""
    best = service.search(message).best
    assert "voluntary" in best.topic.answer.lower()


def test_what_happens_after_a_dash_reads_the_clause_before_it(service):
    """ "... moving counties for a term - what happens?" asks about the move, not referrals."""
    message = "my tutee on a channel plan is off to stay with family in another county for a term - what happens?"
    assert "county" in question_focus(message)
    assert service.search(question_focus(message)).best.topic.id == "transfers"


def test_a_pronoun_question_with_two_trailing_words_keeps_the_clause_before(service):
    """ "RUN HIDE TELL - what is that short for?": "tell" is no stop word inside the advice."""
    message = "Run, hide and tell - what is that short for? for our staff briefing"
    assert service.search(question_focus(message)).best.topic.id == "run_hide_tell"


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "Our learner with an open Channel case has been placed with foster carers in another "
            "county for six months. Who looks after the case now?",
            "transfers",
        ),
        (
            "I sent the VTR form to the police on Tuesday about a boy in year 7. What will happen "
            "next?",
            "after_referral",
        ),
    ],
)
def test_a_long_message_reads_its_question_and_its_context_together(service, message, topic):
    """Context first, the question last: the generic question ("who looks after the case
    now?") and the context ("placed ... in another county") are scored together, the
    question counting twice (alone and inside the whole message)."""
    assert service.search(message).best.topic.id == topic


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "A 12 year old in my class keeps drawing swastikas. Do his parents need to give "
            "permission for a referral?",
            "consent_children",
        ),
        (
            "She is 17 and has told me she does not want her parents involved. Can she decide "
            "about consent herself?",
            "capacity_16_plus",
        ),
        (
            "my pupil got referred last month. could the referral stay on his school record?",
            "myth_criminal_record",
        ),
    ],
)
def test_a_yes_no_question_about_the_person_is_answered_first(service, message, topic):
    """ "Do his parents ...?", "Can she ...?", "Could the referral ...?" ask for
    information (issue 13): answered first, then the case is offered."""
    routing = service.routing(message)
    assert routing.answer_first and routing.offer_triage
    assert routing.result.best.topic.id == topic


@pytest.mark.parametrize(
    "message",
    [
        "Does he need a referral? He's 14 and watches beheading videos.",
        "Is she at risk? She keeps talking about the great replacement and has an older boyfriend.",
        "Would this pupil warrant a Prevent referral? He has a swastika on his pencil case.",
    ],
)
def test_a_yes_no_question_about_this_case_still_goes_to_the_triage(service, message):
    assert not service.routing(message).answer_first


def test_a_short_pronoun_question_reads_the_clause_before_it():
    assert "channel" in route("she said no to channel. is that the end of it?").focus


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "our nursery hasn't got an Egress account - how do we get the form over?",
            "no_secure_email",
        ),
        ("we are a tiny charity without cjsm or pnn, is there another way?", "no_secure_email"),
        ("what sort of young people end up being radicalised?", "no_single_profile"),
        ("can staff spot who is at risk just from home life?", "no_single_profile"),
    ],
)
def test_lacking_secure_email_and_profile_questions_find_their_topic(service, message, topic):
    """Not having the secure systems asks for the fallback, not the address; "what sort of
    young people" asks for a profile (there is none), not for the definitions."""
    assert service.search(message).best.topic.id == topic


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "The family of a boy we support through Channel is being rehoused in Kent next "
            "term. Does the Essex panel keep him?",
            "transfers",
        ),
        ("which agencies attend channel panel meetings and who chairs it?", "channel_panel"),
        ("I made the referral - do I have to attend the channel panel meeting?", "attending_panel"),
        (
            "What should I look for when someone's views have moved towards wanting to hurt "
            "people?",
            "indicators_intent",
        ),
    ],
)
def test_neighbouring_topics_are_told_apart(service, message, topic):
    """Moving home or area is a transfer (views that "moved towards" harm are not); which
    agencies attend is the panel's membership, "do I attend" the referrer's question."""
    assert service.search(message).best.topic.id == topic


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("would channel affect her job prospects later on?", "myth_criminal_record"),
        ("shall I check with the dsl first or just refer?", "consult_dsl_first"),
        (
            "he chops and changes between incel forums and white power stuff - still prevent?",
            "mixed_unclear_ideology",
        ),
        ("she was referred last week by her head of year, what happens next?", "after_referral"),
        (
            "should it be 999 or a VTR form when a pupil threatens to stab someone today?",
            "emergency_999",
        ),
    ],
)
def test_record_dsl_first_mixed_ideology_and_999_questions_find_their_topic(
    service, message, topic
):
    """Later-life consequences ask about a record; "run it past the DSL first" is the DSL
    step; switching causes is a mixed ideology; "was referred" is after a referral; 999
    named beside another route is the 999 question."""
    assert service.search(message).best.topic.id == topic


@pytest.mark.parametrize(
    "message",
    [
        "My pupil's mum is furious that we referred her son. Any advice on explaining Prevent "
        "to her?",
        "one of my tutees has got into incel forums. Please explain what incel means",
        "he's 16 and has been looking at bomb-making stuff for a chemistry project, where do I "
        "send a VTR form",
    ],
)
def test_requests_and_questions_after_a_comma_are_answered_first(service, message):
    """ "Any advice on ...", "Please explain ...", and a question tacked on after a comma ask
    for information; "..., do I refer him?" stays a decision."""
    routing = service.routing(message)
    assert routing.answer_first and routing.offer_triage


def test_a_decision_after_a_comma_stays_with_the_triage(service):
    assert not service.routing("my student has a swastika on his bag, do I refer him?").answer_first


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "If something on my commute looks like it could be linked to terrorism, who should I "
            "report it to?",
            "anti_terrorist_hotline",
        ),
        ("A neighbour seems to be stockpiling chemicals - who do we report that to?", None),
    ],
)
def test_who_or_where_to_report_it_to_asks_for_a_route_not_a_decision(service, message, topic):
    """ "Who do I report it to?" asks for the route (information); "do I report it?" alone is
    the triage's question."""
    asked = route(message)
    assert asked.asks_information and not asked.asks_decision
    if topic:
        routing = service.routing(message)
        assert routing.answer_first
        assert routing.result.best.topic.id == topic


def test_do_i_report_him_is_still_a_decision():
    assert route("my tutee praises attacks online, do I report him?").asks_decision


@pytest.mark.parametrize(
    "message",
    [
        "my pupil's mum seems to share his extremist views, should we speak to the parents "
        "before anything else?",
        "a 13 year old repeats his uncle's racist views - should I tell his mum first?",
    ],
)
def test_whether_to_talk_to_the_family_first_is_a_question_about_the_steps(service, message):
    """Whether to tell the family first is a question about procedure the guidance answers
    (SET 2.4, family implicated); the triage only decides whether to refer."""
    routing = service.routing(message)
    assert routing.answer_first and routing.offer_triage
    assert routing.result.best.topic.id in {"family_implicated", "consent_children"}


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("when is a worry bad enough to report to Prevent?", "when_to_refer"),
        ("how can I tell whether a concern is serious enough for a Channel referral", "when_to_refer"),
    ],
)
def test_serious_enough_to_refer_asks_for_the_threshold(service, message, topic):
    routing = service.routing(message)
    assert routing.answer_first
    assert routing.result.best.topic.id == topic


def test_a_question_in_two_halves_keeps_the_first_half_the_pronoun_points_to(service):
    """ "is X ... or is it ...?": the second half's pronoun is the first half's subject."""
    message = "is radicalisation a legal term or is it more of a description professionals use?"
    focus = route(message).focus
    assert "radicalisation a legal term" in focus
    assert service.routing(message).result.best.topic.id in {
        "radicalisation_extremism_definitions",
        "counter_radicalisation_definition",
        "terrorism_definition",
    }


def test_naming_every_secure_system_one_lacks_still_asks_for_the_way_round(service):
    """Listing the systems one lacks ("no pnn, Egress or nhs.net") must not pull the answer to
    the topic that lists them (where_to_send): the question is what to do without them."""
    for message in (
        "our nursery has no pnn, Egress or nhs.net account - how do we get a form in?",
        "we can't use pnn, cjsm or egress at our school, how else can the form go?",
    ):
        first, second = service.routing(message).result.ranked[:2]
        assert first.topic.id == "no_secure_email"
        assert first.score > 1.5 * second.score, message


@pytest.mark.parametrize(
    "message",
    [
        "our cleaners and lunchtime supervisors - do they need prevent training too?",
        "we have new governors this term. do they need prevent awareness training?",
    ],
)
def test_do_they_need_prevent_training_asks_about_training_not_a_case(service, message):
    """Issue 13: "do they need Prevent training?" is about staff, not "does he need
    Prevent?": answered (training topics), never sent to the should-I-refer triage."""
    routing = service.routing(message)
    assert routing.answer_first and not routing.start_triage
    assert "training" in routing.result.best.topic.id or routing.result.best.topic.id in {
        "elected_members_role",
        "governors_role",
    }


def test_does_he_need_prevent_still_goes_to_the_triage(service):
    assert not service.routing("he's 15 and into beheading videos. does he need prevent?").answer_first


# Issue 13 (g20): how fast to refer, and which of two routes, ask for information even when
# the message tells of a case; "should I refer him?" still asks for a decision. Written for
# this test, not taken from any evaluation set.
@pytest.mark.parametrize(
    "message",
    [
        "how soon do we have to refer once we suspect a risk of serious harm?",
        "her uncle is planning to fight for a banned group overseas. police or a prevent referral?",
        "is it 999 or a referral?",
    ],
)
def test_how_soon_and_which_route_questions_are_information(message):
    asked = route(message)
    assert asked.asks_information and not asked.asks_decision, message


def test_whether_to_refer_is_still_a_decision():
    assert route("should we refer her?").asks_decision
    assert route("do I need to refer him or not").asks_decision


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("I think a former pupil is planning an attack on a mosque. Do I go to Prevent?", "attack"),
        ("A parent says her son wants to fly to Syria to fight. Is that a police matter?", "syria"),
        ("Someone posted a bomb recipe in the class chat. Is this Channel?", "bomb"),
    ],
)
def test_a_short_question_naming_only_a_route_keeps_the_clause_before(text, context):
    # Issue 13 (g21): "do I go to Prevent?" read alone is "what is Prevent?"; it asks which
    # route fits what was just described, so retrieval reads that too.
    assert context in route(text).focus.lower()


@pytest.mark.parametrize(
    "message",
    [
        # Issue 13 (g22): who makes the referral, asked as a choice, is a question about the
        # route (talk to the DSL first, SET 2.5), answered; not the should-I-refer questions.
        "should I refer directly myself or go through the safeguarding lead?",
        "should we report it ourselves or leave it to the DSL?",
        "should I report this myself or let the safeguarding lead do it?",
    ],
)
def test_who_makes_the_referral_asked_as_a_choice_is_answered(service, message):
    routing = service.routing(message)
    assert not routing.start_triage, message
    assert routing.result.best is not None
    assert routing.result.best.topic.id == "consult_dsl_first", message


@pytest.mark.parametrize(
    "message",
    ["should i refer him myself?", "he keeps praising isis, should I refer him directly or wait?"],
)
def test_referring_this_person_is_still_the_triage_s_question(message):
    assert route(message).asks_referral, message


@pytest.mark.parametrize(
    "message",
    [
        # Session 11 review: who makes the referral is answered only when the message carries
        # no case details of danger or terrorism; with a plan, a weapon, a near time, a
        # proscribed group or travel, the case itself is triaged (SET 2.4, Thurrock pack).
        "should I refer it myself or go through the dsl, he's planning to bomb the mosque "
        "tomorrow",
        "should I report it straight to the police or to the DSL? he has a gun",
        "should we report it ourselves or leave it to the DSL? she is a member of National "
        "Action",
        "should I refer directly myself or go through the safeguarding lead? he says he is "
        "flying to Syria to join isis next week",
        "should I report this myself or let the lead do it, he brought a knife in today",
    ],
)
def test_who_refers_with_danger_in_the_case_starts_the_triage(service, message):
    routing = service.routing(message)
    assert routing.start_triage, message
